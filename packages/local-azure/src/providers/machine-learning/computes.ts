// Computes: attaching an Arc connected cluster or an AKS cluster as a Kubernetes compute, as a
// long-running PUT that Azure answers 201 + Azure-AsyncOperation. The attach is refused, with a
// message that says what to do, when the cluster does not exist, has no AzureML extension in
// provisioning state Succeeded, lacks the namespace, or declares unusable instance types. An
// attached compute cannot be changed in place: detach it and attach it again.

import type { ArmRequest, ProviderContext, ResourceJson, Route } from '../../arm/contract.js';
import type { ClusterConfig } from '../../config/types.js';
import {
  AZUREML_EXTENSION_TYPE,
  badRequest,
  CONNECTED_CLUSTER_TYPE,
  childType,
  conflict,
  EXTENSION_TYPE,
  isoTime,
  type Json,
  listPage,
  locationOf,
  MANAGED_CLUSTER_TYPE,
  objectAt,
  ok,
  renderIdentity,
  requireChild,
  requireParentWorkspace,
  sameJson,
  stringAt,
  systemData,
  workspaceRoute,
} from './common.js';
import { validate } from './schema.js';
import { computeResource } from './schemas.js';

export const COMPUTE_TYPE = childType('computes');
export const DEFAULT_INSTANCE_TYPE = 'defaultinstancetype';

/** Namespaces that exist in a cluster now (a cluster runtime may add some); undefined: use the config. */
export type ClusterNamespaces = (clusterId: string, ctx: ProviderContext) => readonly string[] | undefined;

/** What every Kubernetes cluster has, for clusters not declared in the config. */
const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const COMPUTE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,14}[a-zA-Z0-9]$/;
const COMPUTE_NAME_RULE =
  'Compute name is invalid. It can include letters, digits and dashes. It must start with a letter, end with a letter or digit, and be between 2 and 16 characters in length.';

/** The Kubernetes properties of an attach request that decide what the compute is. */
const ATTACH_FIELDS = ['namespace', 'defaultInstanceType', 'instanceTypes'] as const;

export function computeRoutes(namespacesOf: ClusterNamespaces | undefined): Route[] {
  const action = (verb: string) => `workspaces/computes/${verb}`;
  return [
    workspaceRoute('GET', '/computes', action('read'), (req, ctx) => {
      const workspace = requireParentWorkspace(req, ctx, 'computes');
      const items = ctx.store.children(workspace.id, COMPUTE_TYPE).sort((a, b) => a.name.localeCompare(b.name));
      return listPage(req, items);
    }),
    workspaceRoute('GET', '/computes/{computeName}', action('read'), (req, ctx) => ok(requireCompute(req, ctx))),
    workspaceRoute('PUT', '/computes/{computeName}', action('write'), (req, ctx) => attach(req, ctx, namespacesOf)),
    workspaceRoute('DELETE', '/computes/{computeName}', action('delete'), (req, ctx) => detach(req, ctx)),
    workspaceRoute('POST', '/computes/{computeName}/listNodes', action('listNodes/action'), (req, ctx) => {
      const compute = requireCompute(req, ctx);
      throw badRequest(
        `Listing nodes is supported for AmlCompute clusters only; compute '${compute.name}' is of type ${stringAt(compute, 'properties', 'computeType')}. Use kubectl to see the nodes of a Kubernetes compute.`,
      );
    }),
  ];
}

function requireCompute(req: ArmRequest, ctx: ProviderContext): ResourceJson {
  const workspace = requireParentWorkspace(req, ctx, 'computes');
  const { workspaceName = '', computeName = '' } = req.params;
  return requireChild(
    ctx,
    req,
    `${workspace.id}/computes/${computeName}`,
    'workspaces/computes',
    `${workspaceName}/${computeName}`,
  );
}

// ---- attach ---------------------------------------------------------------------------------

