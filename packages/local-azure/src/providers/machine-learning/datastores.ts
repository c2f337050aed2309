// Datastores: each workspace starts with `workspaceblobstore` (its default) and
// `workspaceartifactstore`, AzureBlob datastores on local Azure's Azurite account; users add
// AzureBlob datastores with account-key, SAS or other credentials. Secrets live in the store's
// secret side data and come back only from listSecrets.

import { ArmError, type ArmRequest, type ProviderContext, type ResourceJson, type Route } from '../../arm/contract.js';
import {
  checkAssetName,
  childType,
  intQuery,
  isObject,
  type Json,
  listPage,
  objectAt,
  ok,
  requireChild,
  requireParentWorkspace,
  SEEDED_BY,
  stringAt,
  systemData,
  userError,
  workspaceGuid,
  workspaceRoute,
} from './common.js';
import { validate } from './schema.js';
import { datastoreResource } from './schemas.js';
import { type CreateContainer, DEFAULT_ACCOUNT, datastoreEndpoint, type StorageInfo, storageOf } from './storage.js';

export const DATASTORE_TYPE = childType('datastores');
export const DEFAULT_DATASTORE = 'workspaceblobstore';
const ARTIFACT_DATASTORE = 'workspaceartifactstore';
/** Secret side data marking a datastore whose key is local Azure's own storage account key. */
const WORKSPACE_STORAGE = 'workspaceStorage';
const CREATE_ONLY = [
  'datastoreType',
  'accountName',
  'containerName',
  'endpoint',
  'protocol',
  'serviceDataAccessAuthIdentity',
];

/** The containers of the workspace datastores, created once per storage endpoint. */
export class WorkspaceContainers {
  readonly #created = new Map<string, Promise<void>>();

  constructor(private readonly create: CreateContainer) {}

