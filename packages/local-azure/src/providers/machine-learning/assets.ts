// Versioned assets: codes, environments, models, data and components. Each has containers
// (`/codes/{name}`) and versions (`/codes/{name}/versions/{version}`); creating a version creates
// its container, which tracks latestVersion and nextVersion. A version's content is immutable:
// only its description, tags, properties and archive flag change after creation.

import type { ArmRequest, ProviderContext, ResourceJson, Route } from '../../arm/contract.js';
import {
  checkAssetName,
  childType,
  conflict,
  createdAt,
  intQuery,
  type Json,
  listPage,
  matchesListView,
  matchesTags,
  objectAt,
  ok,
  orderBy,
  requireChild,
  requireParentWorkspace,
  sameJson,
  systemData,
  userError,
  workspaceRoute,
} from './common.js';
import type { ObjectSchema } from './schema.js';
import { validate } from './schema.js';
import {
  codeContainerResource,
  codeVersionResource,
  componentContainerResource,
  componentVersionResource,
  dataContainerResource,
  dataVersionResource,
  environmentContainerResource,
  environmentVersionResource,
  modelContainerResource,
  modelVersionResource,
} from './schemas.js';

export type AssetSegment = 'codes' | 'environments' | 'models' | 'data' | 'components';

interface AssetKind {
  readonly segment: AssetSegment;
  /** As Azure ML names it in messages. */
  readonly label: string;
  readonly containerSchema: ObjectSchema;
  readonly versionSchema: ObjectSchema;
  /** Checks a version's properties beyond the schema and fills the defaults Azure fills. */
  readonly completeVersion: (properties: Json) => Json;
}

/** What may change on an existing version; everything else is its content. */
const MUTABLE_VERSION_FIELDS = new Set(['description', 'tags', 'properties', 'isArchived']);
const VERSION_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,254}$/;
export const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'];

const assetDefaults = (properties: Json): Json => ({
  tags: {},
  properties: {},
  isAnonymous: false,
  isArchived: false,
  ...properties,
});

export const ASSET_KINDS: readonly AssetKind[] = [
  {
    segment: 'codes',
    label: 'Code',
    containerSchema: codeContainerResource,
    versionSchema: codeVersionResource,
    completeVersion: (properties) => {
      requireText(properties, 'codeUri', "the URI of the code's folder in a datastore");
      return assetDefaults(properties);
    },
  },
  {
    segment: 'environments',
    label: 'Environment',
    containerSchema: environmentContainerResource,
    versionSchema: environmentVersionResource,
    completeVersion: (properties) => {
      const image = properties['image'];
      const build = objectAt(properties, 'build');
      const hasBuild = properties['build'] !== undefined;
      if (image === undefined && !hasBuild) {
        throw userError(
          "An environment version needs a Docker image ('properties.image') or a Docker build context ('properties.build').",
          'properties.image',
        );
      }
      if (image !== undefined && hasBuild) {
        throw userError(
          "An environment version takes either a Docker image ('properties.image') or a Docker build context ('properties.build'), not both.",
          'properties.build',
        );
      }
      if (typeof image === 'string' && image.trim() === '')
        throw userError("'properties.image' must not be empty.", 'properties.image');
      if (hasBuild && properties['condaFile'] !== undefined) {
        throw userError(
          "'properties.condaFile' cannot be used with a Docker build context; install the packages in the Dockerfile instead.",
          'properties.condaFile',
        );
      }
      return assetDefaults({
        environmentType: 'UserCreated',
        osType: 'Linux',
        autoRebuild: 'Disabled',
        ...properties,
        ...(hasBuild ? { build: { dockerfilePath: 'Dockerfile', ...build } } : {}),
      });
    },
  },
  {
    segment: 'models',
    label: 'Model',
    containerSchema: modelContainerResource,
    versionSchema: modelVersionResource,
    completeVersion: (properties) => {
      requireText(properties, 'modelUri', "the URI of the model's files (azureml://…, https://… or a job output)");
      const given = properties['modelType'];
      const modelType = given === undefined ? 'custom_model' : canonicalModelType(given);
      if (!modelType) {
        throw userError(
          `'properties.modelType' must be one of ${MODEL_TYPES.join(', ')}; got '${String(given)}'.`,
          'properties.modelType',
        );
      }
      return assetDefaults({ ...properties, modelType });
    },
  },
  {
    segment: 'data',
    label: 'Data',
    containerSchema: dataContainerResource,
    versionSchema: dataVersionResource,
    completeVersion: (properties) => assetDefaults(properties),
  },
  {
    segment: 'components',
    label: 'Component',
    containerSchema: componentContainerResource,
    versionSchema: componentVersionResource,
    completeVersion: (properties) => {
      const spec = properties['componentSpec'];
      if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
        throw userError(
          "'properties.componentSpec' is required: the component's specification as an object.",
          'properties.componentSpec',
        );
      }
      return assetDefaults(properties);
    },
  },
];