function attach(req: ArmRequest, ctx: ProviderContext, namespacesOf: ClusterNamespaces | undefined) {
  const workspace = requireParentWorkspace(req, ctx, 'computes');
  const name = req.params['computeName'] ?? '';
  if (!COMPUTE_NAME.test(name)) throw badRequest(COMPUTE_NAME_RULE, 'computeName');
  const body = validate<Json>(computeResource, req.body ?? null, { code: 'BadRequest' });
  const compute = objectAt(body, 'properties');
  if (compute['computeType'] !== 'Kubernetes') {
    throw badRequest(
      `Compute type '${String(compute['computeType'])}' cannot be created in local Azure: it attaches Kubernetes clusters only (computeType Kubernetes with the resourceId of an Arc connected cluster or AKS cluster).`,
      'properties.computeType',
    );
  }
  const {
    relayConnectionString: _relay,
    serviceBusConnectionString: _serviceBus,
    extensionInstanceReleaseTrain: _train,
    extensionPrincipalId: _principal,
    ...settings
  } = objectAt(compute, 'properties');
  const kubernetes: Json = { namespace: 'default', ...settings };
  const resourceId = typeof compute['resourceId'] === 'string' ? compute['resourceId'] : '';
  const cluster = requireCluster(ctx, resourceId);
  const extension = requireAzureMlExtension(ctx, cluster);
  requireNamespace(ctx, cluster, String(kubernetes['namespace']), namespacesOf);
  checkInstanceTypes(kubernetes);

  const id = `${workspace.id}/computes/${name}`;
  const existing = ctx.store.get(id);
  // An attach that failed is attached again from scratch; a live compute cannot change.
  const failed = stringAt(existing, 'properties', 'provisioningState') === 'Failed';
  if (existing && !failed) return reattach(existing, cluster, kubernetes, compute);

  const now = ctx.clock.now();
  const resource: ResourceJson = {
    id,
    name,
    type: COMPUTE_TYPE,
    location: typeof body['location'] === 'string' ? body['location'] : locationOf(workspace, ctx),
    ...(body['tags'] ? { tags: body['tags'] } : {}),
    ...(body['identity'] ? { identity: renderIdentity(id, objectAt(body, 'identity'), ctx) } : {}),
    ...(body['sku'] ? { sku: body['sku'] } : {}),
    systemData: systemData(req.caller, now, existing?.['systemData']),
    properties: {
      computeType: 'Kubernetes',
      computeLocation: locationOf(cluster, ctx),
      provisioningState: 'Creating',
      ...(typeof compute['description'] === 'string' ? { description: compute['description'] } : {}),
      createdOn: stringAt(existing, 'properties', 'createdOn') ?? isoTime(now),
      modifiedOn: isoTime(now),
      resourceId: cluster.id,
      isAttachedCompute: true,
      disableLocalAuth: compute['disableLocalAuth'] === true,
      properties: {
        ...kubernetes,
        extensionInstanceReleaseTrain: stringAt(extension, 'properties', 'releaseTrain') ?? 'stable',
        ...(stringAt(extension, 'identity', 'principalId')
          ? { extensionPrincipalId: stringAt(extension, 'identity', 'principalId') }
          : {}),
      },
    },
  };
  ctx.store.put(resource);
  const operation = ctx.operations.start(id, 'compute', () => finishAttach(ctx, id));
  return ok(resource, 201, operation.headers());
}

/** A PUT of an attached compute: the same settings answer 200; changed ones are refused like Azure. */
function reattach(existing: ResourceJson, cluster: ResourceJson, kubernetes: Json, compute: Json) {
  const current = objectAt(existing, 'properties');
  if (current['provisioningState'] === 'Deleting') {
    throw conflict(
      `Compute '${existing.name}' is being detached; wait for the detach to finish before attaching it again.`,
    );
  }
  const before = objectAt(current, 'properties');
  const changes: string[] = [];
  if (String(current['resourceId']).toLowerCase() !== cluster.id.toLowerCase()) {
    changes.push(`properties.resourceId ('${String(current['resourceId'])}' → '${cluster.id}')`);
  }
  for (const field of ATTACH_FIELDS) {
    if (!sameJson(before[field], kubernetes[field])) changes.push(`properties.properties.${field}`);
  }
  if ((compute['description'] ?? undefined) !== (current['description'] ?? undefined))
    changes.push('properties.description');
  if (changes.length > 0) {
    throw badRequest(
      `Compute update is not supported for compute '${existing.name}' of type Kubernetes (changed: ${changes.join(', ')}). Detach the compute (DELETE with underlyingResourceAction=Detach) and attach it again with the new settings.`,
      'properties',
    );
  }
  return ok(existing, 200);
}

