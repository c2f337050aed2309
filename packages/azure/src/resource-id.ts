/**
 * Azure Resource Manager resource ids: parsed case-insensitively (ARM is), formatted with the
 * casing the caller gave, plus typed builders for the resources this project touches.
 */

/** One `{type}/{name}` step under a provider namespace. */
export interface ResourceSegment {
  /** The provider namespace this segment belongs to, e.g. `Microsoft.MachineLearningServices`. */
  readonly namespace: string;
  /** The type of this step only, e.g. `workspaces` or `computes`. */
  readonly type: string;
  readonly name: string;
  /** True when the segment opens a new `/providers/` scope under another resource: an extension resource, such as a cluster extension. */
  readonly extension?: boolean;
}

export interface ResourceId {
  /** The id as given, without a trailing slash. */
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  /** The first provider namespace, e.g. `Microsoft.Kubernetes`; absent for a subscription or resource group. */
  readonly provider?: string;
  /** The full type of the innermost resource, e.g. `Microsoft.MachineLearningServices/workspaces/computes`. */
  readonly resourceType?: string;
  /** The innermost resource's name. */
  readonly name?: string;
  /** Every `{type}/{name}` step after the resource group, outermost first. */
  readonly segments: readonly ResourceSegment[];
}

export class InvalidResourceIdError extends Error {
  override readonly name = 'InvalidResourceIdError';
  constructor(
    readonly id: string,
    problem: string,
    readonly hint = 'A resource id looks like /subscriptions/<id>/resourceGroups/<group>/providers/<Namespace>/<type>/<name>; `az resource show --ids` or the portal\'s "JSON view" shows it.',
  ) {
    super(`"${id}" is not a valid Azure resource id: ${problem}`);
  }
}

/** Parses a resource id; keywords (`subscriptions`, `resourceGroups`, `providers`) match in any case. */
export function parseResourceId(id: string): ResourceId {
  const trimmed = id.trim().replace(/\/+$/, '');
  if (!trimmed.startsWith('/')) throw new InvalidResourceIdError(id, 'it must start with /subscriptions/');
  const parts = trimmed.slice(1).split('/');
  if (parts.some((p) => p === '')) throw new InvalidResourceIdError(id, 'it has an empty segment (//)');
  let i = 0;
  const next = (): string | undefined => parts[i++];
  if (next()?.toLowerCase() !== 'subscriptions')
    throw new InvalidResourceIdError(id, 'it must start with /subscriptions/');
  const subscriptionId = next();
  if (!subscriptionId) throw new InvalidResourceIdError(id, 'the subscription id after /subscriptions/ is missing');

  let resourceGroup: string | undefined;
  if (parts[i]?.toLowerCase() === 'resourcegroups') {
    i++;
    resourceGroup = next();
    if (!resourceGroup)
      throw new InvalidResourceIdError(id, 'the resource group name after /resourceGroups/ is missing');
  }

  const segments: ResourceSegment[] = [];
  let namespace: string | undefined;
  let opensScope = false;
  while (i < parts.length) {
    const part = parts[i]!;
    if (part.toLowerCase() === 'providers') {
      opensScope = segments.length > 0;
      i++;
      namespace = next();
      if (!namespace) throw new InvalidResourceIdError(id, 'the provider namespace after /providers/ is missing');
      if (i >= parts.length) throw new InvalidResourceIdError(id, `no resource type follows /providers/${namespace}`);
      continue;
    }
    if (!namespace) {
      throw new InvalidResourceIdError(
        id,
        `"${part}" is not expected here; after the ${resourceGroup ? 'resource group' : 'subscription'} comes /providers/<Namespace>/<type>/<name>`,
      );
    }
    const type = part;
    i++;
    const name = next();
    if (name === undefined) throw new InvalidResourceIdError(id, `the resource type "${type}" has no name after it`);
    segments.push(opensScope ? { namespace, type, name, extension: true } : { namespace, type, name });
    opensScope = false;
  }

  const last = segments.at(-1);
  return {
    id: trimmed,
    subscriptionId,
    ...(resourceGroup !== undefined ? { resourceGroup } : {}),
    ...(segments[0] ? { provider: segments[0].namespace } : {}),
    ...(last ? { resourceType: fullType(segments), name: last.name } : {}),
    segments,
  };
}

/** Formats parts into an id; segments whose namespace repeats the previous one share its `/providers/` prefix. */
export function formatResourceId(parts: {
  readonly subscriptionId: string;
  readonly resourceGroup?: string;
  readonly segments?: readonly ResourceSegment[];
}): string {
  let id = `/subscriptions/${requireName(parts.subscriptionId, 'subscription id')}`;
  if (parts.resourceGroup !== undefined) id += `/resourceGroups/${requireName(parts.resourceGroup, 'resource group')}`;
  let namespace: string | undefined;
  for (const segment of parts.segments ?? []) {
    if (namespace === undefined || segment.extension || segment.namespace !== namespace) {
      namespace = requireName(segment.namespace, 'provider namespace');
      id += `/providers/${namespace}`;
    }
    id += `/${requireName(segment.type, 'resource type')}/${requireName(segment.name, `${segment.type} name`)}`;
  }
  return id;
}

