// Microsoft.Resources: the subscription, its resource groups (delete is a long-running operation
// with Location polling, as ARM does it) and the resource providers local Azure serves.

import {
  ArmError,
  type ArmRequest,
  type ArmResult,
  type ProviderContext,
  type ResourceJson,
  type ResourceProvider,
  type Route,
} from '../../arm/contract.js';
import { resourceGroupNotFound } from '../../arm/errors.js';

/** Stable Microsoft.Resources api-versions (2019-11-01 through 2025-04-01) that clients commonly send. */
export const RESOURCES_API_VERSIONS = [
  '2020-06-01',
  '2020-08-01',
  '2020-10-01',
  '2021-01-01',
  '2021-04-01',
  '2022-09-01',
  '2023-07-01',
  '2024-03-01',
  '2024-07-01',
  '2024-11-01',
  '2025-03-01',
  '2025-04-01',
] as const;

/** The subscriptions API has versions of its own; ARM also accepts the resources versions there. */
export const SUBSCRIPTIONS_API_VERSIONS = [
  '2019-11-01',
  '2020-01-01',
  '2021-01-01',
  '2022-12-01',
  ...RESOURCES_API_VERSIONS,
] as const;

const RG_TYPE = 'Microsoft.Resources/resourceGroups';
const RG_NAME = /^[-\w.()]{1,90}$/;
const NAMESPACE = 'Microsoft.Resources';

/**
 * `others` are the providers registered next to this one: their resource types and api-versions
 * are what GET …/providers/{namespace} reports.
 */
export function resourcesProvider(others: readonly ResourceProvider[]): ResourceProvider {
  const self: ResourceProvider = {
    namespace: NAMESPACE,
    resourceTypes: [
      { resourceType: 'subscriptions', apiVersions: SUBSCRIPTIONS_API_VERSIONS },
      { resourceType: 'resourceGroups', apiVersions: RESOURCES_API_VERSIONS },
      { resourceType: 'providers', apiVersions: RESOURCES_API_VERSIONS },
      { resourceType: 'subscriptions/operationresults', apiVersions: RESOURCES_API_VERSIONS },
    ],
    routes: [],
    seed: seedResourceGroups,
  };
  const all = () => [self, ...others];
  const routes: Route[] = [
    ...subscriptionRoutes(),
    ...resourceGroupRoutes(),
    ...providerRoutes(all),
    ...others.map((p) => registerRoute(p, all)),
    registerUnknownRoute(all),
  ];
  return { ...self, routes };
}

function seedResourceGroups(ctx: ProviderContext): void {
  for (const rg of ctx.config.resourceGroups) {
    const id = groupId(ctx.config.subscriptionId, rg.name);
    if (!ctx.store.get(id))
      ctx.store.put(resourceGroup(id, rg.name, normalizeLocation(rg.location ?? ctx.config.location)));
  }
}