function finishAttach(ctx: ProviderContext, id: string) {
  const compute = ctx.store.get(id);
  if (!compute || stringAt(compute, 'properties', 'provisioningState') !== 'Creating') {
    return {
      status: 'Failed' as const,
      error: {
        code: 'Canceled',
        message: `Compute '${id.split('/').at(-1)}' was detached before the attach finished.`,
      },
    };
  }
  const properties = objectAt(compute, 'properties');
  let failure: { code: string; message: string } | undefined;
  try {
    const cluster = requireCluster(ctx, String(properties['resourceId']));
    requireAzureMlExtension(ctx, cluster);
  } catch (error) {
    failure = { code: 'BadRequest', message: (error as Error).message };
  }
  ctx.store.put({
    ...compute,
    properties: {
      ...properties,
      provisioningState: failure ? 'Failed' : 'Succeeded',
      modifiedOn: isoTime(ctx.clock.now()),
      ...(failure ? { provisioningErrors: [{ error: { ...failure, details: [] } }] } : {}),
    },
  });
  return failure ? { status: 'Failed' as const, error: failure } : { status: 'Succeeded' as const };
}

// ---- detach ---------------------------------------------------------------------------------

function detach(req: ArmRequest, ctx: ProviderContext) {
  const workspace = requireParentWorkspace(req, ctx, 'computes');
  const action = req.query.get('underlyingResourceAction');
  if (action === null || action === '') {
    throw badRequest(
      "The query parameter 'underlyingResourceAction' is required: 'Detach' removes the compute from the workspace, 'Delete' also deletes the underlying resource.",
      'underlyingResourceAction',
    );
  }
  const canonical = ['Delete', 'Detach'].find((a) => a.toLowerCase() === action.toLowerCase());
  if (!canonical) {
    throw badRequest(
      `'underlyingResourceAction' must be Delete or Detach; got '${action}'.`,
      'underlyingResourceAction',
    );
  }
  const id = `${workspace.id}/computes/${req.params['computeName']}`;
  const compute = ctx.store.get(id);
  if (!compute) return { status: 204 };
  if (canonical === 'Delete' && objectAt(compute, 'properties')['isAttachedCompute'] === true) {
    throw badRequest(
      `Compute '${compute.name}' is an attached Kubernetes cluster; Azure Machine Learning does not delete attached clusters. Use underlyingResourceAction=Detach.`,
      'underlyingResourceAction',
    );
  }
  ctx.store.put({ ...compute, properties: { ...objectAt(compute, 'properties'), provisioningState: 'Deleting' } });
  const operation = ctx.operations.start(id, 'compute', () => {
    ctx.store.delete(id);
    return { status: 'Succeeded' };
  });
  return { status: 202, headers: operation.headers({ location: true }) };
}

// ---- the cluster behind a compute -----------------------------------------------------------

const CLUSTER_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/(Microsoft\.Kubernetes\/connectedClusters|Microsoft\.ContainerService\/managedClusters)\/([^/]+)$/i;

/** The connected or managed cluster a compute's resourceId names, or 400 naming the id. */
export function requireCluster(ctx: ProviderContext, resourceId: string): ResourceJson {
  if (!CLUSTER_ID.test(resourceId)) {
    throw badRequest(
      `'properties.resourceId' must be the ARM id of an Azure Arc connected cluster (…/providers/${CONNECTED_CLUSTER_TYPE}/{name}) or an AKS cluster (…/providers/${MANAGED_CLUSTER_TYPE}/{name}); got '${resourceId}'.`,
      'properties.resourceId',
    );
  }
  const cluster = ctx.store.get(resourceId);
  if (!cluster) {
    const arc = /connectedClusters/i.test(resourceId);
    throw badRequest(
      `The Kubernetes cluster '${resourceId}' was not found. ${arc ? 'Connect the cluster to Azure Arc' : 'Create the AKS cluster'} before attaching it as a compute.`,
      'properties.resourceId',
    );
  }
  return cluster;
}

