// The declared clusters as a shell and a kubeconfig see them: a kubeconfig for every cluster, each
// cluster's Kubernetes API server on local Azure's host (bearer token of its kubeconfig; /version,
// nodes, namespaces, and the Arc agents `az connectedk8s connect` installs), and the az shim first
// on the env file's PATH.

import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import type { ClusterConfig, LocalAzureConfig } from '../src/config/types.js';
import { REDACTED } from '../src/http/traffic.js';
import { parseEnvFile } from '../src/instance.js';
import { clusterFromToken, clusterToken } from '../src/kubeconfig.js';
import type { LocalAzure } from '../src/local-azure.js';
import { call, readTraffic, startTestAzure } from './local-azure-support.js';

const ARC = DEFAULT_CONFIG.clusters.find((c) => c.kind === 'arc')!;
const AKS = DEFAULT_CONFIG.clusters.find((c) => c.kind === 'aks')!;
const GPU: ClusterConfig = {
  ...ARC,
  name: 'arc-gpu',
  kubernetesVersion: '1.29.7',
  namespaces: ['default', 'kube-system'],
  nodes: [
    { name: 'gpu-0', cpu: 8, memoryGi: 32, gpu: 2, os: 'linux', labels: { accelerator: 'nvidia-a100' } },
    { name: 'win-0', cpu: 4, memoryGi: 8, gpu: 0, os: 'windows', labels: {} },
  ],
};
const CONFIG: LocalAzureConfig = { ...DEFAULT_CONFIG, clusters: [...DEFAULT_CONFIG.clusters, GPU] };

let azure: LocalAzure & { stateDir: string };

beforeAll(async () => {
  azure = await startTestAzure({ config: CONFIG });
});

afterAll(async () => {
  await azure?.stop();
});

interface Kubeconfig {
  'current-context': string;
  clusters: { name: string; cluster: { server: string; 'certificate-authority-data': string } }[];
  users: { name: string; user: { token: string } }[];
  contexts: { name: string; context: { cluster: string; user: string; namespace: string } }[];
}

interface NodeJson {
  metadata: { name: string; labels: Record<string, string> };
  status: {
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    nodeInfo: Record<string, string>;
  };
}

function kubeconfig(cluster: string): Kubeconfig {
  return parse(readFileSync(azure.kubeconfigFor(cluster), 'utf8')) as Kubeconfig;
}