/** Compares ids as ARM does: case-insensitively, ignoring a trailing slash. */
export function sameResourceId(a: string, b: string): boolean {
  return a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();
}

/** True when the innermost resource of `id` is of `type` (e.g. `Microsoft.Kubernetes/connectedClusters`), any case. */
export function isResourceType(id: ResourceId | string, type: string): boolean {
  const parsed = typeof id === 'string' ? parseResourceId(id) : id;
  return parsed.resourceType?.toLowerCase() === type.toLowerCase();
}

/** The id of the resource that contains `id` (the resource group for a top-level resource). */
export function parentResourceId(id: ResourceId | string): string | undefined {
  const parsed = typeof id === 'string' ? parseResourceId(id) : id;
  if (parsed.segments.length > 0) {
    return formatResourceId({
      subscriptionId: parsed.subscriptionId,
      ...(parsed.resourceGroup !== undefined ? { resourceGroup: parsed.resourceGroup } : {}),
      segments: parsed.segments.slice(0, -1),
    });
  }
  if (parsed.resourceGroup !== undefined) return formatResourceId({ subscriptionId: parsed.subscriptionId });
  return undefined;
}

// ----- typed builders -----

export const resourceTypes = {
  connectedCluster: 'Microsoft.Kubernetes/connectedClusters',
  managedCluster: 'Microsoft.ContainerService/managedClusters',
  clusterExtension: 'Microsoft.KubernetesConfiguration/extensions',
  workspace: 'Microsoft.MachineLearningServices/workspaces',
} as const;

const ML = 'Microsoft.MachineLearningServices';

/** A workspace, as settings carry it. */
export interface WorkspaceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspaceName: string;
}

export type ClusterKind = 'connected' | 'managed';

/** An Arc connected cluster or an AKS managed cluster. */
export interface ClusterRef {
  readonly kind: ClusterKind;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly clusterName: string;
  readonly id: string;
}

export function subscriptionResourceId(subscription: string): string {
  return formatResourceId({ subscriptionId: subscription });
}

export function resourceGroupId(subscription: string, resourceGroup: string): string {
  return formatResourceId({ subscriptionId: subscription, resourceGroup });
}

export function connectedClusterId(subscription: string, resourceGroup: string, clusterName: string): string {
  return formatResourceId({
    subscriptionId: subscription,
    resourceGroup,
    segments: [{ namespace: 'Microsoft.Kubernetes', type: 'connectedClusters', name: clusterName }],
  });
}

export function managedClusterId(subscription: string, resourceGroup: string, clusterName: string): string {
  return formatResourceId({
    subscriptionId: subscription,
    resourceGroup,
    segments: [{ namespace: 'Microsoft.ContainerService', type: 'managedClusters', name: clusterName }],
  });
}

/** A cluster extension: an extension resource under a connected or managed cluster. */
export function clusterExtensionId(clusterId: string, extensionName: string): string {
  const cluster = parseClusterId(clusterId);
  return `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/${requireName(extensionName, 'extension name')}`;
}

/** Reads a cluster id (connected or managed cluster), or explains why it is not one. */
export function parseClusterId(id: string): ClusterRef {
  const parsed = parseResourceId(id);
  const kind: ClusterKind | undefined = isResourceType(parsed, resourceTypes.connectedCluster)
    ? 'connected'
    : isResourceType(parsed, resourceTypes.managedCluster)
      ? 'managed'
      : undefined;
  if (!kind || !parsed.resourceGroup || !parsed.name) {
    throw new InvalidResourceIdError(
      id,
      `it is a ${parsed.resourceType ?? 'subscription or resource group'}, not a cluster (${resourceTypes.connectedCluster} or ${resourceTypes.managedCluster})`,
    );
  }
  return {
    kind,
    subscriptionId: parsed.subscriptionId,
    resourceGroup: parsed.resourceGroup,
    clusterName: parsed.name,
    id: parsed.id,
  };
}

/**
 * The cluster arguments every `@azure/arm-kubernetesconfiguration` extensions call takes — resource group,
 * cluster resource provider, cluster type, cluster name — for an Arc or an AKS cluster:
 * `extensions.list(...clusterExtensionArgs(cluster))`, `extensions.get(...clusterExtensionArgs(cluster), name)`.
 */
export function clusterExtensionArgs(
  cluster: ClusterRef,
): readonly [resourceGroupName: string, clusterRp: string, clusterResourceName: string, clusterName: string] {
  return cluster.kind === 'connected'
    ? [cluster.resourceGroup, 'Microsoft.Kubernetes', 'connectedClusters', cluster.clusterName]
    : [cluster.resourceGroup, 'Microsoft.ContainerService', 'managedClusters', cluster.clusterName];
}