  ensure(storage: StorageInfo, container: string): Promise<void> {
    const key = `${storage.blobEndpoint}|${container}`;
    let pending = this.#created.get(key);
    if (!pending) {
      pending = this.create(storage, container);
      this.#created.set(key, pending);
      pending.catch(() => this.#created.delete(key));
    }
    return pending;
  }
}

export function defaultContainerName(workspace: ResourceJson): string {
  return `azureml-blobstore-${workspaceGuid(workspace)}`;
}

function workspaceDatastores(workspace: ResourceJson): { name: string; container: string; isDefault: boolean }[] {
  return [
    { name: DEFAULT_DATASTORE, container: defaultContainerName(workspace), isDefault: true },
    { name: ARTIFACT_DATASTORE, container: 'azureml', isDefault: false },
  ];
}

/** Seeds the workspace datastores and, when storage runs, creates their containers in the background. */
export function seedDatastores(ctx: ProviderContext, workspace: ResourceJson, containers: WorkspaceContainers): void {
  const storage = storageOf(ctx);
  for (const store of workspaceDatastores(workspace)) {
    const id = `${workspace.id}/datastores/${store.name}`;
    if (!ctx.store.get(id)) {
      ctx.store.put({
        id,
        name: store.name,
        type: DATASTORE_TYPE,
        systemData: systemData(SEEDED_BY, ctx.clock.now()),
        properties: {
          ...(store.isDefault ? { description: 'The workspace default blob datastore (local Azure: Azurite).' } : {}),
          tags: {},
          properties: {},
          credentials: { credentialsType: 'AccountKey' },
          datastoreType: 'AzureBlob',
          isDefault: store.isDefault,
          accountName: storage?.accountName ?? DEFAULT_ACCOUNT,
          containerName: store.container,
          ...datastoreEndpoint(storage),
          serviceDataAccessAuthIdentity: 'None',
        },
      });
      ctx.store.secrets(id)[WORKSPACE_STORAGE] = true;
    }
    if (storage) containers.ensure(storage, store.container).catch(() => undefined);
  }
}

/** A datastore as GET shows it: workspace datastores follow where the storage runs now. */
function render(ctx: ProviderContext, resource: ResourceJson): ResourceJson {
  const storage = storageOf(ctx);
  if (!storage || ctx.store.secrets(resource.id)[WORKSPACE_STORAGE] !== true) return resource;
  const properties = objectAt(resource, 'properties');
  const current = { accountName: storage.accountName, ...datastoreEndpoint(storage) };
  if (Object.entries(current).every(([key, value]) => properties[key] === value)) return resource;
  return ctx.store.put({ ...resource, properties: { ...properties, ...current } });
}

export function datastoreRoutes(containers: WorkspaceContainers): Route[] {
  const action = (verb: string) => `workspaces/datastores/${verb}`;
  return [
    workspaceRoute('GET', '/datastores', action('read'), (req, ctx) => {
      const workspace = requireParentWorkspace(req, ctx, 'datastores');
      return listDatastores(req, ctx, workspace);
    }),
    workspaceRoute('GET', '/datastores/{name}', action('read'), (req, ctx) => {
      requireParentWorkspace(req, ctx, 'datastores');
      return ok(render(ctx, requireDatastore(req, ctx)));
    }),
    workspaceRoute('PUT', '/datastores/{name}', action('write'), (req, ctx) => putDatastore(req, ctx)),
    workspaceRoute('DELETE', '/datastores/{name}', action('delete'), (req, ctx) => {
      requireParentWorkspace(req, ctx, 'datastores');
      const id = datastoreId(req);
      const found = ctx.store.get(id);
      if (!found) return { status: 204 };
      if (objectAt(found, 'properties')['isDefault'] === true) {
        throw userError(
          `Datastore '${found.name}' is the workspace's default datastore and cannot be deleted.`,
          'name',
        );
      }
      ctx.store.delete(id);
      return { status: 200 };
    }),
    workspaceRoute('POST', '/datastores/{name}/listSecrets', action('listsecrets/action'), async (req, ctx) => {
      const workspace = requireParentWorkspace(req, ctx, 'datastores');
      return ok(await listSecrets(req, ctx, workspace, containers));
    }),
  ];
}

function datastoreId(req: ArmRequest): string {
  const { subscriptionId, resourceGroupName, workspaceName, name } = req.params;
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/${workspaceName}/datastores/${name}`;
}

function requireDatastore(req: ArmRequest, ctx: ProviderContext): ResourceJson {
  const { workspaceName = '', name = '' } = req.params;
  return requireChild(ctx, req, datastoreId(req), 'workspaces/datastores', `${workspaceName}/${name}`);
}

function listDatastores(req: ArmRequest, ctx: ProviderContext, workspace: ResourceJson) {
  const isDefault = req.query.get('isDefault');
  if (isDefault !== null && !/^(true|false)$/i.test(isDefault)) {
    throw userError(`'isDefault' must be true or false; got '${isDefault}'.`, 'isDefault');
  }
  const names = req.query
    .getAll('names')
    .flatMap((value) => value.split(','))
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const search = req.query.get('searchText')?.toLowerCase();
  const ascending = /^true$/i.test(req.query.get('orderByAsc') ?? '');
  const items = ctx.store
    .children(workspace.id, DATASTORE_TYPE)
    .filter((d) => isDefault === null || objectAt(d, 'properties')['isDefault'] === /^true$/i.test(isDefault))
    .filter((d) => names.length === 0 || names.includes(d.name.toLowerCase()))
    .filter((d) => !search || d.name.toLowerCase().includes(search))
    .sort((a, b) => (ascending ? a.name.localeCompare(b.name) : b.name.localeCompare(a.name)))
    .map((d) => render(ctx, d));
  const pageSize = intQuery(req, 'count');
  return listPage(req, items, pageSize ? { pageSize } : {});
}

function putDatastore(req: ArmRequest, ctx: ProviderContext) {
  const workspace = requireParentWorkspace(req, ctx, 'datastores');
  const name = req.params['name'] ?? '';
  checkAssetName(name, 'Datastore');
  const body = validate<Json>(datastoreResource, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(body, 'properties');
  const credentials = objectAt(properties, 'credentials');
  const type = properties['datastoreType'];
  if (type !== 'AzureBlob') {
    throw userError(
      `Datastore type '${String(type)}' is not available in local Azure: its storage is Azurite, which serves blob containers only. Use datastoreType AzureBlob.`,
      'properties.datastoreType',
    );
  }
  for (const field of ['accountName', 'containerName']) {
    if (typeof properties[field] !== 'string' || properties[field] === '') {
      throw userError(`'properties.${field}' is required for an AzureBlob datastore.`, `properties.${field}`);
    }
  }
  const secrets = secretsOf(credentials);
  const id = `${workspace.id}/datastores/${name}`;
  const existing = ctx.store.get(id);
  const previous = objectAt(existing, 'properties');
  if (existing) {
    for (const field of CREATE_ONLY) {
      const before = previous[field] ?? defaults[field];
      const after = properties[field] ?? defaults[field];
      if (before !== after) {
        throw userError(
          `'properties.${field}' of datastore '${name}' cannot be changed (it is '${String(before)}'). Delete the datastore and create it again, or use another name.`,
          `properties.${field}`,
        );
      }
    }
  }
  const { secrets: _dropped, ...publicCredentials } = credentials;
  const resource: ResourceJson = {
    id,
    name,
    type: DATASTORE_TYPE,
    systemData: systemData(req.caller, ctx.clock.now(), existing?.['systemData']),
    properties: {
      ...(properties['description'] !== undefined ? { description: properties['description'] } : {}),
      tags: properties['tags'] ?? {},
      properties: properties['properties'] ?? {},
      credentials: publicCredentials,
      datastoreType: 'AzureBlob',
      isDefault: previous['isDefault'] === true,
      accountName: properties['accountName'],
      containerName: properties['containerName'],
      endpoint: properties['endpoint'] ?? defaults['endpoint'],
      protocol: properties['protocol'] ?? defaults['protocol'],
      serviceDataAccessAuthIdentity:
        properties['serviceDataAccessAuthIdentity'] ?? defaults['serviceDataAccessAuthIdentity'],
    },
  };
  ctx.store.put(resource);
  const side = ctx.store.secrets(id);
  for (const key of Object.keys(side)) delete side[key];
  if (secrets) side['secrets'] = secrets;
  return ok(render(ctx, resource), existing ? 200 : 201);
}

const defaults: Record<string, string> = {
  endpoint: 'core.windows.net',
  protocol: 'https',
  serviceDataAccessAuthIdentity: 'None',
  datastoreType: 'AzureBlob',
};

/** The secrets a credentials body carries, checked for the value each type needs. */
function secretsOf(credentials: Json): Json | undefined {
  const type = credentials['credentialsType'];
  const secrets = isObject(credentials['secrets']) ? credentials['secrets'] : undefined;
  const needed: Record<string, string> = {
    AccountKey: 'key',
    Sas: 'sasToken',
    ServicePrincipal: 'clientSecret',
    Certificate: 'certificate',
  };
  const field = needed[String(type)];
  if (!field) return undefined;
  if (!secrets || secrets['secretsType'] !== type) {
    throw userError(
      `'properties.credentials.secrets.secretsType' must be '${String(type)}' for credentialsType '${String(type)}'.`,
      'properties.credentials.secrets.secretsType',
    );
  }
  if (typeof secrets[field] !== 'string' || secrets[field] === '') {
    throw userError(
      `'properties.credentials.secrets.${field}' is required for credentialsType '${String(type)}'.`,
      `properties.credentials.secrets.${field}`,
    );
  }
  return secrets;
}

async function listSecrets(
  req: ArmRequest,
  ctx: ProviderContext,
  workspace: ResourceJson,
  containers: WorkspaceContainers,
) {
  const datastore = requireDatastore(req, ctx);
  const side = ctx.store.secrets(datastore.id);
  if (side[WORKSPACE_STORAGE] === true) {
    const storage = storageOf(ctx);
    if (!storage) {
      throw new ArmError(
        503,
        'ServiceUnavailable',
        `The blob storage of workspace '${workspace.name}' (Azurite) is not running, so datastore '${datastore.name}' has no account key to give. Start local Azure with its storage.`,
      );
    }
    const container = stringAt(datastore, 'properties', 'containerName') ?? defaultContainerName(workspace);
    try {
      await containers.ensure(storage, container);
    } catch (error) {
      throw new ArmError(
        503,
        'ServiceUnavailable',
        `Could not create container '${container}' of datastore '${datastore.name}' in local blob storage: ${(error as Error).message}`,
      );
    }
    return { secretsType: 'AccountKey', key: storage.accountKey };
  }
  const secrets = side['secrets'];
  if (!isObject(secrets)) {
    throw userError(
      `Datastore '${datastore.name}' has no secrets to list: its credentialsType is '${stringAt(datastore, 'properties', 'credentials', 'credentialsType') ?? 'None'}'.`,
    );
  }
  return secrets;
}