function subscriptionRoutes(): Route[] {
  const subscription = (ctx: ProviderContext) => ({
    id: `/subscriptions/${ctx.config.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: ctx.config.subscriptionId,
    tenantId: ctx.config.tenantId,
    displayName: ctx.config.subscriptionName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  });
  return [
    {
      method: 'GET',
      path: '/subscriptions',
      apiVersions: SUBSCRIPTIONS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/read',
      handle: (_req, ctx) => ({
        status: 200,
        body: { value: [subscription(ctx)], count: { type: 'Total', value: 1 } },
      }),
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}',
      apiVersions: SUBSCRIPTIONS_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/read',
      handle: (_req, ctx) => ({ status: 200, body: subscription(ctx) }),
    },
  ];
}

function resourceGroupRoutes(): Route[] {
  const path = '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}';
  const base = { path, apiVersions: RESOURCES_API_VERSIONS };
  return [
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/resourcegroups',
      apiVersions: RESOURCES_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handle: listResourceGroups,
    },
    {
      ...base,
      method: 'HEAD',
      action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handle: (req, ctx) => ({ status: ctx.store.get(idOf(req, ctx)) ? 204 : 404 }),
    },
    {
      ...base,
      method: 'GET',
      action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
      handle: (req, ctx) => ({ status: 200, body: existing(req, ctx) }),
    },
    {
      ...base,
      method: 'PUT',
      action: 'Microsoft.Resources/subscriptions/resourceGroups/write',
      handle: putResourceGroup,
    },
    {
      ...base,
      method: 'PATCH',
      action: 'Microsoft.Resources/subscriptions/resourceGroups/write',
      handle: patchResourceGroup,
    },
    {
      ...base,
      method: 'DELETE',
      action: 'Microsoft.Resources/subscriptions/resourceGroups/delete',
      handle: deleteResourceGroup,
    },
  ];
}

function listResourceGroups(req: ArmRequest, ctx: ProviderContext): ArmResult {
  let groups = ctx.store.below(`/subscriptions/${ctx.config.subscriptionId}`, RG_TYPE);
  const filter = req.query.get('$filter');
  if (filter) {
    const tag = /tagName\s+eq\s+'([^']*)'(?:\s+and\s+tagValue\s+eq\s+'([^']*)')?/i.exec(filter);
    if (!tag) {
      throw new ArmError(400, 'InvalidFilterInQueryString', `The $filter '${filter}' is not supported.`);
    }
    groups = groups.filter((g) => {
      const tags = (g.tags ?? {}) as Record<string, string>;
      return tag[1]! in tags && (tag[2] === undefined || tags[tag[1]!] === tag[2]);
    });
  }
  const top = Number(req.query.get('$top') ?? Number.NaN);
  if (Number.isInteger(top) && top > 0) groups = groups.slice(0, top);
  return { status: 200, body: { value: groups } };
}

function putResourceGroup(req: ArmRequest, ctx: ProviderContext): ArmResult {
  const name = req.params.resourceGroupName ?? '';
  if (!RG_NAME.test(name) || name.endsWith('.')) {
    throw new ArmError(
      400,
      'InvalidResourceGroup',
      `The provided resource group name '${name}' has these invalid characters or length. The name can only be a letter, digit, '-', '.', '(', ')' or '_', 1 to 90 characters, and cannot end with '.'.`,
    );
  }
  const body = bodyObject(req);
  if (typeof body.location !== 'string' || !body.location) {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const tags = tagsOf(body.tags);
  const location = normalizeLocation(body.location);
  const id = idOf(req, ctx);
  const current = ctx.store.get(id);
  if (current && current.location !== location) {
    throw new ArmError(
      409,
      'InvalidResourceGroupLocation',
      `Invalid resource group location '${location}'. The Resource group already exists in location '${String(current.location)}'.`,
    );
  }
  if (current && isDeleting(current)) throw deleting(name);
  const stored = ctx.store.put({
    ...resourceGroup(current?.id ?? id, current?.name ?? name, location),
    ...(typeof body.managedBy === 'string' ? { managedBy: body.managedBy } : {}),
    ...(tags ? { tags } : {}),
  });
  return { status: current ? 200 : 201, body: stored };
}

function patchResourceGroup(req: ArmRequest, ctx: ProviderContext): ArmResult {
  const current = existing(req, ctx);
  const body = bodyObject(req);
  if (isDeleting(current)) throw deleting(current.name);
  const tags = tagsOf(body.tags);
  const updated = ctx.store.put({
    ...current,
    ...(typeof body.managedBy === 'string' ? { managedBy: body.managedBy } : {}),
    ...(tags ? { tags } : {}),
  });
  return { status: 200, body: updated };
}

function deleteResourceGroup(req: ArmRequest, ctx: ProviderContext): ArmResult {
  const current = existing(req, ctx);
  if (!isDeleting(current)) {
    ctx.store.put({ ...current, properties: { provisioningState: 'Deleting' } });
  }
  const operation = ctx.operations.start(current.id, 'resourceGroup', () => {
    ctx.store.delete(current.id);
    return { status: 'Succeeded' };
  });
  // ARM answers a group delete with Location polling only (no Azure-AsyncOperation).
  const { Location, 'Retry-After': retryAfter } = operation.headers({ location: true });
  return { status: 202, headers: { Location: Location ?? operation.resultUrl, 'Retry-After': retryAfter ?? '1' } };
}

function providerRoutes(all: () => readonly ResourceProvider[]): Route[] {
  const scope = (req: ArmRequest) => `/subscriptions/${req.params.subscriptionId}`;
  return [
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers',
      apiVersions: RESOURCES_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/providers/read',
      scope,
      handle: (_req, ctx) => ({ status: 200, body: { value: all().map((p) => providerJson(p, ctx)) } }),
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/{resourceProviderNamespace}',
      apiVersions: RESOURCES_API_VERSIONS,
      action: 'Microsoft.Resources/subscriptions/providers/read',
      scope,
      handle: (req, ctx) => ({ status: 200, body: providerJson(findProvider(all(), req), ctx) }),
    },
  ];
}

/** Registering a provider needs `{namespace}/register/action` on the subscription. */
function registerRoute(provider: ResourceProvider, all: () => readonly ResourceProvider[]): Route {
  return {
    method: 'POST',
    path: `/subscriptions/{subscriptionId}/providers/${provider.namespace}/register`,
    apiVersions: RESOURCES_API_VERSIONS,
    action: `${provider.namespace}/register/action`,
    scope: (req) => `/subscriptions/${req.params.subscriptionId}`,
    handle: (req, ctx) => ({
      status: 200,
      body: providerJson(
        findProvider(all(), { ...req, params: { resourceProviderNamespace: provider.namespace } }),
        ctx,
      ),
    }),
  };
}

function registerUnknownRoute(all: () => readonly ResourceProvider[]): Route {
  return {
    method: 'POST',
    path: '/subscriptions/{subscriptionId}/providers/{resourceProviderNamespace}/register',
    apiVersions: RESOURCES_API_VERSIONS,
    action: 'Microsoft.Resources/subscriptions/providers/register/action',
    scope: (req) => `/subscriptions/${req.params.subscriptionId}`,
    handle: (req, ctx) => ({ status: 200, body: providerJson(findProvider(all(), req), ctx) }),
  };
}

function findProvider(all: readonly ResourceProvider[], req: Pick<ArmRequest, 'params'>): ResourceProvider {
  const namespace = req.params.resourceProviderNamespace ?? '';
  const provider = all.find((p) => p.namespace.toLowerCase() === namespace.toLowerCase());
  if (!provider) {
    throw new ArmError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);
  }
  return provider;
}

function providerJson(provider: ResourceProvider, ctx: ProviderContext): Record<string, unknown> {
  const regions = [
    ...new Set([ctx.config.location, ...ctx.config.resourceGroups.map((g) => g.location ?? ctx.config.location)]),
  ];
  return {
    id: `/subscriptions/${ctx.config.subscriptionId}/providers/${provider.namespace}`,
    namespace: provider.namespace,
    registrationState: 'Registered',
    registrationPolicy: 'RegistrationRequired',
    resourceTypes: provider.resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: (t.locations ?? regions).map(displayLocation),
      apiVersions: [...t.apiVersions].sort().reverse(),
      capabilities: 'None',
    })),
  };
}

function existing(req: ArmRequest, ctx: ProviderContext): ResourceJson {
  const found = ctx.store.get(idOf(req, ctx));
  if (!found) throw resourceGroupNotFound(req.params.resourceGroupName ?? '');
  return found;
}

function idOf(req: ArmRequest, ctx: ProviderContext): string {
  return groupId(ctx.config.subscriptionId, req.params.resourceGroupName ?? '');
}

function groupId(subscriptionId: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
}

function resourceGroup(id: string, name: string, location: string): ResourceJson {
  return { id, name, type: RG_TYPE, location, properties: { provisioningState: 'Succeeded' } };
}

function bodyObject(req: ArmRequest): Record<string, unknown> {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw new ArmError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: the body must be a JSON object.',
    );
  }
  return req.body as Record<string, unknown>;
}

function tagsOf(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== 'object' || Array.isArray(tags)) {
    throw new ArmError(
      400,
      'InvalidRequestContent',
      "The request content was invalid and could not be deserialized: 'tags' must be an object of strings.",
    );
  }
  const entries = Object.entries(tags);
  if (entries.length > 50) throw new ArmError(400, 'InvalidTagCount', 'A resource can have at most 50 tags.');
  for (const [name, value] of entries) {
    if (typeof value !== 'string') {
      throw new ArmError(
        400,
        'InvalidRequestContent',
        `The request content was invalid and could not be deserialized: tag '${name}' must be a string.`,
      );
    }
    if (name.length > 512 || value.length > 256 || /[<>%&\\?/]/.test(name)) {
      throw new ArmError(
        400,
        'InvalidTagNameCharacters',
        `The tag name '${name}' has invalid characters or is too long.`,
      );
    }
  }
  return tags as Record<string, string>;
}

function isDeleting(resource: ResourceJson): boolean {
  return (resource.properties as { provisioningState?: string } | undefined)?.provisioningState === 'Deleting';
}

function deleting(name: string): ArmError {
  return new ArmError(
    409,
    'ResourceGroupBeingDeleted',
    `The resource group '${name}' is in deprovisioning state and cannot perform this operation.`,
  );
}

function normalizeLocation(location: string): string {
  return location.toLowerCase().replace(/\s+/g, '');
}

function displayLocation(location: string): string {
  const known: Record<string, string> = {
    eastus: 'East US',
    eastus2: 'East US 2',
    westus: 'West US',
    westus2: 'West US 2',
    westus3: 'West US 3',
    centralus: 'Central US',
    northeurope: 'North Europe',
    westeurope: 'West Europe',
    uksouth: 'UK South',
    southeastasia: 'Southeast Asia',
    australiaeast: 'Australia East',
  };
  return known[location.toLowerCase()] ?? location;
}
