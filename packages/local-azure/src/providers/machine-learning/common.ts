// What every Azure ML route shares: the api-version, resource types and ids, the workspace a
// request addresses, ARM errors in the wording Azure uses, systemData, and list pages.

import { createHash, randomBytes } from 'node:crypto';
import {
  ArmError,
  type ArmRequest,
  type ArmResult,
  type Caller,
  type HttpMethod,
  type ProviderContext,
  type ResourceJson,
  type Route,
} from '../../arm/contract.js';

/** What @azure/arm-machinelearning 2.1.1 sends. */
export const API_VERSION = '2022-10-01';
export const API_VERSIONS: readonly string[] = [API_VERSION];

export const NAMESPACE = 'Microsoft.MachineLearningServices';
export const WORKSPACE_TYPE = `${NAMESPACE}/workspaces`;
export const CONNECTED_CLUSTER_TYPE = 'Microsoft.Kubernetes/connectedClusters';
export const MANAGED_CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters';
export const EXTENSION_TYPE = 'Microsoft.KubernetesConfiguration/extensions';
export const AZUREML_EXTENSION_TYPE = 'Microsoft.AzureML.Kubernetes';

export const WORKSPACE_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}';

/** The `type` of a workspace child, e.g. childType('computes') or childType('codes', 'versions'). */
export function childType(...segments: string[]): string {
  return [WORKSPACE_TYPE, ...segments].join('/');
}

export function workspaceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${WORKSPACE_TYPE}/${name}`;
}

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A nested object of a stored resource (the store holds plain JSON). */
export function objectAt(value: unknown, ...path: string[]): Json {
  let current: unknown = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : {};
}

export function stringAt(value: unknown, ...path: string[]): string | undefined {
  const last = path.at(-1);
  if (last === undefined) return undefined;
  const found = objectAt(value, ...path.slice(0, -1))[last];
  return typeof found === 'string' ? found : undefined;
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return (
    a !== undefined && b !== undefined && a.replace(/\/+$/, '').toLowerCase() === b.replace(/\/+$/, '').toLowerCase()
  );
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A GUID derived from `seed`, so that ids survive restarts of local Azure. */
export function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed.toLowerCase()).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A secret like the ones Azure generates (endpoint keys): 32 random bytes, base64. */
export function newKey(): string {
  return randomBytes(32).toString('base64');
}

/** Who created what local Azure seeds from its config (workspaces, their default datastores). */
export const SEEDED_BY: Caller = { clientId: 'local-azure', objectId: '', tenantId: '' };

/** systemData as Azure ML writes it for the signed-in app. */
export function systemData(caller: Caller, now: number, previous?: unknown): Json {
  const created = isObject(previous) ? previous : {};
  const at = isoTime(now);
  return {
    createdAt: typeof created['createdAt'] === 'string' ? created['createdAt'] : at,
    createdBy: typeof created['createdBy'] === 'string' ? created['createdBy'] : caller.clientId,
    createdByType: typeof created['createdByType'] === 'string' ? created['createdByType'] : 'Application',
    lastModifiedAt: at,
    lastModifiedBy: caller.clientId,
    lastModifiedByType: 'Application',
  };
}

/**
 * The envelope of a tracked resource written by a PUT, as Azure ML answers it: id, name and type,
 * location, tags, identity and kind as sent, and systemData kept from what existed. The caller adds
 * sku and properties.
 */
export function trackedResource(
  req: ArmRequest,
  ctx: ProviderContext,
  resource: { readonly id: string; readonly name: string; readonly type: string },
  body: Json,
  existing: ResourceJson | undefined,
): ResourceJson {
  const { id } = resource;
  return {
    ...resource,
    location: body['location'],
    tags: body['tags'] ?? {},
    ...(body['identity'] ? { identity: renderIdentity(id, objectAt(body, 'identity'), ctx) } : {}),
    ...(body['kind'] !== undefined ? { kind: body['kind'] } : {}),
    systemData: systemData(req.caller, ctx.clock.now(), existing?.['systemData']),
  };
}

export function createdAt(resource: ResourceJson): number {
  const at = stringAt(resource, 'systemData', 'createdAt') ?? stringAt(resource, 'properties', 'createdOn');
  return at ? Date.parse(at) : 0;
}

// ---- errors ---------------------------------------------------------------------------------

/** Azure ML's MFE answers user mistakes with 400 UserError. */
export function userError(message: string, target?: string, status = 400): ArmError {
  return new ArmError(status, 'UserError', message, target ? { target } : {});
}

export function badRequest(message: string, target?: string): ArmError {
  return new ArmError(400, 'BadRequest', message, target ? { target } : {});
}

export function conflict(message: string, target?: string): ArmError {
  return new ArmError(409, 'Conflict', message, target ? { target } : {});
}

/** ARM's 404 for a resource that does not exist, in ARM's words. */
export function resourceNotFound(type: string, names: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${names}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

/** ARM's 404 for a nested resource whose parent does not exist. */
export function parentNotFound(verb: string, childTypeName: string, parentId: string): ArmError {
  return new ArmError(
    404,
    'ParentResourceNotFound',
    `Failed to perform '${verb}' on resource(s) of type '${childTypeName}', because the parent resource '${parentId}' could not be found.`,
  );
}

// ---- the workspace a request addresses ------------------------------------------------------

/** The route's verb as ARM names it in ParentResourceNotFound. */
function verbOf(method: HttpMethod): string {
  switch (method) {
    case 'PUT':
    case 'PATCH':
      return 'write';
    case 'DELETE':
      return 'delete';
    case 'POST':
      return 'action';
    default:
      return 'read';
  }
}

function checkSubscriptionAndGroup(req: ArmRequest, ctx: ProviderContext): void {
  const subscriptionId = req.params['subscriptionId'] ?? '';
  if (subscriptionId.toLowerCase() !== ctx.config.subscriptionId.toLowerCase()) {
    throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  }
  const group = req.params['resourceGroupName'];
  if (group === undefined) return;
  const stored = ctx.store.get(`/subscriptions/${subscriptionId}/resourceGroups/${group}`);
  const declared = ctx.config.resourceGroups.some((g) => g.name.toLowerCase() === group.toLowerCase());
  if (!stored && !declared) {
    throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`);
  }
}

