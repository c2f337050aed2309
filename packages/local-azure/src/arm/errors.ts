// ARM's common errors, with the codes and messages Azure Resource Manager answers with. Providers
// may use them too (resourceNotFound, parentResourceNotFound, invalidRequestContent).

import { ArmError } from './contract.js';

export function resourceNotFound(resourceId: string): ArmError {
  const { resourceGroup, typeAndName } = describeId(resourceId);
  const where = resourceGroup ? ` under resource group '${resourceGroup}'` : '';
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${typeAndName}'${where} was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function parentResourceNotFound(childId: string, parentId: string): ArmError {
  const child = describeId(childId).typeAndName;
  const parent = describeId(parentId).typeAndName;
  return new ArmError(
    404,
    'ParentResourceNotFound',
    `Can not perform requested operation on nested resource. Parent resource '${parent}' not found.`,
    { target: child },
  );
}

export function resourceGroupNotFound(name: string): ArmError {
  return new ArmError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
}

export function subscriptionNotFound(id: string): ArmError {
  return new ArmError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
}

export function invalidRequestContent(detail: string): ArmError {
  return new ArmError(
    400,
    'InvalidRequestContent',
    `The request content was invalid and could not be deserialized: '${detail}'.`,
  );
}

export function missingApiVersion(): ArmError {
  return new ArmError(
    400,
    'MissingApiVersionParameter',
    'The api-version query parameter (?api-version=) is required for all requests.',
  );
}

export function invalidApiVersion(apiVersion: string, supported: readonly string[]): ArmError {
  const versions = [...supported].sort().reverse().join(',');
  return new ArmError(
    400,
    'InvalidApiVersionParameter',
    `The api-version '${apiVersion}' is invalid. The supported versions are '${versions}'.`,
  );
}

export function authorizationFailed(clientId: string, objectId: string, action: string, scope: string): ArmError {
  return new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

/** Splits an ARM id into its resource group and 'Namespace/type/name' (nested types joined). */
export function describeId(resourceId: string): { resourceGroup?: string; typeAndName: string } {
  const parts = resourceId.split('/').filter(Boolean);
  const rgIndex = parts.findIndex((p) => p.toLowerCase() === 'resourcegroups');
  const resourceGroup = rgIndex >= 0 ? parts[rgIndex + 1] : undefined;
  const providersIndex = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
  if (providersIndex < 0) return { ...(resourceGroup ? { resourceGroup } : {}), typeAndName: resourceId };
  const rest = parts.slice(providersIndex + 1);
  const namespace = rest[0] ?? '';
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 1; i < rest.length; i += 2) {
    types.push(rest[i] ?? '');
    if (rest[i + 1] !== undefined) names.push(rest[i + 1] ?? '');
  }
  return {
    ...(resourceGroup ? { resourceGroup } : {}),
    typeAndName: `${namespace}/${types.join('/')}/${names.join('/')}`,
  };
}
