/**
 * What a Kubernetes compute attachment is — cluster, namespace, instance types, default instance
 * type, identity — as the action wants it and as Azure reports it; the request body that asks for
 * it; and the differences between the two, compared by meaning rather than by spelling.
 */
import { sameResourceId } from '@arc-ml/azure';
import { AZURE_DEFAULT_INSTANCE_TYPE, type InstanceType } from './instance-types.js';
import { sameQuantity } from './quantity.js';

export type Identity = 'none' | 'system';

/** The attachment the inputs ask for. */
export interface DesiredAttachment {
  readonly clusterId: string;
  readonly namespace: string;
  readonly defaultInstanceType: string | undefined;
  readonly instanceTypes: ReadonlyMap<string, InstanceType>;
  readonly identity: Identity;
}

/** An instance type as Azure ML's REST API carries it (`InstanceTypeSchema`); Azure may answer nulls. */
export interface InstanceTypeBody {
  nodeSelector?: Record<string, string | null> | null;
  resources?: {
    requests?: Record<string, string | null> | null;
    limits?: Record<string, string | null> | null;
  } | null;
}

/** An existing compute, as read from Azure. */
export interface ComputeState {
  readonly id: string;
  readonly name: string;
  /** `Kubernetes`, `AmlCompute`, … */
  readonly computeType: string;
  /** `Creating`, `Succeeded`, `Failed`, `Deleting`, … */
  readonly provisioningState: string;
  readonly clusterId: string | undefined;
  readonly namespace: string | undefined;
  readonly defaultInstanceType: string | undefined;
  readonly instanceTypes: Readonly<Record<string, InstanceTypeBody>>;
  /** `SystemAssigned`, `UserAssigned`, `None` or undefined. */
  readonly identityType: string | undefined;
  /** Messages of `provisioningErrors`, when Azure reports some. */
  readonly provisioningErrors: readonly string[];
}

/** The body of the attach PUT (`ComputeResource` with `computeType: Kubernetes`). */
export interface AttachBody {
  location?: string;
  identity?: { type: 'SystemAssigned' };
  properties: {
    computeType: 'Kubernetes';
    resourceId: string;
    properties: {
      namespace: string;
      defaultInstanceType?: string;
      instanceTypes?: Record<string, { nodeSelector?: Record<string, string>; resources?: InstanceTypeResources }>;
    };
  };
}

interface InstanceTypeResources {
  requests?: Record<string, string>;
  limits?: Record<string, string>;
}

/** The attach request for `desired`, placed in the workspace's region when it is known. */
export function attachBody(desired: DesiredAttachment, location: string | undefined): AttachBody {
  const instanceTypes = Object.fromEntries(
    [...desired.instanceTypes].map(([name, type]) => [name, instanceTypeBody(type)] as const),
  );
  return {
    ...(location ? { location } : {}),
    ...(desired.identity === 'system' ? { identity: { type: 'SystemAssigned' } } : {}),
    properties: {
      computeType: 'Kubernetes',
      resourceId: desired.clusterId,
      properties: {
        namespace: desired.namespace,
        ...(desired.defaultInstanceType ? { defaultInstanceType: desired.defaultInstanceType } : {}),
        ...(desired.instanceTypes.size > 0 ? { instanceTypes } : {}),
      },
    },
  };
}

function instanceTypeBody(type: InstanceType): {
  nodeSelector?: Record<string, string>;
  resources?: InstanceTypeResources;
} {
  const resources: InstanceTypeResources = {
    ...(Object.keys(type.requests).length > 0 ? { requests: { ...type.requests } } : {}),
    ...(Object.keys(type.limits).length > 0 ? { limits: { ...type.limits } } : {}),
  };
  return {
    ...(Object.keys(type.nodeSelector).length > 0 ? { nodeSelector: { ...type.nodeSelector } } : {}),
    ...(Object.keys(resources).length > 0 ? { resources } : {}),
  };
}

/** Provisioning states that end by themselves; a compute in one of them is waited for, not judged. */
export const TRANSIENT_STATES: readonly string[] = ['Creating', 'Updating', 'Deleting'];

/**
 * What differs between the compute Azure has and the one asked for, one line per difference, in
 * words a person reads (`namespace: "default" → "azureml"`). Empty when they mean the same:
 * quantities by value (`1` = `1000m`), key order ignored, the `default` namespace and the
 * `defaultinstancetype` Azure adds when unspecified.
 */
