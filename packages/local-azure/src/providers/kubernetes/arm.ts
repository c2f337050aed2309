// Small ARM helpers shared by the Kubernetes-side providers: resource ids, request-body
// readers that answer with ARM's error shape, systemData, and the common 4xx answers.

import { ArmError, type ArmRequest, type Caller, type ProviderContext } from '../../arm/contract.js';

export const CONNECTED_CLUSTER_TYPE = 'Microsoft.Kubernetes/connectedClusters';
export const MANAGED_CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters';
export const EXTENSION_TYPE = 'Microsoft.KubernetesConfiguration/extensions';

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

export function clusterResourceId(
  subscriptionId: string,
  resourceGroup: string,
  clusterType: string,
  clusterName: string,
): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${clusterType}/${clusterName}`;
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** 404 SubscriptionNotFound unless the path names local Azure's subscription. */
export function requireSubscription(ctx: ProviderContext, subscriptionId: string): void {
  if (!sameName(subscriptionId, ctx.config.subscriptionId)) {
    throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  }
}

/** 404 ResourceGroupNotFound unless the group is stored or declared in the config. */
export function requireResourceGroup(ctx: ProviderContext, subscriptionId: string, resourceGroup: string): void {
  requireSubscription(ctx, subscriptionId);
  const stored = ctx.store.get(resourceGroupId(subscriptionId, resourceGroup));
  const declared = ctx.config.resourceGroups.some((group) => sameName(group.name, resourceGroup));
  if (!stored && !declared) {
    throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${resourceGroup}' could not be found.`);
  }
}

/** ARM's answer for a tracked resource that does not exist. */
export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** ARM's answer for a nested resource whose parent does not exist. */
export function parentNotFound(parentName: string): ArmError {
  return new ArmError(
    404,
    'ParentResourceNotFound',
    `Can not perform requested operation on nested resource. Parent resource '${parentName}' not found.`,
  );
}

export function invalidContent(message: string, target?: string): ArmError {
  return new ArmError(400, 'InvalidRequestContent', message, target ? { target } : {});
}

export function invalidParameter(message: string, target?: string): ArmError {
  return new ArmError(400, 'InvalidParameter', message, target ? { target } : {});
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request body as an object, or 400 when it is missing or not an object. */
export function bodyObject(req: ArmRequest): JsonObject {
  if (req.body === undefined || req.body === null) {
    throw invalidContent('The request content was invalid and could not be deserialized: the request body is missing.');
  }
  if (!isObject(req.body)) {
    throw invalidContent(
      'The request content was invalid and could not be deserialized: the body must be a JSON object.',
    );
  }
  return req.body;
}

/** An optional nested object; 400 naming `target` when it is present but not an object. */
export function optionalObject(value: unknown, target: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw invalidContent(`'${target}' must be a JSON object.`, target);
  return value;
}

export function optionalString(value: unknown, target: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidContent(`'${target}' must be a string.`, target);
  return value;
}

export function optionalBoolean(value: unknown, target: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidContent(`'${target}' must be a boolean (true or false).`, target);
  return value;
}

/** A map of string values (tags, configuration settings); `undefined` when absent or null. */
export function optionalStringMap(value: unknown, target: string): Record<string, string> | undefined {
  const map = optionalObject(value, target);
  if (!map) return undefined;
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(map)) {
    if (typeof entry !== 'string') {
      throw invalidContent(`'${target}.${key}' must be a string; got ${JSON.stringify(entry)}.`, `${target}.${key}`);
    }
    result[key] = entry;
  }
  return result;
}

/** systemData as ARM writes it for the signed-in app. */
export function systemData(caller: Caller, createdAt: number, previous?: unknown): JsonObject {
  const now = isoTime(createdAt);
  const created = isObject(previous) ? previous : undefined;
  return {
    createdBy: (created?.['createdBy'] as string | undefined) ?? caller.clientId,
    createdByType: (created?.['createdByType'] as string | undefined) ?? 'Application',
    createdAt: (created?.['createdAt'] as string | undefined) ?? now,
    lastModifiedBy: caller.clientId,
    lastModifiedByType: 'Application',
    lastModifiedAt: now,
  };
}

/** A value's string form compared case-insensitively with 'true' (how the AzureML chart reads booleans). */
export function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