/** A request to a cluster's API server as kubectl sends it: the kubeconfig's server and token. */
function kube(cluster: string, method: string, path: string, options: { token?: string | null; body?: unknown } = {}) {
  const config = kubeconfig(cluster);
  const server = config.clusters[0]!.cluster.server;
  const token = options.token === undefined ? config.users[0]!.user.token : options.token;
  return call(azure, method, `${server.slice(azure.baseUrl.length)}${path}`, {
    ...(token ? { token } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}

describe('kubeconfigs', () => {
  it.each([ARC.name, AKS.name, GPU.name])('writes one for %s: its API server, the local CA and its token', (name) => {
    const cluster = CONFIG.clusters.find((c) => c.name === name)!;
    const config = kubeconfig(name);

    expect(azure.kubeconfigFor(name)).toBe(join(azure.stateDir, 'kubeconfigs', name));
    expect(config['current-context']).toBe(name);
    expect(config.clusters).toEqual([
      {
        name,
        cluster: {
          server: `${azure.baseUrl}/kubernetes/${cluster.resourceGroup}/${name}`,
          'certificate-authority-data': Buffer.from(azure.caPem).toString('base64'),
        },
      },
    ]);
    expect(config.users[0]!.user.token).toBe(clusterToken(azure.config, cluster));
    expect(clusterFromToken(config.users[0]!.user.token)).toEqual({
      subscriptionId: azure.subscriptionId,
      resourceGroup: cluster.resourceGroup,
      name,
    });
  });

  it('keeps DIR/kubeconfig as the first Arc cluster’s, and refuses a cluster the config does not declare', () => {
    expect(readFileSync(azure.kubeconfigFile, 'utf8')).toBe(readFileSync(azure.kubeconfigFor(ARC.name), 'utf8'));
    expect(() => azure.kubeconfigFor('nope')).toThrow(
      "local Azure declares no cluster 'nope' (declared: arc-k3s, aks-ml, arc-gpu)",
    );
  });
});

describe("a cluster's Kubernetes API server", () => {
  it('answers /version like the real one', async () => {
    expect(await kube(GPU.name, 'GET', '/version')).toMatchObject({
      status: 200,
      body: { major: '1', minor: '29', gitVersion: 'v1.29.7', platform: 'linux/amd64' },
    });
  });

  it('lists the nodes of the config with their capacity, labels and os', async () => {
    const answer = await kube(GPU.name, 'GET', '/api/v1/nodes');

    expect(answer.status).toBe(200);
    const list = answer.body as { kind: string; items: NodeJson[] };
    expect(list.kind).toBe('NodeList');
    expect(list.items.map((node) => node.metadata.name)).toEqual(['gpu-0', 'win-0']);
    const [gpu, windows] = list.items as [NodeJson, NodeJson];
    expect(gpu.status.capacity).toEqual({
      cpu: '8',
      memory: `${32 * 1024 * 1024}Ki`,
      pods: '110',
      'nvidia.com/gpu': '2',
    });
    expect(gpu.status.allocatable).toEqual(gpu.status.capacity);
    expect(gpu.metadata.labels).toMatchObject({
      accelerator: 'nvidia-a100',
      'kubernetes.io/os': 'linux',
      'kubernetes.io/hostname': 'gpu-0',
    });
    expect(gpu.status.nodeInfo).toMatchObject({ operatingSystem: 'linux', kubeletVersion: 'v1.29.7' });
    expect(windows.status.capacity).not.toHaveProperty('nvidia.com/gpu');
    expect(windows.metadata.labels).toMatchObject({ 'kubernetes.io/os': 'windows' });
    expect(await kube(GPU.name, 'GET', '/api/v1/nodes/win-0')).toMatchObject({
      status: 200,
      body: { kind: 'Node', metadata: { name: 'win-0' } },
    });
    expect(await kube(GPU.name, 'GET', '/api/v1/nodes/gone')).toMatchObject({
      status: 404,
      body: { kind: 'Status', reason: 'NotFound', message: 'nodes "gone" not found', code: 404 },
    });
  });

  it('lists the namespaces, including those added since', async () => {
    await azure.admin.request('POST', `/clusters/${AKS.name}/namespaces`, { name: 'team-a' });

    const answer = await kube(AKS.name, 'GET', '/api/v1/namespaces');

    expect(answer.status).toBe(200);
    const list = answer.body as { kind: string; items: { metadata: { name: string }; status: unknown }[] };
    expect(list.kind).toBe('NamespaceList');
    expect(list.items.map((ns) => ns.metadata.name)).toEqual([...AKS.namespaces, 'team-a']);
    expect(list.items[0]!.status).toEqual({ phase: 'Active' });
    expect((await kube(AKS.name, 'GET', '/api/v1/namespaces/team-a')).status).toBe(200);
    expect((await kube(AKS.name, 'GET', '/api/v1/namespaces/team-b')).status).toBe(404);
  });

  it.each([
    ['no token', null],
    ['a token that names no cluster', 'not-a-cluster-token'],
    ['the token of another cluster', clusterToken(DEFAULT_CONFIG, AKS)],
  ])('answers 401 with %s', async (_case, token) => {
    expect(await kube(ARC.name, 'GET', '/version', { token })).toMatchObject({
      status: 401,
      body: { kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 },
    });
  });

  it('answers 404 for a cluster the config does not declare and for a path it does not serve', async () => {
    const token = clusterToken(DEFAULT_CONFIG, ARC);
    expect(await call(azure, 'GET', '/kubernetes/arc-ml-rg/nope/version', { token })).toMatchObject({
      status: 404,
      body: { kind: 'Status', reason: 'NotFound' },
    });
    expect(await call(azure, 'GET', `/kubernetes/no-access-rg/${ARC.name}/version`, { token })).toMatchObject({
      status: 404,
    });
    expect(await kube(ARC.name, 'GET', '/apis/apps/v1/deployments')).toMatchObject({
      status: 404,
      body: { message: 'the server could not find the requested resource' },
    });
    expect(await kube(ARC.name, 'DELETE', '/version')).toMatchObject({ status: 405 });
  });

  it("starts and stops an Arc cluster's agents (the helm install of az connectedk8s connect)", async () => {
    const started = await kube(GPU.name, 'POST', '/agents', { body: { running: true, agentVersion: '1.22.0' } });

    expect(started).toMatchObject({ status: 200, body: { name: GPU.name, agents: { running: true } } });
    expect(await azure.admin.request('GET', `/clusters/${GPU.name}`)).toMatchObject({
      agents: { running: true, agentVersion: '1.22.0' },
    });

    const stopped = await kube(GPU.name, 'POST', '/agents', { body: { running: false } });
    expect(stopped).toMatchObject({ status: 200, body: { agents: { running: false, agentVersion: '1.22.0' } } });
  });

  it.each([
    ['no running flag', ARC.name, { agentVersion: '1.22.0' }, "'running' is required"],
    ['a version that is not x.y.z', ARC.name, { running: true, agentVersion: 'latest' }, "'agentVersion' must be"],
    ['an AKS cluster', AKS.name, { running: true }, 'Arc agents run only on Arc clusters'],
  ])('refuses agents with %s', async (_case, cluster, body, message) => {
    const answer = await kube(cluster, 'POST', '/agents', { body });

    expect(answer).toMatchObject({ status: 400, body: { kind: 'Status', reason: 'BadRequest', code: 400 } });
    expect((answer.body as { message: string }).message).toContain(message);
  });

  it('is in the traffic record, its bearer token redacted', () => {
    const traffic = readTraffic(azure.trafficFile).filter((t) => new URL(t.url).pathname.startsWith('/kubernetes/'));
    const agents = traffic.find((t) => t.method === 'POST' && t.url.endsWith(`/${GPU.name}/agents`));

    expect(agents).toMatchObject({
      status: 200,
      requestBody: { running: true, agentVersion: '1.22.0' },
      requestHeaders: { authorization: `Bearer ${REDACTED}` },
    });
    const text = readFileSync(azure.trafficFile, 'utf8');
    for (const cluster of CONFIG.clusters) expect(text).not.toContain(clusterToken(azure.config, cluster));
  });
});

describe('the az shim', () => {
  it('is written to DIR/bin/az, first on PATH in the env record and in the env file', () => {
    const az = join(azure.stateDir, 'bin', 'az');
    expect(azure.azBinDir).toBe(join(azure.stateDir, 'bin'));
    accessSync(az, constants.X_OK);
    expect(azure.env['PATH']?.split(delimiter)[0]).toBe(azure.azBinDir);

    const file = readFileSync(azure.envFile, 'utf8');
    expect(file).toContain(`export PATH="${azure.azBinDir}:$PATH"`);
    expect(parseEnvFile(file, { PATH: '/usr/bin' })['PATH']).toBe(`${azure.azBinDir}:/usr/bin`);
  });

  it('is what `az` runs after `source DIR/env`, its state kept in the state dir', () => {
    const shell = spawnSync('sh', ['-c', `. "${azure.envFile}" && command -v az && az --version`], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent' },
    });

    expect(shell.stderr).toBe('');
    expect(shell.status).toBe(0);
    const [where, ...version] = shell.stdout.split('\n');
    expect(where).toBe(join(azure.azBinDir, 'az'));
    expect(version[0]).toMatch(/^azure-cli\s+\d+\.\d+\.\d+$/);
    expect(version).toContain(`Config directory '${join(azure.stateDir, 'azure')}'`);
    expect(version).toContain(`Extensions directory '${join(azure.stateDir, 'azure', 'cliextensions')}'`);
  });
});