/** The cluster's Microsoft.AzureML.Kubernetes extension in provisioning state Succeeded, or 400 saying what to do. */
export function requireAzureMlExtension(ctx: ProviderContext, cluster: ResourceJson): ResourceJson {
  const extensions = ctx.store
    .children(cluster.id, EXTENSION_TYPE)
    .filter((e) => stringAt(e, 'properties', 'extensionType')?.toLowerCase() === AZUREML_EXTENSION_TYPE.toLowerCase());
  const ready = extensions.find((e) => stringAt(e, 'properties', 'provisioningState') === 'Succeeded');
  if (ready) return ready;
  const found = extensions[0];
  if (!found) {
    throw badRequest(
      `The Kubernetes cluster '${cluster.id}' has no Azure Machine Learning extension. Install the ${AZUREML_EXTENSION_TYPE} cluster extension (az k8s-extension create --extension-type ${AZUREML_EXTENSION_TYPE} …) and wait for it to succeed before attaching the cluster.`,
      'properties.resourceId',
    );
  }
  const state = stringAt(found, 'properties', 'provisioningState') ?? 'Unknown';
  throw badRequest(
    `The Azure Machine Learning extension '${found.name}' on Kubernetes cluster '${cluster.id}' is in provisioning state '${state}'; it must be 'Succeeded' before the cluster can be attached. ${state === 'Failed' ? 'Fix or reinstall the extension.' : 'Wait for the extension installation to finish.'}`,
    'properties.resourceId',
  );
}

/** The config entry of a stored cluster, matched by kind, resource group and name. */
export function clusterConfigOf(ctx: ProviderContext, cluster: ResourceJson): ClusterConfig | undefined {
  const match = CLUSTER_ID.exec(cluster.id);
  if (!match) return undefined;
  const [, , group = '', provider = '', name = ''] = match;
  const kind = /connectedClusters/i.test(provider) ? 'arc' : 'aks';
  return ctx.config.clusters.find(
    (c) =>
      c.kind === kind &&
      c.name.toLowerCase() === name.toLowerCase() &&
      c.resourceGroup.toLowerCase() === group.toLowerCase(),
  );
}

function requireNamespace(
  ctx: ProviderContext,
  cluster: ResourceJson,
  namespace: string,
  namespacesOf: ClusterNamespaces | undefined,
): void {
  const namespaces =
    namespacesOf?.(cluster.id, ctx) ?? clusterConfigOf(ctx, cluster)?.namespaces ?? BUILT_IN_NAMESPACES;
  if (!namespaces.includes(namespace)) {
    throw badRequest(
      `Namespace '${namespace}' does not exist in Kubernetes cluster '${cluster.name}' (it has: ${namespaces.join(', ')}). Create it (kubectl create namespace ${namespace}) or attach with an existing namespace.`,
      'properties.properties.namespace',
    );
  }
}

// ---- instance types -------------------------------------------------------------------------

/** The instance types a Kubernetes compute offers: the declared ones and the extension's default. */
export function instanceTypesOf(compute: ResourceJson): { names: string[]; defaultName: string } {
  const kubernetes = objectAt(compute, 'properties', 'properties');
  const declared = Object.keys(objectAt(kubernetes, 'instanceTypes'));
  const names = declared.some((n) => n.toLowerCase() === DEFAULT_INSTANCE_TYPE)
    ? declared
    : [...declared, DEFAULT_INSTANCE_TYPE];
  const defaultName =
    typeof kubernetes['defaultInstanceType'] === 'string' ? kubernetes['defaultInstanceType'] : DEFAULT_INSTANCE_TYPE;
  return { names, defaultName };
}