const resourceGroupNamePattern = /^[-\p{L}\p{N}_.()]*[-\p{L}\p{N}_()]$/u;

/**
 * A resource group name as ARM accepts it: 1 to 90 letters, digits, `_`, `-`, `.`, `(` and `)`, not ending
 * with `.`. Returns what is wrong (`"rg." must be letters, …`), or undefined; an input rule for actions-kit's
 * `read.required('resource-group', resourceGroupNameRule)`.
 */
export function resourceGroupNameRule(value: string): string | undefined {
  const length = [...value].length;
  if (length < 1 || length > 90) return `${JSON.stringify(value)} is ${length} characters long; use 1 to 90`;
  if (resourceGroupNamePattern.test(value)) return undefined;
  return `${JSON.stringify(value)} must be letters, digits, '_', '-', '.', '(' or ')', not ending with '.'`;
}

export function workspaceId(ws: WorkspaceRef): string {
  return formatResourceId({
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    segments: [{ namespace: ML, type: 'workspaces', name: ws.workspaceName }],
  });
}

/** The workspace an id belongs to: the workspace itself or any resource inside it. */
export function parseWorkspaceId(id: string): WorkspaceRef {
  const parsed = parseResourceId(id);
  const first = parsed.segments[0];
  if (
    !parsed.resourceGroup ||
    !first ||
    first.namespace.toLowerCase() !== ML.toLowerCase() ||
    first.type.toLowerCase() !== 'workspaces'
  ) {
    throw new InvalidResourceIdError(
      id,
      `it is not an Azure Machine Learning workspace (${resourceTypes.workspace}) or inside one`,
    );
  }
  return { subscriptionId: parsed.subscriptionId, resourceGroup: parsed.resourceGroup, workspaceName: first.name };
}

function inWorkspace(ws: WorkspaceRef, ...steps: Array<[type: string, name: string]>): string {
  return formatResourceId({
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    segments: [
      { namespace: ML, type: 'workspaces', name: ws.workspaceName },
      ...steps.map(([type, name]) => ({ namespace: ML, type, name })),
    ],
  });
}

export const computeId = (ws: WorkspaceRef, name: string): string => inWorkspace(ws, ['computes', name]);
export const datastoreId = (ws: WorkspaceRef, name: string): string => inWorkspace(ws, ['datastores', name]);
export const jobId = (ws: WorkspaceRef, name: string): string => inWorkspace(ws, ['jobs', name]);

export const codeContainerId = (ws: WorkspaceRef, name: string): string => inWorkspace(ws, ['codes', name]);
export const codeVersionId = (ws: WorkspaceRef, name: string, version: string): string =>
  inWorkspace(ws, ['codes', name], ['versions', version]);
export const environmentContainerId = (ws: WorkspaceRef, name: string): string =>
  inWorkspace(ws, ['environments', name]);
export const environmentVersionId = (ws: WorkspaceRef, name: string, version: string): string =>
  inWorkspace(ws, ['environments', name], ['versions', version]);
export const dataContainerId = (ws: WorkspaceRef, name: string): string => inWorkspace(ws, ['data', name]);
export const dataVersionId = (ws: WorkspaceRef, name: string, version: string): string =>
  inWorkspace(ws, ['data', name], ['versions', version]);
export const modelContainerId = (ws: WorkspaceRef, name: string): string => inWorkspace(ws, ['models', name]);
export const modelVersionId = (ws: WorkspaceRef, name: string, version: string): string =>
  inWorkspace(ws, ['models', name], ['versions', version]);

export const onlineEndpointId = (ws: WorkspaceRef, endpoint: string): string =>
  inWorkspace(ws, ['onlineEndpoints', endpoint]);
export const onlineDeploymentId = (ws: WorkspaceRef, endpoint: string, deployment: string): string =>
  inWorkspace(ws, ['onlineEndpoints', endpoint], ['deployments', deployment]);
export const batchEndpointId = (ws: WorkspaceRef, endpoint: string): string =>
  inWorkspace(ws, ['batchEndpoints', endpoint]);
export const batchDeploymentId = (ws: WorkspaceRef, endpoint: string, deployment: string): string =>
  inWorkspace(ws, ['batchEndpoints', endpoint], ['deployments', deployment]);

function fullType(segments: readonly ResourceSegment[]): string {
  // The type chain restarts at each new provider scope (an extension resource has its own type).
  const chain: string[] = [];
  let namespace = '';
  for (const s of segments) {
    if (s.extension || s.namespace !== namespace) chain.length = 0;
    namespace = s.namespace;
    chain.push(s.type);
  }
  return `${namespace}/${chain.join('/')}`;
}

function requireName(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.includes('/')) {
    throw new InvalidResourceIdError(
      String(value),
      `the ${what} must be a non-empty name without "/"`,
      'Check the name you passed.',
    );
  }
  return value;
}
