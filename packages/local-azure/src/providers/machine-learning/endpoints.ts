// Online and batch endpoints: long-running PUT (201 + Azure-AsyncOperation; 200 + the same header
// for an update), PATCH of tags and identity and DELETE (202 + Location), keys and tokens.
// Online endpoints run on a Kubernetes compute of the workspace; traffic is set in a full PUT
// and must name existing deployments and add up to 100 (or 0).

import type { ArmRequest, ProviderContext, ResourceJson, Route } from '../../arm/contract.js';
import {
  checkEndpointName,
  childType,
  conflict,
  intQuery,
  type Json,
  listPage,
  matchesTags,
  newKey,
  objectAt,
  ok,
  orderBy,
  renderIdentity,
  requireChild,
  requireParentWorkspace,
  stringAt,
  systemData,
  trackedResource,
  userError,
  workspaceGuid,
  workspaceRoute,
} from './common.js';
import { resolveCompute } from './references.js';
import type { DeploymentRuntime } from './runtime.js';
import { validate } from './schema.js';
import {
  batchEndpointResource,
  onlineEndpointResource,
  partialTrackedWithIdentity,
  regenerateKeysRequest,
} from './schemas.js';

export type EndpointSegment = 'onlineEndpoints' | 'batchEndpoints';

export const ONLINE_ENDPOINT_TYPE = childType('onlineEndpoints');
export const BATCH_ENDPOINT_TYPE = childType('batchEndpoints');
const KEYS = 'keys';
const TOKENS = 'tokens';
/** How long an AMLToken for an online endpoint lives, and when clients should refresh it. */
const TOKEN_LIFETIME_S = 3600;
const TOKEN_REFRESH_S = 1800;

/** Where local Azure serves an online endpoint's scoring requests (the front door routes these paths). */
export function scoringUri(baseUrl: string, workspace: ResourceJson, endpointName: string): string {
  return `${baseUrl}/endpoints/${workspaceGuid(workspace)}/${endpointName}/score`;
}

export function swaggerUri(baseUrl: string, workspace: ResourceJson, endpointName: string): string {
  return `${baseUrl}/endpoints/${workspaceGuid(workspace)}/${endpointName}/swagger.json`;
}

/** The workspace GUID and endpoint name of a scoring path, e.g. '/endpoints/{workspaceId}/{endpoint}/score'. */
export function parseScoringPath(
  pathname: string,
): { workspaceId: string; endpointName: string; path: string } | undefined {
  const match = /^\/endpoints\/([0-9a-fA-F-]{36})\/([^/]+)(\/.*)?$/.exec(pathname);
  if (!match) return undefined;
  return { workspaceId: match[1] ?? '', endpointName: decodeURIComponent(match[2] ?? ''), path: match[3] ?? '/' };
}

interface EndpointKind {
  readonly segment: EndpointSegment;
  readonly label: string;
  readonly type: string;
}

const ONLINE: EndpointKind = { segment: 'onlineEndpoints', label: 'Online endpoint', type: ONLINE_ENDPOINT_TYPE };
const BATCH: EndpointKind = { segment: 'batchEndpoints', label: 'Batch endpoint', type: BATCH_ENDPOINT_TYPE };