const SUFFIXES: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes resource quantity ('500m', '2', '4Gi') as a number, or undefined when malformed. */
export function parseQuantity(quantity: string): { value: number; suffix: string } | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(quantity.trim());
  if (!match) return undefined;
  const suffix = match[2] ?? '';
  return { value: Number(match[1]) * (SUFFIXES[suffix] ?? 1), suffix };
}

/** Checks one resource quantity (of an instance type or a container); returns its numeric value. */
export function checkQuantity(
  resource: string,
  quantity: unknown,
  target: string,
  error: (message: string, target: string) => Error = badRequest,
): number {
  const text = typeof quantity === 'string' ? quantity : typeof quantity === 'number' ? String(quantity) : '';
  const parsed = parseQuantity(text);
  if (resource === 'cpu') {
    if (!parsed || !['', 'm'].includes(parsed.suffix) || parsed.value <= 0) {
      throw error(`'${target}' must be a CPU quantity such as '500m' or '2'; got '${text}'.`, target);
    }
  } else if (resource === 'memory') {
    if (!parsed || ['n', 'u', 'm'].includes(parsed.suffix) || parsed.value <= 0) {
      const hint =
        parsed?.suffix === 'm' ? ` ('m' means thousandths of a byte; did you mean '${text.slice(0, -1)}Mi'?)` : '';
      throw error(`'${target}' must be a memory quantity such as '512Mi' or '4Gi'; got '${text}'${hint}.`, target);
    }
  } else if (resource.endsWith('/gpu')) {
    if (!/^\d+$/.test(text))
      throw error(`'${target}' must be a whole number of GPUs such as '1'; got '${text}'.`, target);
    return Number(text);
  } else if (!parsed) {
    throw error(`'${target}' must be a Kubernetes resource quantity; got '${text}'.`, target);
  }
  return parsed?.value ?? 0;
}

function checkInstanceTypes(kubernetes: Json): void {
  const instanceTypes = objectAt(kubernetes, 'instanceTypes');
  const names = Object.keys(instanceTypes);
  for (const [name, definition] of Object.entries(instanceTypes)) {
    const base = `properties.properties.instanceTypes.${name}`;
    const resources = objectAt(definition, 'resources');
    const requests = objectAt(resources, 'requests');
    const limits = objectAt(resources, 'limits');
    const values: Record<'requests' | 'limits', Record<string, number>> = { requests: {}, limits: {} };
    for (const [part, map] of [
      ['requests', requests],
      ['limits', limits],
    ] as const) {
      for (const [resource, quantity] of Object.entries(map)) {
        values[part][resource] = checkQuantity(resource, quantity, `${base}.resources.${part}.${resource}`);
      }
    }
    for (const [resource, request] of Object.entries(values.requests)) {
      const limit = values.limits[resource];
      if (limit !== undefined && request > limit) {
        throw badRequest(
          `Instance type '${name}' requests more ${resource} (${String(requests[resource])}) than its limit (${String(limits[resource])}); a request must not exceed its limit.`,
          `${base}.resources.requests.${resource}`,
        );
      }
    }
    const gpuRequest = values.requests['nvidia.com/gpu'];
    const gpuLimit = values.limits['nvidia.com/gpu'];
    if (gpuRequest !== undefined && gpuLimit !== undefined && gpuRequest !== gpuLimit) {
      throw badRequest(
        `Instance type '${name}' must request as many GPUs as its limit (Kubernetes does not overcommit nvidia.com/gpu).`,
        `${base}.resources.requests.nvidia.com/gpu`,
      );
    }
  }
  const defaultName = kubernetes['defaultInstanceType'];
  if (typeof defaultName === 'string' && defaultName.toLowerCase() !== DEFAULT_INSTANCE_TYPE) {
    if (!names.some((n) => n.toLowerCase() === defaultName.toLowerCase())) {
      throw badRequest(
        `defaultInstanceType '${defaultName}' is not one of the compute's instanceTypes (${names.length > 0 ? names.join(', ') : 'none declared'}).`,
        'properties.properties.defaultInstanceType',
      );
    }
  }
}
