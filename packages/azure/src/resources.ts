/**
 * Reading a resource no typed SDK client here covers, through `@azure/arm-resources`' generic GET by
 * id — AKS managed clusters, since `@azure/arm-containerservice` is not a dependency.
 */
import type { GenericResource } from '@azure/arm-resources';
import { isNotFound } from './arm-errors.js';
import type { AzureClients } from './clients.js';
import { parseResourceId } from './resource-id.js';

/** The `Microsoft.ContainerService/managedClusters` api-version we read AKS clusters with; every public and sovereign cloud serves it. */
export const managedClusterApiVersion = '2024-09-01';

/**
 * GETs `id` at `apiVersion` with the resources client of the id's subscription; undefined when the resource
 * does not exist (404 of the resource itself — a missing resource group is an error). Other failures are
 * thrown as the SDK threw them: wrap them with `toArmError(error, doing)`. An invalid id throws
 * `InvalidResourceIdError` before anything is sent.
 */
export async function getResourceById(
  clients: AzureClients,
  id: string,
  apiVersion: string,
): Promise<GenericResource | undefined> {
  const parsed = parseResourceId(id);
  // arm-resources 8 expands `/{+resourceId}`: an id with its own leading slash would make the path `//subscriptions/…`.
  const path = parsed.id.replace(/^\/+/, '');
  try {
    return await clients.resources(parsed.subscriptionId).resources.getById(path, apiVersion);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** What the actions read of an AKS managed cluster. */
export interface ManagedClusterInfo {
  readonly id: string;
  readonly name: string;
  readonly location: string;
  /** `Succeeded`, `Creating`, `Updating`, `Failed`, … */
  readonly provisioningState?: string;
  /** `Running` or `Stopped`. */
  readonly powerState?: string;
  /** The version running (`currentKubernetesVersion`), else the one asked for. */
  readonly kubernetesVersion?: string;
  /** The sum of the agent pools' node counts. */
  readonly nodeCount?: number;
}

/** An AKS managed cluster by id, or undefined when it does not exist; other failures as `getResourceById`. */
export async function getManagedCluster(clients: AzureClients, id: string): Promise<ManagedClusterInfo | undefined> {
  const resource = await getResourceById(clients, id, managedClusterApiVersion);
  return resource && managedClusterInfo(resource);
}

/** The facts of a managed cluster read as a generic resource. */
export function managedClusterInfo(resource: GenericResource): ManagedClusterInfo {
  const p = (typeof resource.properties === 'object' && resource.properties !== null ? resource.properties : {}) as {
    provisioningState?: unknown;
    powerState?: { code?: unknown } | null;
    currentKubernetesVersion?: unknown;
    kubernetesVersion?: unknown;
    agentPoolProfiles?: unknown;
  };
  const pools = Array.isArray(p.agentPoolProfiles) ? (p.agentPoolProfiles as unknown[]) : undefined;
  const nodeCount = pools?.reduce<number>((sum, pool) => {
    const count = (pool as { count?: unknown } | null)?.count;
    return sum + (typeof count === 'number' ? count : 0);
  }, 0);
  const info: { -readonly [K in keyof ManagedClusterInfo]: ManagedClusterInfo[K] } = {
    id: resource.id ?? '',
    name: resource.name ?? '',
    location: resource.location ?? '',
  };
  const provisioningState = text(p.provisioningState);
  const powerState = text(p.powerState?.code);
  const kubernetesVersion = text(p.currentKubernetesVersion) ?? text(p.kubernetesVersion);
  if (provisioningState !== undefined) info.provisioningState = provisioningState;
  if (powerState !== undefined) info.powerState = powerState;
  if (kubernetesVersion !== undefined) info.kubernetesVersion = kubernetesVersion;
  if (nodeCount !== undefined) info.nodeCount = nodeCount;
  return info;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