export function endpointRoutes(runtime: DeploymentRuntime): Route[] {
  const online = (verb: string) => `workspaces/onlineEndpoints/${verb}`;
  const batch = (verb: string) => `workspaces/batchEndpoints/${verb}`;
  return [
    workspaceRoute('GET', '/onlineEndpoints', online('read'), (req, ctx) => listEndpoints(req, ctx, ONLINE)),
    workspaceRoute('GET', '/onlineEndpoints/{endpointName}', online('read'), (req, ctx) =>
      ok(requireEndpoint(req, ctx, ONLINE)),
    ),
    workspaceRoute('PUT', '/onlineEndpoints/{endpointName}', online('write'), (req, ctx) =>
      putOnlineEndpoint(req, ctx),
    ),
    workspaceRoute('PATCH', '/onlineEndpoints/{endpointName}', online('write'), (req, ctx) =>
      patchEndpoint(req, ctx, ONLINE),
    ),
    workspaceRoute('DELETE', '/onlineEndpoints/{endpointName}', online('delete'), (req, ctx) =>
      deleteEndpoint(req, ctx, ONLINE, runtime),
    ),
    workspaceRoute('POST', '/onlineEndpoints/{endpointName}/listKeys', online('listKeys/action'), (req, ctx) =>
      ok(listKeys(requireEndpoint(req, ctx, ONLINE), ctx)),
    ),
    workspaceRoute(
      'POST',
      '/onlineEndpoints/{endpointName}/regenerateKeys',
      online('regenerateKeys/action'),
      (req, ctx) => regenerateKeys(req, ctx),
    ),
    workspaceRoute('POST', '/onlineEndpoints/{endpointName}/token', online('token/action'), (req, ctx) =>
      token(req, ctx),
    ),
    workspaceRoute('GET', '/batchEndpoints', batch('read'), (req, ctx) => listEndpoints(req, ctx, BATCH)),
    workspaceRoute('GET', '/batchEndpoints/{endpointName}', batch('read'), (req, ctx) =>
      ok(requireEndpoint(req, ctx, BATCH)),
    ),
    workspaceRoute('PUT', '/batchEndpoints/{endpointName}', batch('write'), (req, ctx) => putBatchEndpoint(req, ctx)),
    workspaceRoute('PATCH', '/batchEndpoints/{endpointName}', batch('write'), (req, ctx) =>
      patchEndpoint(req, ctx, BATCH),
    ),
    workspaceRoute('DELETE', '/batchEndpoints/{endpointName}', batch('delete'), (req, ctx) =>
      deleteEndpoint(req, ctx, BATCH, runtime),
    ),
    workspaceRoute('POST', '/batchEndpoints/{endpointName}/listkeys', batch('listkeys/action'), (req, ctx) =>
      ok(listKeys(requireEndpoint(req, ctx, BATCH), ctx)),
    ),
  ];
}

export function requireEndpoint(req: ArmRequest, ctx: ProviderContext, kind: EndpointKind = ONLINE): ResourceJson {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const { workspaceName = '', endpointName = '' } = req.params;
  return requireChild(
    ctx,
    req,
    `${workspace.id}/${kind.segment}/${endpointName}`,
    `workspaces/${kind.segment}`,
    `${workspaceName}/${endpointName}`,
  );
}

function listEndpoints(req: ArmRequest, ctx: ProviderContext, kind: EndpointKind) {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const name = req.query.get('name');
  const computeType = req.query.get('computeType');
  const items = ctx.store
    .children(workspace.id, kind.type)
    .filter((e) => !name || e.name === name)
    .filter(
      (e) =>
        !computeType ||
        (computeType.toLowerCase() === 'kubernetes' && stringAt(e, 'properties', 'compute') !== undefined),
    )
    .filter((e) => matchesTags(e, req.query.get('tags'), 'tags'));
  const order = /^(Created|Updated)At(Asc|Desc)$/i.exec(req.query.get('orderBy') ?? '');
  const ordered = orderBy(items, order ? `${order[1]}time ${order[2]}` : null);
  const pageSize = intQuery(req, 'count');
  return listPage(req, ordered, pageSize ? { pageSize } : {});
}

// ---- create and update ----------------------------------------------------------------------