/** The workspace the request names, or ARM's 404 (ResourceNotFound for the workspace itself). */
export function requireWorkspace(req: ArmRequest, ctx: ProviderContext): ResourceJson {
  checkSubscriptionAndGroup(req, ctx);
  const { subscriptionId = '', resourceGroupName = '', workspaceName = '' } = req.params;
  const found = ctx.store.get(workspaceId(subscriptionId, resourceGroupName, workspaceName));
  if (!found) throw resourceNotFound(WORKSPACE_TYPE, workspaceName, resourceGroupName);
  return found;
}

/** The parent workspace of a nested resource, or ARM's 404 ParentResourceNotFound. */
export function requireParentWorkspace(req: ArmRequest, ctx: ProviderContext, childTypeName: string): ResourceJson {
  checkSubscriptionAndGroup(req, ctx);
  const { subscriptionId = '', resourceGroupName = '', workspaceName = '' } = req.params;
  const id = workspaceId(subscriptionId, resourceGroupName, workspaceName);
  const found = ctx.store.get(id);
  if (!found) throw parentNotFound(verbOf(req.method), `workspaces/${childTypeName}`, id);
  return found;
}

/** A stored child, or ARM's 404 naming it. */
export function requireChild(
  ctx: ProviderContext,
  req: ArmRequest,
  id: string,
  typeName: string,
  names: string,
): ResourceJson {
  const found = ctx.store.get(id);
  if (!found) throw resourceNotFound(`${NAMESPACE}/${typeName}`, names, req.params['resourceGroupName'] ?? '');
  return found;
}

export function workspaceGuid(workspace: ResourceJson): string {
  return stringAt(workspace, 'properties', 'workspaceId') ?? stableUuid(workspace.id);
}

export function locationOf(resource: ResourceJson | undefined, ctx: ProviderContext): string {
  return (typeof resource?.['location'] === 'string' ? resource['location'] : undefined) ?? ctx.config.location;
}

// ---- names ----------------------------------------------------------------------------------

/** The swagger's pattern for asset, job, datastore and endpoint names in paths. */
const ASSET_NAME = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;

export function checkAssetName(name: string, what: string, target = 'name'): void {
  if (!ASSET_NAME.test(name)) {
    throw userError(
      `${what} name '${name}' is invalid: it must start with a letter or digit, contain only letters, digits, '-' and '_', and be at most 255 characters long.`,
      target,
    );
  }
}

// ---- routes and answers ---------------------------------------------------------------------

export type Handler = (req: ArmRequest, ctx: ProviderContext) => ArmResult | Promise<ArmResult>;

/** A route below a workspace: `suffix` follows WORKSPACE_PATH ('' for the workspace itself). */
export function workspaceRoute(method: HttpMethod, suffix: string, action: string, handle: Handler): Route {
  return { method, path: WORKSPACE_PATH + suffix, apiVersions: API_VERSIONS, action: `${NAMESPACE}/${action}`, handle };
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): ArmResult {
  return headers ? { status, body, headers } : { status, body };
}

// ---- lists ----------------------------------------------------------------------------------

const PAGE_SIZE = 100;

export interface ListOptions {
  /** Maximum items in all pages (`$top`); the list ends there. */
  readonly top?: number;
  /** Page size (`count`). */
  readonly pageSize?: number;
}