export function attachmentDifferences(current: ComputeState, desired: DesiredAttachment): string[] {
  const differences: string[] = [];
  if (current.provisioningState !== 'Succeeded') {
    const errors = current.provisioningErrors.length > 0 ? ` (${current.provisioningErrors.join('; ')})` : '';
    differences.push(`provisioning state: ${current.provisioningState}${errors} → Succeeded`);
  }
  if (!current.clusterId || !sameResourceId(current.clusterId, desired.clusterId)) {
    differences.push(`cluster: ${current.clusterId ?? '(none)'} → ${desired.clusterId}`);
  }
  const namespace = current.namespace || 'default';
  if (namespace !== desired.namespace) differences.push(`namespace: "${namespace}" → "${desired.namespace}"`);

  const currentDefault = current.defaultInstanceType || AZURE_DEFAULT_INSTANCE_TYPE;
  const desiredDefault = desired.defaultInstanceType ?? AZURE_DEFAULT_INSTANCE_TYPE;
  if (currentDefault.toLowerCase() !== desiredDefault.toLowerCase()) {
    differences.push(`default instance type: "${currentDefault}" → "${desiredDefault}"`);
  }
  differences.push(...instanceTypeDifferences(current.instanceTypes, desired.instanceTypes));

  const identity = identityOf(current.identityType);
  if (identity !== desired.identity) differences.push(`identity: ${identity} → ${desired.identity}`);
  return differences;
}

function identityOf(type: string | undefined): string {
  if (!type || type.toLowerCase() === 'none') return 'none';
  if (type.toLowerCase() === 'systemassigned') return 'system';
  return type;
}

interface Comparable {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly requests: Readonly<Record<string, string>>;
  readonly limits: Readonly<Record<string, string>>;
}

function instanceTypeDifferences(
  current: Readonly<Record<string, InstanceTypeBody>>,
  desired: ReadonlyMap<string, InstanceType>,
): string[] {
  const desiredByKey = new Map([...desired].map(([name, type]) => [name.toLowerCase(), { name, type }] as const));
  const currentByKey = new Map(
    Object.entries(current)
      // Azure adds its own default instance type when none is declared; it is not a difference.
      .filter(([name]) => name.toLowerCase() !== AZURE_DEFAULT_INSTANCE_TYPE || desiredByKey.has(name.toLowerCase()))
      .map(([name, body]) => [name.toLowerCase(), { name, type: comparableBody(body) }] as const),
  );
  const differences: string[] = [];
  for (const [key, { name }] of currentByKey) {
    if (!desiredByKey.has(key)) differences.push(`instance type "${name}": removed`);
  }
  for (const [key, { name, type }] of desiredByKey) {
    const existing = currentByKey.get(key);
    if (!existing) {
      differences.push(`instance type "${name}": added`);
      continue;
    }
    const wanted = comparableType(type);
    const before = describeSelector(existing.type.nodeSelector);
    const after = describeSelector(wanted.nodeSelector);
    if (before !== after) differences.push(`instance type "${name}": nodeSelector ${before} → ${after}`);
    for (const part of ['requests', 'limits'] as const) {
      const resources = new Set([...Object.keys(existing.type[part]), ...Object.keys(wanted[part])]);
      for (const resource of [...resources].sort()) {
        const was = existing.type[part][resource];
        const now = wanted[part][resource];
        if (was !== undefined && now !== undefined && sameQuantity(resource, was, now)) continue;
        differences.push(`instance type "${name}": ${part}.${resource} ${was ?? '(none)'} → ${now ?? '(none)'}`);
      }
    }
  }
  return differences;
}

function comparableType(type: InstanceType): Comparable {
  return {
    nodeSelector: type.nodeSelector,
    requests: definedOnly(type.requests),
    limits: definedOnly(type.limits),
  };
}

function comparableBody(body: InstanceTypeBody | null | undefined): Comparable {
  return {
    nodeSelector: definedOnly(body?.nodeSelector ?? {}),
    requests: definedOnly(body?.resources?.requests ?? {}),
    limits: definedOnly(body?.resources?.limits ?? {}),
  };
}

/** Drops null and undefined values (Azure writes `"nvidia.com/gpu": null` for none). */
function definedOnly(map: Readonly<Record<string, string | null | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(map))
    if (value !== null && value !== undefined) result[key] = String(value);
  return result;
}

function describeSelector(selector: Readonly<Record<string, string>>): string {
  const entries = Object.entries(selector).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? '(none)' : `{${entries.map(([k, v]) => `${k}=${v}`).join(', ')}}`;
}