function putOnlineEndpoint(req: ArmRequest, ctx: ProviderContext) {
  const workspace = requireParentWorkspace(req, ctx, 'onlineEndpoints');
  const name = req.params['endpointName'] ?? '';
  checkEndpointName(name, 'Online endpoint', 'endpointName');
  const body = validate<Json>(onlineEndpointResource, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(body, 'properties');
  const id = `${workspace.id}/onlineEndpoints/${name}`;
  const existing = ctx.store.get(id);
  const before = objectAt(existing, 'properties');
  if (before['provisioningState'] === 'Deleting') throw conflict(`Online endpoint '${name}' is being deleted.`);

  const computeId = properties['compute'];
  if (typeof computeId !== 'string' || computeId === '') {
    throw userError(
      `'properties.compute' is required: local Azure serves Kubernetes online endpoints, which name the Kubernetes compute (${workspace.id}/computes/{name}) they run on. Managed online endpoints are not available.`,
      'properties.compute',
    );
  }
  const compute = resolveCompute(ctx, workspace, computeId, 'properties.compute');
  if (stringAt(compute, 'properties', 'computeType') !== 'Kubernetes') {
    throw userError(
      `Compute '${compute.name}' is not a Kubernetes compute; online endpoints need one.`,
      'properties.compute',
    );
  }
  if (existing && String(before['compute']).toLowerCase() !== compute.id.toLowerCase()) {
    throw userError(
      `The compute of online endpoint '${name}' is '${String(before['compute'])}' and cannot be changed; delete the endpoint and create it on the other compute.`,
      'properties.compute',
    );
  }
  if (properties['authMode'] === 'AADToken') {
    throw userError(
      "authMode 'AADToken' is not supported for Kubernetes online endpoints; use 'Key' or 'AMLToken'.",
      'properties.authMode',
    );
  }
  // A PUT without traffic keeps the endpoint's traffic; traffic moves only when the body sets it.
  const traffic = (
    properties['traffic'] !== undefined ? objectAt(properties, 'traffic') : objectAt(before, 'traffic')
  ) as Record<string, number>;
  checkTraffic(ctx, id, name, traffic);

  const { keys, ...rest } = properties;
  const resource: ResourceJson = {
    ...trackedResource(req, ctx, { id, name, type: ONLINE_ENDPOINT_TYPE }, body, existing),
    // an online endpoint always has an identity: system-assigned unless the request says otherwise
    identity: renderIdentity(id, body['identity'] ? objectAt(body, 'identity') : { type: 'SystemAssigned' }, ctx),
    ...(body['sku'] !== undefined ? { sku: body['sku'] } : {}),
    properties: {
      ...rest,
      compute: compute.id,
      traffic,
      scoringUri: scoringUri(ctx.baseUrl, workspace, name),
      swaggerUri: swaggerUri(ctx.baseUrl, workspace, name),
      provisioningState: existing ? 'Updating' : 'Creating',
    },
  };
  ctx.store.put(resource);
  if (!existing) storeKeys(ctx, id, objectAt(keys));
  return provision(ctx, resource, 'endpoint', existing !== undefined);
}

function putBatchEndpoint(req: ArmRequest, ctx: ProviderContext) {
  const workspace = requireParentWorkspace(req, ctx, 'batchEndpoints');
  const name = req.params['endpointName'] ?? '';
  checkEndpointName(name, 'Batch endpoint', 'endpointName');
  const body = validate<Json>(batchEndpointResource, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(body, 'properties');
  const id = `${workspace.id}/batchEndpoints/${name}`;
  const existing = ctx.store.get(id);
  if (objectAt(existing, 'properties')['provisioningState'] === 'Deleting') {
    throw conflict(`Batch endpoint '${name}' is being deleted.`);
  }
  if (properties['authMode'] !== 'AADToken') {
    throw userError(
      `Batch endpoints support only authMode 'AADToken' (Microsoft Entra tokens); got '${String(properties['authMode'])}'.`,
      'properties.authMode',
    );
  }
  const defaultDeployment = stringAt(properties, 'defaults', 'deploymentName');
  if (defaultDeployment && !ctx.store.get(`${id}/deployments/${defaultDeployment}`)) {
    throw userError(
      `The default deployment '${defaultDeployment}' does not exist on batch endpoint '${name}'. Create the deployment first, then make it the default.`,
      'properties.defaults.deploymentName',
    );
  }
  const { keys: _keys, ...rest } = properties;
  const resource: ResourceJson = {
    ...trackedResource(req, ctx, { id, name, type: BATCH_ENDPOINT_TYPE }, body, existing),
    ...(body['sku'] !== undefined ? { sku: body['sku'] } : {}),
    properties: {
      ...rest,
      scoringUri: `${ctx.baseUrl}/batchEndpoints/${workspaceGuid(workspace)}/${name}/jobs`,
      provisioningState: existing ? 'Updating' : 'Creating',
    },
  };
  ctx.store.put(resource);
  return provision(ctx, resource, 'endpoint', existing !== undefined);
}

/** Traffic names this endpoint's deployments with whole percentages that add up to 100 (or all 0). */
function checkTraffic(
  ctx: ProviderContext,
  endpointId: string,
  endpointName: string,
  traffic: Record<string, number>,
): void {
  const deployments = ctx.store.children(endpointId, childType('onlineEndpoints', 'deployments'));
  for (const [deployment, percent] of Object.entries(traffic)) {
    const target = `properties.traffic.${deployment}`;
    if (!deployments.some((d) => d.name === deployment)) {
      throw userError(
        `Traffic cannot be routed to deployment '${deployment}': it does not exist on online endpoint '${endpointName}' (existing deployments: ${deployments.map((d) => d.name).join(', ') || 'none'}).`,
        target,
      );
    }
    if (percent < 0 || percent > 100) {
      throw userError(
        `The traffic of deployment '${deployment}' must be between 0 and 100 percent; got ${percent}.`,
        target,
      );
    }
    const state = stringAt(
      deployments.find((d) => d.name === deployment),
      'properties',
      'provisioningState',
    );
    if (percent > 0 && state === 'Failed') {
      throw userError(
        `Traffic cannot be routed to deployment '${deployment}': its provisioning state is Failed.`,
        target,
      );
    }
  }
  const total = Object.values(traffic).reduce((sum, percent) => sum + percent, 0);
  if (total !== 0 && total !== 100) {
    throw userError(
      `The traffic of online endpoint '${endpointName}' must add up to 100 percent (or 0 to send none); it adds up to ${total}: ${Object.entries(
        traffic,
      )
        .map(([d, p]) => `${d}=${p}`)
        .join(', ')}.`,
      'properties.traffic',
    );
  }
}

/** Starts provisioning: Creating/Updating now, Succeeded when the operation's work runs. */
function provision(ctx: ProviderContext, resource: ResourceJson, kind: string, update: boolean) {
  const operation = ctx.operations.start(resource.id, kind, () => settle(ctx, resource.id, 'Succeeded'));
  return ok(resource, update ? 200 : 201, operation.headers());
}

function settle(ctx: ProviderContext, id: string, state: 'Succeeded' | 'Failed') {
  const current = ctx.store.get(id);
  if (!current) {
    return {
      status: 'Failed' as const,
      error: { code: 'NotFound', message: `'${id}' was deleted while it was being provisioned.` },
    };
  }
  ctx.store.put({ ...current, properties: { ...objectAt(current, 'properties'), provisioningState: state } });
  return { status: 'Succeeded' as const };
}

function patchEndpoint(req: ArmRequest, ctx: ProviderContext, kind: EndpointKind) {
  const endpoint = requireEndpoint(req, ctx, kind);
  const body = validate<Json>(partialTrackedWithIdentity, req.body ?? null, { code: 'UserError' });
  if (objectAt(endpoint, 'properties')['provisioningState'] === 'Deleting') {
    throw conflict(`${kind.label} '${endpoint.name}' is being deleted.`);
  }
  const updated: ResourceJson = {
    ...endpoint,
    ...(body['tags'] !== undefined ? { tags: dropNulls(objectAt(body, 'tags')) } : {}),
    ...(body['identity'] !== undefined
      ? { identity: renderIdentity(endpoint.id, objectAt(body, 'identity'), ctx) }
      : {}),
    systemData: systemData(req.caller, ctx.clock.now(), endpoint['systemData']),
    properties: { ...objectAt(endpoint, 'properties'), provisioningState: 'Updating' },
  };
  ctx.store.put(updated);
  const operation = ctx.operations.start(endpoint.id, 'endpoint', () => settle(ctx, endpoint.id, 'Succeeded'));
  return { status: 202, headers: operation.headers({ location: true }) };
}

function dropNulls(map: Json): Json {
  return Object.fromEntries(Object.entries(map).filter(([, value]) => value !== null && value !== undefined));
}

function deleteEndpoint(req: ArmRequest, ctx: ProviderContext, kind: EndpointKind, runtime: DeploymentRuntime) {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const id = `${workspace.id}/${kind.segment}/${req.params['endpointName']}`;
  const endpoint = ctx.store.get(id);
  if (!endpoint) return { status: 204 };
  ctx.store.put({ ...endpoint, properties: { ...objectAt(endpoint, 'properties'), provisioningState: 'Deleting' } });
  const operation = ctx.operations.start(id, 'endpoint', async () => {
    if (kind.segment === 'onlineEndpoints') {
      for (const deployment of ctx.store.children(id, childType('onlineEndpoints', 'deployments'))) {
        await runtime.remove(deployment, ctx);
      }
    }
    ctx.store.delete(id);
    return { status: 'Succeeded' };
  });
  return { status: 202, headers: operation.headers({ location: true }) };
}

// ---- keys and tokens ------------------------------------------------------------------------

function storeKeys(ctx: ProviderContext, id: string, given: Json): void {
  ctx.store.secrets(id)[KEYS] = {
    primaryKey: typeof given['primaryKey'] === 'string' && given['primaryKey'] !== '' ? given['primaryKey'] : newKey(),
    secondaryKey:
      typeof given['secondaryKey'] === 'string' && given['secondaryKey'] !== '' ? given['secondaryKey'] : newKey(),
  };
}

/** The keys of a Key-auth endpoint (what the scoring front door checks requests against). */
export function endpointKeys(
  ctx: ProviderContext,
  endpointId: string,
): { primaryKey: string; secondaryKey: string } | undefined {
  const keys = ctx.store.secrets(endpointId)[KEYS];
  return keys && typeof keys === 'object' ? (keys as { primaryKey: string; secondaryKey: string }) : undefined;
}

/** Whether `token` is an unexpired AMLToken issued for the endpoint. */
export function isEndpointToken(ctx: ProviderContext, endpointId: string, token: string): boolean {
  const tokens = ctx.store.secrets(endpointId)[TOKENS];
  const now = ctx.clock.now();
  return Array.isArray(tokens) && tokens.some((t) => t?.token === token && t.expiresAt > now);
}

function listKeys(endpoint: ResourceJson, ctx: ProviderContext) {
  const authMode = stringAt(endpoint, 'properties', 'authMode');
  if (authMode !== 'Key') {
    throw userError(
      `Endpoint '${endpoint.name}' uses authMode '${authMode}', so it has no keys. ${authMode === 'AMLToken' ? 'Get a token with the token action instead.' : 'Use a Microsoft Entra token instead.'}`,
    );
  }
  if (!endpointKeys(ctx, endpoint.id)) storeKeys(ctx, endpoint.id, {});
  return endpointKeys(ctx, endpoint.id);
}

function regenerateKeys(req: ArmRequest, ctx: ProviderContext) {
  const endpoint = requireEndpoint(req, ctx, ONLINE);
  const body = validate<Json>(regenerateKeysRequest, req.body ?? null, { code: 'UserError' });
  listKeys(endpoint, ctx);
  const keyType = body['keyType'] === 'Primary' ? 'primaryKey' : 'secondaryKey';
  const value = typeof body['keyValue'] === 'string' && body['keyValue'] !== '' ? body['keyValue'] : newKey();
  const operation = ctx.operations.start(endpoint.id, 'endpoint-keys', () => {
    const keys = endpointKeys(ctx, endpoint.id);
    if (keys) ctx.store.secrets(endpoint.id)[KEYS] = { ...keys, [keyType]: value };
    return { status: 'Succeeded' };
  });
  return { status: 202, headers: operation.headers({ location: true }) };
}

function token(req: ArmRequest, ctx: ProviderContext) {
  const endpoint = requireEndpoint(req, ctx, ONLINE);
  const authMode = stringAt(endpoint, 'properties', 'authMode');
  if (authMode !== 'AMLToken') {
    throw userError(
      `Endpoint '${endpoint.name}' uses authMode '${authMode}'; tokens are issued only for endpoints with authMode 'AMLToken'.${authMode === 'Key' ? ' Use listKeys instead.' : ''}`,
    );
  }
  const now = ctx.clock.now();
  const accessToken = newKey().replace(/[+/=]/g, '');
  const expiresAt = now + TOKEN_LIFETIME_S * 1000;
  const side = ctx.store.secrets(endpoint.id);
  const previous = Array.isArray(side[TOKENS]) ? (side[TOKENS] as { token: string; expiresAt: number }[]) : [];
  side[TOKENS] = [...previous.filter((t) => t.expiresAt > now), { token: accessToken, expiresAt }];
  return ok({
    accessToken,
    expiryTimeUtc: Math.floor(expiresAt / 1000),
    refreshAfterTimeUtc: Math.floor(now / 1000) + TOKEN_REFRESH_S,
    tokenType: 'Bearer',
  });
}