/** One page of `items` as Azure lists them: `{ value, nextLink }`, continued with `$skip`. */
export function listPage(req: ArmRequest, items: readonly unknown[], options: ListOptions = {}): ArmResult {
  const skipToken = req.query.get('$skip');
  let start = 0;
  if (skipToken !== null && skipToken !== '') {
    start = Number(skipToken);
    if (!Number.isInteger(start) || start < 0) {
      throw userError(`The continuation token '$skip=${skipToken}' is not valid for this list.`, '$skip');
    }
  }
  const limit = options.top !== undefined ? Math.min(items.length, options.top) : items.length;
  const size = options.pageSize ?? PAGE_SIZE;
  const end = Math.min(limit, start + size);
  const body: Json = { value: items.slice(start, end) };
  if (end < limit) {
    // Azure writes `$skip` unescaped in its nextLinks.
    const query = [...req.query.entries()]
      .filter(([name]) => name !== '$skip')
      .map(([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(value)}`);
    query.push(`$skip=${end}`);
    body['nextLink'] = `${req.url.origin}${req.url.pathname}?${query.join('&')}`;
  }
  return ok(body);
}

/** An optional positive integer query parameter (`$top`, `count`), 400 when malformed. */
export function intQuery(req: ArmRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw userError(`'${name}' must be a non-negative integer; got '${raw}'.`, name);
  return value;
}

/**
 * Orders a list the way `$orderBy` asks ('createdtime desc', 'createdAt asc', 'name', 'version desc',
 * …). Unknown fields are tolerated and order by creation time; the default is newest first.
 */
export function orderBy(resources: ResourceJson[], expression: string | null): ResourceJson[] {
  const [field = '', direction = ''] = (expression ?? '').trim().toLowerCase().split(/\s+/);
  const byName = field === 'name' || field === 'version';
  const byModified = field.includes('modified') || field.includes('updated');
  const key: (r: ResourceJson) => number | string = byName
    ? (r) => versionKey(r.name)
    : byModified
      ? (r) => Date.parse(stringAt(r, 'systemData', 'lastModifiedAt') ?? '') || 0
      : createdAt;
  const ascending = direction === '' ? byName : direction === 'asc';
  const sorted = resources.sort((a, b) => compare(key(a), key(b)));
  return ascending ? sorted : sorted.reverse();
}

function versionKey(name: string): number | string {
  return /^\d+$/.test(name) ? Number(name) : name;
}

function compare(a: number | string, b: number | string): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** Tags filter `tag=key` or `tag=key=value` (jobs) and `tags=key=value,key2` (endpoints). */
export function matchesTags(resource: ResourceJson, filter: string | null, ...path: string[]): boolean {
  if (!filter) return true;
  const tags = objectAt(resource, ...path);
  return filter
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .every((part) => {
      const [key = '', ...rest] = part.split('=');
      const value = rest.join('=');
      return key in tags && (rest.length === 0 || tags[key] === value);
    });
}

/** `listViewType` (ActiveOnly by default): archived assets are hidden unless asked for. */
export function matchesListView(resource: ResourceJson, req: ArmRequest): boolean {
  const view = (req.query.get('listViewType') ?? 'ActiveOnly').toLowerCase();
  const archived = objectAt(resource, 'properties')['isArchived'] === true;
  if (view === 'all') return true;
  if (view === 'archivedonly') return archived;
  if (view === 'activeonly') return !archived;
  throw userError(
    `'listViewType' must be one of ActiveOnly, ArchivedOnly, All; got '${req.query.get('listViewType')}'.`,
    'listViewType',
  );
}

/** A managed identity as Azure answers it: principal and tenant ids filled in for what was asked. */
export function renderIdentity(resourceId: string, identity: Json, ctx: ProviderContext): Json {
  const type = String(identity['type'] ?? 'None');
  const result: Json = { type };
  if (type.includes('SystemAssigned')) {
    result['principalId'] = stableUuid(`${resourceId}/identity`);
    result['tenantId'] = ctx.config.tenantId;
  }
  const assigned = objectAt(identity, 'userAssignedIdentities');
  if (Object.keys(assigned).length > 0) {
    result['userAssignedIdentities'] = Object.fromEntries(
      Object.keys(assigned).map((key) => [
        key,
        { principalId: stableUuid(`${key}/principal`), clientId: stableUuid(`${key}/client`) },
      ]),
    );
  }
  return result;
}

/** Endpoint and deployment names: 3–32 letters, digits and hyphens, starting with a letter. */
export function checkEndpointName(name: string, what: string, target: string): void {
  if (name.length < 3 || name.length > 32 || !/^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/.test(name)) {
    throw userError(
      `${what} name '${name}' is invalid: it must be 3 to 32 characters long, start with a letter, end with a letter or digit, and contain only letters, digits and hyphens.`,
      target,
    );
  }
}

/** Deep equality of JSON values (key order ignored; the store's copies may come from another realm). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Json)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