function canonicalModelType(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const aliases: Record<string, string> = {
    custommodel: 'custom_model',
    mlflowmodel: 'mlflow_model',
    tritonmodel: 'triton_model',
  };
  const key = value.toLowerCase();
  return MODEL_TYPES.find((t) => t === key) ?? aliases[key];
}

function requireText(properties: Json, field: string, what: string): void {
  const value = properties[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw userError(`'properties.${field}' is required: ${what}.`, `properties.${field}`);
  }
}

// ---- ids ------------------------------------------------------------------------------------

function containerId(workspace: ResourceJson, kind: AssetKind, name: string): string {
  return `${workspace.id}/${kind.segment}/${name}`;
}

export function versionId(workspace: ResourceJson, segment: AssetSegment, name: string, version: string): string {
  return `${workspace.id}/${segment}/${name}/versions/${version}`;
}

// ---- routes ---------------------------------------------------------------------------------

export function assetRoutes(): Route[] {
  return ASSET_KINDS.flatMap((kind) => {
    const base = `/${kind.segment}`;
    const action = (verb: string) => `workspaces/${kind.segment}/${verb}`;
    const versionAction = (verb: string) => `workspaces/${kind.segment}/versions/${verb}`;
    return [
      workspaceRoute('GET', base, action('read'), (req, ctx) => listContainers(req, ctx, kind)),
      workspaceRoute('GET', `${base}/{name}`, action('read'), (req, ctx) => ok(requireContainer(req, ctx, kind))),
      workspaceRoute('PUT', `${base}/{name}`, action('write'), (req, ctx) => putContainer(req, ctx, kind)),
      workspaceRoute('DELETE', `${base}/{name}`, action('delete'), (req, ctx) => {
        const workspace = requireParentWorkspace(req, ctx, kind.segment);
        return { status: ctx.store.delete(containerId(workspace, kind, req.params['name'] ?? '')) ? 200 : 204 };
      }),
      workspaceRoute('GET', `${base}/{name}/versions`, versionAction('read'), (req, ctx) =>
        listVersions(req, ctx, kind),
      ),
      workspaceRoute('GET', `${base}/{name}/versions/{version}`, versionAction('read'), (req, ctx) =>
        ok(requireVersion(req, ctx, kind)),
      ),
      workspaceRoute('PUT', `${base}/{name}/versions/{version}`, versionAction('write'), (req, ctx) =>
        putVersion(req, ctx, kind),
      ),
      workspaceRoute('DELETE', `${base}/{name}/versions/{version}`, versionAction('delete'), (req, ctx) => {
        const workspace = requireParentWorkspace(req, ctx, kind.segment);
        const { name = '', version = '' } = req.params;
        const deleted = ctx.store.delete(versionId(workspace, kind.segment, name, version));
        if (deleted) refreshContainer(ctx, workspace, kind, name);
        return { status: deleted ? 200 : 204 };
      }),
    ];
  });
}

function requireContainer(req: ArmRequest, ctx: ProviderContext, kind: AssetKind): ResourceJson {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const { workspaceName = '', name = '' } = req.params;
  return requireChild(
    ctx,
    req,
    containerId(workspace, kind, name),
    `workspaces/${kind.segment}`,
    `${workspaceName}/${name}`,
  );
}

function requireVersion(req: ArmRequest, ctx: ProviderContext, kind: AssetKind): ResourceJson {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const { workspaceName = '', name = '', version = '' } = req.params;
  return requireChild(
    ctx,
    req,
    versionId(workspace, kind.segment, name, version),
    `workspaces/${kind.segment}/versions`,
    `${workspaceName}/${name}/${version}`,
  );
}

function listContainers(req: ArmRequest, ctx: ProviderContext, kind: AssetKind) {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const items = ctx.store
    .children(workspace.id, childType(kind.segment))
    .filter((c) => matchesListView(c, req))
    .sort((a, b) => a.name.localeCompare(b.name));
  const pageSize = intQuery(req, 'count');
  return listPage(req, items, pageSize ? { pageSize } : {});
}

function listVersions(req: ArmRequest, ctx: ProviderContext, kind: AssetKind) {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const name = req.params['name'] ?? '';
  const version = req.query.get('version');
  const description = req.query.get('description');
  const items = ctx.store
    .children(containerId(workspace, kind, name), childType(kind.segment, 'versions'))
    .filter((v) => matchesListView(v, req))
    .filter((v) => matchesTags(v, req.query.get('tags') ?? req.query.get('$tags'), 'properties', 'tags'))
    .filter((v) => version === null || v.name === version)
    .filter((v) => description === null || objectAt(v, 'properties')['description'] === description);
  const top = intQuery(req, '$top');
  const offset = intQuery(req, 'offset') ?? 0;
  const ordered = orderBy(items, req.query.get('$orderBy')).slice(offset);
  return listPage(req, ordered, top !== undefined ? { top } : {});
}

