// Each declared cluster's Kubernetes API server, where its kubeconfig points:
// `{base}/kubernetes/{resourceGroup}/{clusterName}/…`, authenticated with the kubeconfig's bearer
// token (clusterToken). It serves what the tools that run against a cluster read — `/version`,
// the nodes and the namespaces — and `POST …/agents` `{running, agentVersion?}`, the helm install
// (or uninstall) of the Arc agents that `az connectedk8s connect` runs: the same agents runtime the
// admin route `POST /_admin/clusters/{name}/agents` drives. Errors are Kubernetes `Status` objects.

import { ArmError, type ProviderContext } from '../../arm/contract.js';
import { RouteTable, safeDecode } from '../../arm/router.js';
import type { NodeConfig } from '../../config/types.js';
import { type HttpAnswer, type HttpRequest, header, json } from '../../http/types.js';
import { clusterToken } from '../../kubeconfig.js';
import { sameName } from './arm.js';
import { type ClusterRuntime, getClusterRuntime } from './cluster-runtime.js';
import { setAgents } from './connected-clusters.js';

interface ApiRoute {
  readonly method: string;
  readonly path: string;
  handle(runtime: ClusterRuntime, params: Readonly<Record<string, string>>, body: unknown): HttpAnswer;
}

/** Serves `subPath` (the path below `/kubernetes`) for the cluster it names. */
export function kubernetesApiHandler(ctx: ProviderContext): (req: HttpRequest, subPath: string) => HttpAnswer {
  const table = new RouteTable<ApiRoute>(routes(ctx));
  return (req, subPath) => {
    const [, resourceGroup = '', name = '', ...rest] = subPath.split('/').map(safeDecode);
    const runtime = getClusterRuntime(ctx, name);
    if (!runtime || !sameName(runtime.config.resourceGroup, resourceGroup)) {
      return status(404, 'NotFound', `local Azure declares no cluster '${name}' in resource group '${resourceGroup}'`);
    }
    const token = /^Bearer\s+(\S+)$/i.exec(header(req, 'authorization')?.trim() ?? '')?.[1];
    if (token !== clusterToken(ctx.config, runtime.config)) return status(401, 'Unauthorized', 'Unauthorized');

    const match = table.match(req.method, `/${rest.join('/')}`);
    if (match.kind === 'none') return status(404, 'NotFound', 'the server could not find the requested resource');
    if (match.kind === 'method') {
      return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    let body: unknown;
    try {
      body = req.body.length ? JSON.parse(req.body.toString('utf8')) : undefined;
    } catch (error) {
      return status(400, 'BadRequest', `the request body is not JSON: ${(error as Error).message}`);
    }
    try {
      return match.value.handle(runtime, match.params, body);
    } catch (error) {
      if (error instanceof ArmError) {
        return status(error.status, error.status === 404 ? 'NotFound' : 'BadRequest', error.message);
      }
      throw error;
    }
  };
}

function routes(ctx: ProviderContext): ApiRoute[] {
  return [
    {
      method: 'GET',
      path: '/version',
      handle: (runtime) => json(200, versionInfo(runtime.config.kubernetesVersion)),
    },
    {
      method: 'GET',
      path: '/api/v1/nodes',
      handle: (runtime) =>
        json(
          200,
          list(
            'NodeList',
            runtime.nodes.map((node) => nodeObject(runtime, node)),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/api/v1/nodes/{name}',
      handle: (runtime, params) => {
        const node = runtime.nodes.find((n) => n.name === params['name']);
        return node ? json(200, nodeObject(runtime, node)) : notFound('nodes', params['name']);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/namespaces',
      handle: (runtime) => json(200, list('NamespaceList', runtime.namespaces.map(namespaceObject))),
    },
    {
      method: 'GET',
      path: '/api/v1/namespaces/{name}',
      handle: (runtime, params) => {
        const name = params['name'] ?? '';
        return runtime.hasNamespace(name) ? json(200, namespaceObject(name)) : notFound('namespaces', name);
      },
    },
    {
      method: 'POST',
      path: '/agents',
      handle: (runtime, _params, body) => json(200, setAgents(ctx, runtime.name, body)),
    },
  ];
}

/** What `GET /version` answers (the API server runs on Linux, whatever its nodes run). */
export function versionInfo(kubernetesVersion: string): Record<string, string> {
  const [major = '', minor = ''] = kubernetesVersion.split('.');
  return {
    major,
    minor,
    gitVersion: `v${kubernetesVersion}`,
    gitTreeState: 'clean',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

function list(kind: 'NodeList' | 'NamespaceList', items: unknown[]): Record<string, unknown> {
  return { kind, apiVersion: 'v1', metadata: { resourceVersion: '1' }, items };
}

function nodeObject(runtime: ClusterRuntime, node: NodeConfig): Record<string, unknown> {
  const resources = {
    cpu: String(node.cpu),
    memory: `${Math.round(node.memoryGi * 1024 * 1024)}Ki`,
    pods: '110',
    // the NVIDIA device plugin advertises GPUs; a node without any has no such resource
    ...(node.gpu > 0 ? { 'nvidia.com/gpu': String(node.gpu) } : {}),
  };
  return {
    kind: 'Node',
    apiVersion: 'v1',
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': node.os,
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': node.os,
        ...node.labels,
      },
    },
    spec: {},
    status: {
      capacity: resources,
      allocatable: resources,
      conditions: [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: node.os,
        kubeletVersion: `v${runtime.config.kubernetesVersion}`,
      },
    },
  };
}

function namespaceObject(name: string): Record<string, unknown> {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function notFound(kind: string, name: string | undefined): HttpAnswer {
  return status(404, 'NotFound', `${kind} "${name ?? ''}" not found`, { name: name ?? '', kind });
}

/** A Kubernetes `Status` failure, as the API server answers errors. */
function status(code: number, reason: string, message: string, details?: Record<string, string>): HttpAnswer {
  return json(code, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}