function putContainer(req: ArmRequest, ctx: ProviderContext, kind: AssetKind) {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const name = req.params['name'] ?? '';
  checkAssetName(name, kind.label);
  const body = validate<Json>(kind.containerSchema, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(body, 'properties');
  const id = containerId(workspace, kind, name);
  const existing = ctx.store.get(id);
  const before = objectAt(existing, 'properties');
  if (existing && kind.segment === 'data' && before['dataType'] !== properties['dataType']) {
    throw userError(
      `'properties.dataType' of data '${name}' is '${String(before['dataType'])}' and cannot be changed.`,
      'properties.dataType',
    );
  }
  const resource: ResourceJson = {
    id,
    name,
    type: childType(kind.segment),
    systemData: systemData(req.caller, ctx.clock.now(), existing?.['systemData']),
    properties: {
      tags: {},
      properties: {},
      isArchived: false,
      ...properties,
      ...versionPointers(before),
    },
  };
  ctx.store.put(resource);
  return ok(ctx.store.get(id), existing ? 200 : 201);
}

function putVersion(req: ArmRequest, ctx: ProviderContext, kind: AssetKind) {
  const workspace = requireParentWorkspace(req, ctx, kind.segment);
  const { name = '', version = '' } = req.params;
  checkAssetName(name, kind.label);
  if (!VERSION_NAME.test(version)) {
    throw userError(
      `${kind.label} version '${version}' is invalid: it must start with a letter or digit and contain only letters, digits, '.', '-' and '_'.`,
      'version',
    );
  }
  const body = validate<Json>(kind.versionSchema, req.body ?? null, { code: 'UserError' });
  const properties = kind.completeVersion(objectAt(body, 'properties'));
  const id = versionId(workspace, kind.segment, name, version);
  const existing = ctx.store.get(id);
  const container = ctx.store.get(containerId(workspace, kind, name));
  if (kind.segment === 'data' && container) {
    const containerType = objectAt(container, 'properties')['dataType'];
    if (containerType !== undefined && containerType !== properties['dataType']) {
      throw userError(
        `Data '${name}' holds versions of type '${String(containerType)}'; version '${version}' has dataType '${String(properties['dataType'])}'.`,
        'properties.dataType',
      );
    }
  }
  if (existing) {
    const changed = contentChanges(objectAt(existing, 'properties'), properties);
    if (changed.length > 0) {
      throw conflict(
        `${kind.label} '${name}' version '${version}' already exists with different content (${changed.join(', ')}). A version cannot be changed once created, except its description, tags, properties and isArchived; create a new version instead.`,
        `properties.${changed[0]}`,
      );
    }
  }
  ctx.store.put({
    id,
    name: version,
    type: childType(kind.segment, 'versions'),
    systemData: systemData(req.caller, ctx.clock.now(), existing?.['systemData']),
    properties,
  });
  if (!container) {
    ctx.store.put({
      id: containerId(workspace, kind, name),
      name,
      type: childType(kind.segment),
      systemData: systemData(req.caller, ctx.clock.now()),
      properties: {
        tags: {},
        properties: {},
        isArchived: false,
        ...(kind.segment === 'data' ? { dataType: properties['dataType'] } : {}),
      },
    });
  }
  refreshContainer(ctx, workspace, kind, name);
  return ok(ctx.store.get(id), existing ? 200 : 201);
}

/** The content fields that differ between a stored version and a new body. */
function contentChanges(before: Json, after: Json): string[] {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...fields].filter((field) => !MUTABLE_VERSION_FIELDS.has(field) && !sameJson(before[field], after[field]));
}

function versionPointers(properties: Json): Json {
  const pointers: Json = {};
  if (typeof properties['latestVersion'] === 'string') pointers['latestVersion'] = properties['latestVersion'];
  if (typeof properties['nextVersion'] === 'string') pointers['nextVersion'] = properties['nextVersion'];
  return pointers;
}

/** Sets latestVersion (the newest version) and nextVersion (one past the highest number). */
function refreshContainer(ctx: ProviderContext, workspace: ResourceJson, kind: AssetKind, name: string): void {
  const container = ctx.store.get(containerId(workspace, kind, name));
  if (!container) return;
  const versions = ctx.store.children(container.id, childType(kind.segment, 'versions'));
  const numbers = versions
    .map((v) => v.name)
    .filter((v) => /^\d+$/.test(v))
    .map(Number);
  const latest = versions.sort((a, b) => createdAt(a) - createdAt(b) || compareVersions(a.name, b.name)).at(-1);
  const { latestVersion: _latest, nextVersion: _next, ...rest } = objectAt(container, 'properties');
  ctx.store.put({
    ...container,
    properties: {
      ...rest,
      ...(latest ? { latestVersion: latest.name } : {}),
      nextVersion: String(numbers.length > 0 ? Math.max(...numbers) + 1 : 1),
    },
  });
}

function compareVersions(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Number(a) - Number(b);
  return a.localeCompare(b);
}
