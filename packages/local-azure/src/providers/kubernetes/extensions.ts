// Microsoft.KubernetesConfiguration/extensions (api-version 2023-05-01, what
// @azure/arm-kubernetesconfiguration 6.1.0 sends) on Arc connected clusters and AKS managed
// clusters, with the extension's own operation status (OperationStatus_Get).
//
// What the RP itself rejects synchronously (400/404/409): a missing parent cluster, an Arc
// cluster that is not Connected, an unknown extension type, release train or version, a pinned
// version with auto-upgrade on, a namespace scope for a cluster-scoped type, a second instance
// of a cluster-scoped type, a change of extensionType, an operation already in progress.
// What the extension's install finds (the AzureML rules, agents gone while installing) ends the
// long-running operation Failed with errorInfo and statuses, as the real install does.
// Protected settings live only in ctx.store.secrets(id); every response carries
// `configurationProtectedSettings: {}` (as Azure answers: keys and values both withheld).

import { randomUUID } from 'node:crypto';
import type {
  ArmRequest,
  OperationOutcome,
  ProviderContext,
  ResourceJson,
  ResourceProvider,
  ResourceStore,
  Route,
} from '../../arm/contract.js';
import { ArmError } from '../../arm/contract.js';
import {
  bodyObject,
  CONNECTED_CLUSTER_TYPE,
  clusterResourceId,
  EXTENSION_TYPE,
  invalidContent,
  invalidParameter,
  isObject,
  isoTime,
  type JsonObject,
  MANAGED_CLUSTER_TYPE,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalStringMap,
  parentNotFound,
  requireResourceGroup,
  sameName,
  systemData,
} from './arm.js';
import { AZUREML_EXTENSION_TYPE, checkAzureMlSettings, type Finding } from './azureml-extension.js';
import { clusterRuntimeFor } from './cluster-runtime.js';
import { connectivityOf, readConnectedCluster } from './connected-clusters.js';

export const EXTENSION_API_VERSIONS = ['2023-05-01'] as const;

const ACTION = 'Microsoft.KubernetesConfiguration/extensions';

interface ExtensionTypeInfo {
  readonly name: string;
  /** Namespace of the release when the request names none. */
  readonly releaseNamespace: string;
  readonly clusterScopeOnly: boolean;
  /** Versions per release train (lowercase train name), oldest first. */
  readonly trains: Readonly<Record<string, readonly string[]>>;
}

/** The extension types local Azure can install. */
const EXTENSION_TYPES: readonly ExtensionTypeInfo[] = [
  {
    name: AZUREML_EXTENSION_TYPE,
    releaseNamespace: 'azureml',
    clusterScopeOnly: true,
    trains: { stable: ['1.1.51', '1.1.52', '1.1.53'], preview: ['1.1.51', '1.1.52', '1.1.53', '1.1.54'] },
  },
  {
    name: 'microsoft.flux',
    releaseNamespace: 'flux-system',
    clusterScopeOnly: true,
    trains: { stable: ['1.13.3', '1.14.1'], preview: ['1.13.3', '1.14.1', '1.15.0'] },
  },
  {
    name: 'microsoft.azuremonitor.containers',
    releaseNamespace: 'azuremonitor-containers',
    clusterScopeOnly: true,
    trains: { stable: ['3.1.24', '3.1.25'], preview: ['3.1.24', '3.1.25', '3.1.26'] },
  },
  {
    name: 'microsoft.dapr',
    releaseNamespace: 'dapr-system',
    clusterScopeOnly: true,
    trains: { stable: ['1.14.4', '1.15.5'], preview: ['1.14.4', '1.15.5', '1.16.0'] },
  },
];

function extensionTypeInfo(type: string): ExtensionTypeInfo | undefined {
  return EXTENSION_TYPES.find((info) => sameName(info.name, type));
}

function isAzureMl(type: unknown): boolean {
  return typeof type === 'string' && sameName(type, AZUREML_EXTENSION_TYPE);
}

/** The AzureML extension installed on a cluster resource (any provisioning state), if any. */
export function findAzureMlExtension(ctx: ProviderContext, clusterId: string): ResourceJson | undefined {
  return ctx.store
    .children(clusterId, EXTENSION_TYPE)
    .find((extension) => isAzureMl(properties(extension)['extensionType']));
}

// ---- operation records (OperationStatus_Get) ----

interface OperationRecord {
  id: string;
  readonly extensionId: string;
  status: 'InProgress' | OperationOutcome['status'];
  error?: { readonly code: string; readonly message: string };
}

const operationsByStore = new WeakMap<ResourceStore, Map<string, OperationRecord>>();

function operationRecords(ctx: ProviderContext): Map<string, OperationRecord> {
  let records = operationsByStore.get(ctx.store);
  if (!records) {
    records = new Map();
    operationsByStore.set(ctx.store, records);
  }
  return records;
}

/** Starts an operation whose outcome is also recorded for the extension's own status path. */
function startOperation(
  ctx: ProviderContext,
  extensionId: string,
  work: () => OperationOutcome,
  options: { location?: boolean } = {},
): { readonly id: string; readonly headers: Record<string, string> } {
  const record: OperationRecord = { id: '', extensionId, status: 'InProgress' };
  const operation = ctx.operations.start(extensionId, 'extension', () => {
    const outcome = work();
    record.status = outcome.status;
    if (outcome.status !== 'Succeeded') record.error = { code: outcome.error.code, message: outcome.error.message };
    return outcome;
  });
  record.id = operation.id;
  operationRecords(ctx).set(operation.id.toLowerCase(), record);
  return { id: operation.id, headers: operation.headers(options) };
}

// ---- the cluster an extension lives on ----

interface ClusterRef {
  readonly kind: 'arc' | 'aks';
  readonly type: string;
  readonly name: string;
  readonly resourceGroup: string;
  readonly id: string;
}

function clusterRef(req: ArmRequest, kind: 'arc' | 'aks'): ClusterRef {
  const type = kind === 'arc' ? CONNECTED_CLUSTER_TYPE : MANAGED_CLUSTER_TYPE;
  const resourceGroup = req.params['resourceGroupName']!;
  const name = req.params['clusterName']!;
  return {
    kind,
    type,
    name,
    resourceGroup,
    id: clusterResourceId(req.params['subscriptionId']!, resourceGroup, type, name),
  };
}

function requireParent(ctx: ProviderContext, req: ArmRequest, cluster: ClusterRef): void {
  requireResourceGroup(ctx, req.params['subscriptionId']!, cluster.resourceGroup);
  if (!ctx.store.get(cluster.id)) throw parentNotFound(cluster.name);
}

/** Arc extensions are installed by the cluster's agents: refuse while Azure cannot reach them. */
function requireConnected(ctx: ProviderContext, cluster: ClusterRef, verb: string, hint = ''): void {
  if (cluster.kind !== 'arc') return;
  const connectivity = connectivityOf(ctx, cluster.id);
  if (connectivity.status === 'Connected') return;
  const since =
    connectivity.lastConnectivityTime !== undefined
      ? ` (last heartbeat ${isoTime(connectivity.lastConnectivityTime)})`
      : ' (its agents have never reported)';
  throw new ArmError(
    400,
    'ConnectedClusterNotConnected',
    `Cannot ${verb} the extension: the connected cluster '${cluster.name}' is ${connectivity.status}${since}. Extensions are installed by the cluster's Arc agents, so the cluster must be Connected; check the agents (kubectl get pods -n azure-arc) and try again.${hint}`,
  );
}

function extensionId(cluster: ClusterRef, name: string): string {
  return `${cluster.id}/providers/${EXTENSION_TYPE}/${name}`;
}

function notFound(name: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${EXTENSION_TYPE}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

const EXTENSION_NAME = /^[a-zA-Z0-9]([-a-zA-Z0-9._]{0,251}[a-zA-Z0-9])?$/;
const IN_PROGRESS = ['Creating', 'Updating', 'Deleting'];

function properties(resource: ResourceJson): JsonObject {
  return (resource['properties'] ?? {}) as JsonObject;
}

function requireIdle(resource: ResourceJson): void {
  const state = properties(resource)['provisioningState'];
  if (typeof state === 'string' && IN_PROGRESS.includes(state)) {
    throw new ArmError(
      409,
      'Conflict',
      `The extension '${resource.name}' is ${state.toLowerCase()}; wait for that operation to finish before starting another.`,
    );
  }
}

// ---- versions ----

interface VersionChoice {
  readonly autoUpgradeMinorVersion: boolean;
  readonly releaseTrain: string;
  readonly version?: string;
}

/** Checks train and version as the RP does and returns the version to install. */
function resolveVersion(info: ExtensionTypeInfo, choice: VersionChoice): string {
  const train = info.trains[choice.releaseTrain.toLowerCase()];
  if (!train) {
    throw invalidParameter(
      `The release train '${choice.releaseTrain}' is not available for extension type '${info.name}' (available: ${Object.keys(info.trains).join(', ')}).`,
      'properties.releaseTrain',
    );
  }
  if (choice.version === undefined) return train.at(-1)!;
  if (choice.autoUpgradeMinorVersion) {
    throw invalidParameter(
      "A version can be pinned only with autoUpgradeMinorVersion false: set 'autoUpgradeMinorVersion': false, or leave out 'version' to follow the release train.",
      'properties.version',
    );
  }
  if (!train.includes(choice.version)) {
    throw invalidParameter(
      `Version '${choice.version}' of extension type '${info.name}' is not available in release train '${choice.releaseTrain}' (available: ${train.join(', ')}).`,
      'properties.version',
    );
  }
  return choice.version;
}

// ---- the work an install does ----

function status(finding: Finding, level: 'Error' | 'Warning', time: string): JsonObject {
  return {
    code: finding.code,
    displayStatus: level === 'Error' ? 'Failed' : 'Warning',
    level,
    message: finding.message,
    time,
  };
}

function failureMessage(operation: 'Create' | 'Update', findings: readonly Finding[]): string {
  const reasons = findings.map((finding) => finding.message).join(' ');
  return `The extension operation failed with the following error: Error: [ InnerError: [Helm installation failed : failed pre-install: pod healthcheck failed: ${reasons}]] occurred while doing the operation : [${operation}] on the config, For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG, For more application specific troubleshooting visit: Troubleshooting: https://aka.ms/arcmltsg.`;
}

function install(
  ctx: ProviderContext,
  cluster: ClusterRef,
  id: string,
  operation: 'Create' | 'Update',
): OperationOutcome {
  const current = ctx.store.get(id);
  if (!current) {
    return { status: 'Canceled', error: { code: 'ResourceNotFound', message: `The extension '${id}' was deleted.` } };
  }
  const props = properties(current);
  const now = ctx.clock.now();
  const time = isoTime(now);
  const settings = (props['configurationSettings'] ?? {}) as Record<string, string>;
  const protectedSettings = (ctx.store.secrets(id)['configurationProtectedSettings'] ?? {}) as Record<string, string>;
  const errors: Finding[] = [];
  const warnings: Finding[] = [];
  if (cluster.kind === 'arc' && connectivityOf(ctx, cluster.id).status !== 'Connected') {
    errors.push({
      code: 'ClusterNotConnected',
      message: `The Arc agents of '${cluster.name}' stopped reporting during the install; the extension could not be applied.`,
    });
  }
  const runtime = clusterRuntimeFor(ctx, cluster.id);
  if (errors.length === 0 && isAzureMl(props['extensionType'])) {
    const parent = cluster.kind === 'arc' ? readConnectedCluster(ctx, cluster.id) : ctx.store.get(cluster.id);
    const distribution = (parent?.['properties'] as JsonObject | undefined)?.['distribution'];
    const check = checkAzureMlSettings(
      settings,
      protectedSettings,
      {
        kind: cluster.kind,
        nodes: runtime?.nodes ?? [],
        ...(typeof distribution === 'string' ? { distribution } : {}),
      },
      now,
    );
    errors.push(...check.errors);
    warnings.push(...check.warnings);
  }
  const statuses = [...errors.map((f) => status(f, 'Error', time)), ...warnings.map((f) => status(f, 'Warning', time))];
  const { errorInfo: _previousError, ...rest } = props;
  if (errors.length > 0) {
    const error = { code: 'ExtensionOperationFailed', message: failureMessage(operation, errors) };
    ctx.store.put({ ...current, properties: { ...rest, provisioningState: 'Failed', statuses, errorInfo: error } });
    return { status: 'Failed', error };
  }
  const info = extensionTypeInfo(String(props['extensionType']));
  const version =
    typeof props['version'] === 'string'
      ? props['version']
      : (info?.trains[String(props['releaseTrain']).toLowerCase()]?.at(-1) ?? String(props['currentVersion'] ?? ''));
  const scope = props['scope'] as JsonObject | undefined;
  const namespace =
    ((scope?.['cluster'] as JsonObject | undefined)?.['releaseNamespace'] as string | undefined) ??
    ((scope?.['namespace'] as JsonObject | undefined)?.['targetNamespace'] as string | undefined);
  if (namespace) runtime?.addNamespaces([namespace]);
  ctx.store.put({
    ...current,
    properties: { ...rest, provisioningState: 'Succeeded', currentVersion: version, statuses },
  });
  return { status: 'Succeeded' };
}

// ---- handlers ----

interface ParsedExtension {
  readonly extensionType: string;
  readonly info: ExtensionTypeInfo;
  readonly autoUpgradeMinorVersion: boolean;
  readonly releaseTrain: string;
  readonly version?: string;
  readonly scope: JsonObject;
  readonly configurationSettings: Record<string, string>;
  readonly configurationProtectedSettings: Record<string, string>;
  readonly identity?: JsonObject;
  readonly plan?: JsonObject;
}

function parseScope(value: unknown, info: ExtensionTypeInfo, extensionName: string): JsonObject {
  const scope = optionalObject(value, 'properties.scope');
  const cluster = optionalObject(scope?.['cluster'], 'properties.scope.cluster');
  const namespace = optionalObject(scope?.['namespace'], 'properties.scope.namespace');
  if (cluster && namespace) {
    throw invalidParameter('Scope must be either cluster or namespace, not both.', 'properties.scope');
  }
  if (namespace) {
    if (info.clusterScopeOnly) {
      throw invalidParameter(
        `Extension type '${info.name}' can be installed only at cluster scope; use scope.cluster.`,
        'properties.scope.namespace',
      );
    }
    const target = optionalString(namespace['targetNamespace'], 'properties.scope.namespace.targetNamespace');
    return { namespace: { targetNamespace: target ?? extensionName } };
  }
  const release = optionalString(cluster?.['releaseNamespace'], 'properties.scope.cluster.releaseNamespace');
  return { cluster: { releaseNamespace: release ?? info.releaseNamespace } };
}

function parseIdentity(value: unknown): JsonObject | undefined {
  const identity = optionalObject(value, 'identity');
  if (!identity) return undefined;
  const type = optionalString(identity['type'], 'identity.type');
  if (type !== undefined && !sameName(type, 'SystemAssigned')) {
    throw invalidParameter(
      `The identity type '${type}' is not supported for extensions; use 'SystemAssigned'.`,
      'identity.type',
    );
  }
  return type === undefined ? undefined : { type: 'SystemAssigned' };
}

function parseCreate(req: ArmRequest, previous: ResourceJson | undefined, extensionName: string): ParsedExtension {
  const body = bodyObject(req);
  const props = optionalObject(body['properties'], 'properties') ?? {};
  const extensionType = optionalString(props['extensionType'], 'properties.extensionType');
  if (!extensionType) {
    throw invalidContent(
      "'properties.extensionType' is required, e.g. 'Microsoft.AzureML.Kubernetes'.",
      'properties.extensionType',
    );
  }
  const info = extensionTypeInfo(extensionType);
  if (!info) {
    throw new ArmError(
      400,
      'ExtensionTypeRegistrationGetFailed',
      `Extension type '${extensionType}' is not registered with Microsoft.KubernetesConfiguration (available here: ${EXTENSION_TYPES.map((t) => t.name).join(', ')}).`,
      { target: 'properties.extensionType' },
    );
  }
  if (previous && !sameName(String(properties(previous)['extensionType']), extensionType)) {
    throw invalidParameter(
      `The extension '${previous.name}' is of type '${String(properties(previous)['extensionType'])}'; its type cannot change to '${extensionType}'. Delete it first.`,
      'properties.extensionType',
    );
  }
  const version = optionalString(props['version'], 'properties.version');
  const explicitAutoUpgrade = optionalBoolean(props['autoUpgradeMinorVersion'], 'properties.autoUpgradeMinorVersion');
  const identity = parseIdentity(body['identity']);
  const plan = optionalObject(body['plan'], 'plan');
  return {
    extensionType,
    info,
    autoUpgradeMinorVersion: explicitAutoUpgrade ?? version === undefined,
    releaseTrain: optionalString(props['releaseTrain'], 'properties.releaseTrain') ?? 'Stable',
    ...(version !== undefined ? { version } : {}),
    scope: parseScope(props['scope'], info, extensionName),
    configurationSettings: optionalStringMap(props['configurationSettings'], 'properties.configurationSettings') ?? {},
    configurationProtectedSettings:
      optionalStringMap(props['configurationProtectedSettings'], 'properties.configurationProtectedSettings') ?? {},
    ...(identity ? { identity } : {}),
    ...(plan ? { plan } : {}),
  };
}

function putExtension(kind: 'arc' | 'aks') {
  return (req: ArmRequest, ctx: ProviderContext) => {
    const cluster = clusterRef(req, kind);
    requireParent(ctx, req, cluster);
    const name = req.params['extensionName']!;
    if (!EXTENSION_NAME.test(name)) {
      throw new ArmError(
        400,
        'InvalidExtensionName',
        `The extension name '${name}' is invalid: use letters, digits, '-', '.' or '_', starting and ending with a letter or digit.`,
      );
    }
    const id = extensionId(cluster, name);
    const previous = ctx.store.get(id);
    const parsed = parseCreate(req, previous, name);
    resolveVersion(parsed.info, parsed);
    if (previous) requireIdle(previous);
    requireConnected(ctx, cluster, previous ? 'update' : 'install');
    const twin = ctx.store
      .children(cluster.id, EXTENSION_TYPE)
      .find(
        (other) =>
          !sameName(other.name, name) && sameName(String(properties(other)['extensionType']), parsed.extensionType),
      );
    if (twin && parsed.info.clusterScopeOnly) {
      throw new ArmError(
        409,
        'ExtensionTypeAlreadyInstalled',
        `An extension of type '${parsed.info.name}' is already installed on '${cluster.name}' as '${twin.name}'; a cluster-scoped extension type can be installed once per cluster. Update '${twin.name}' instead.`,
      );
    }
    const now = ctx.clock.now();
    const previousProps = previous ? properties(previous) : {};
    const previousIdentity = isObject(previous?.['identity']) ? previous['identity'] : undefined;
    const resource: ResourceJson = {
      id: previous?.id ?? id,
      name: previous?.name ?? name,
      type: EXTENSION_TYPE,
      ...(parsed.identity
        ? {
            identity: {
              type: 'SystemAssigned',
              principalId: (previousIdentity?.['principalId'] as string | undefined) ?? randomUUID(),
              tenantId: ctx.config.tenantId,
            },
          }
        : {}),
      ...(parsed.plan ? { plan: parsed.plan } : {}),
      properties: {
        extensionType: parsed.extensionType,
        autoUpgradeMinorVersion: parsed.autoUpgradeMinorVersion,
        releaseTrain: parsed.releaseTrain,
        ...(parsed.version !== undefined ? { version: parsed.version } : {}),
        scope: parsed.scope,
        configurationSettings: parsed.configurationSettings,
        configurationProtectedSettings: {},
        ...(typeof previousProps['currentVersion'] === 'string'
          ? { currentVersion: previousProps['currentVersion'] }
          : {}),
        provisioningState: previous ? 'Updating' : 'Creating',
        statuses: [],
        isSystemExtension: false,
      },
      systemData: systemData(req.caller, now, previous?.['systemData']),
    };
    ctx.store.put(resource);
    ctx.store.secrets(id)['configurationProtectedSettings'] = { ...parsed.configurationProtectedSettings };
    const operation = startOperation(ctx, id, () => install(ctx, cluster, id, previous ? 'Update' : 'Create'));
    return {
      status: previous ? 200 : 201,
      body: ctx.store.get(id),
      headers: { ...operation.headers, 'x-ms-async-operation-timeout': 'PT48H' },
    };
  };
}

function patchExtension(kind: 'arc' | 'aks') {
  return (req: ArmRequest, ctx: ProviderContext) => {
    const cluster = clusterRef(req, kind);
    requireParent(ctx, req, cluster);
    const name = req.params['extensionName']!;
    const id = extensionId(cluster, name);
    const current = ctx.store.get(id);
    if (!current) throw notFound(name, cluster.resourceGroup);
    const body = bodyObject(req);
    const patch = optionalObject(body['properties'], 'properties') ?? {};
    const props = properties(current);
    const info = extensionTypeInfo(String(props['extensionType']))!;

    const settings = mergeSettings(
      (props['configurationSettings'] ?? {}) as Record<string, string>,
      patch['configurationSettings'],
    );
    const secrets = ctx.store.secrets(id);
    const oldProtected = (secrets['configurationProtectedSettings'] ?? {}) as Record<string, string>;
    const newProtected =
      patch['configurationProtectedSettings'] === undefined || patch['configurationProtectedSettings'] === null
        ? oldProtected
        : optionalStringMap(patch['configurationProtectedSettings'], 'properties.configurationProtectedSettings')!;
    const patchedVersion =
      'version' in patch
        ? optionalString(patch['version'], 'properties.version')
        : (props['version'] as string | undefined);
    const autoUpgrade =
      optionalBoolean(patch['autoUpgradeMinorVersion'], 'properties.autoUpgradeMinorVersion') ??
      (props['autoUpgradeMinorVersion'] as boolean);
    const releaseTrain =
      optionalString(patch['releaseTrain'], 'properties.releaseTrain') ?? String(props['releaseTrain']);
    const choice: VersionChoice = {
      autoUpgradeMinorVersion: autoUpgrade,
      releaseTrain,
      ...(patchedVersion !== undefined ? { version: patchedVersion } : {}),
    };
    resolveVersion(info, choice);

    const { version: _oldVersion, ...withoutVersion } = props;
    const nextProps: JsonObject = {
      ...withoutVersion,
      autoUpgradeMinorVersion: autoUpgrade,
      releaseTrain,
      ...(patchedVersion !== undefined ? { version: patchedVersion } : {}),
      configurationSettings: settings,
    };
    const unchanged =
      props['provisioningState'] === 'Succeeded' &&
      JSON.stringify(sortKeys(nextProps)) === JSON.stringify(sortKeys(props)) &&
      sameMap(oldProtected, newProtected);
    if (unchanged) return { status: 200, body: current };

    requireIdle(current);
    requireConnected(ctx, cluster, 'update');
    ctx.store.put({
      ...current,
      properties: { ...nextProps, provisioningState: 'Updating' },
      systemData: systemData(req.caller, ctx.clock.now(), current['systemData']),
    });
    secrets['configurationProtectedSettings'] = { ...newProtected };
    const operation = startOperation(ctx, id, () => install(ctx, cluster, id, 'Update'));
    return {
      status: 202,
      body: ctx.store.get(id),
      headers: { ...operation.headers, 'x-ms-async-operation-timeout': 'PT48H' },
    };
  };
}

/** configurationSettings in a PATCH are merged key by key; a key set to null is removed. */
function mergeSettings(current: Record<string, string>, patch: unknown): Record<string, string> {
  const changes = optionalObject(patch, 'properties.configurationSettings');
  if (!changes) return { ...current };
  const merged = { ...current };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
    else {
      throw invalidContent(
        `'properties.configurationSettings.${key}' must be a string; got ${JSON.stringify(value)}.`,
        `properties.configurationSettings.${key}`,
      );
    }
  }
  return merged;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function deleteExtension(kind: 'arc' | 'aks') {
  return (req: ArmRequest, ctx: ProviderContext) => {
    const cluster = clusterRef(req, kind);
    requireParent(ctx, req, cluster);
    const id = extensionId(cluster, req.params['extensionName']!);
    const current = ctx.store.get(id);
    if (!current) return { status: 204 };
    if (req.query.get('forceDelete')?.toLowerCase() === 'true') {
      ctx.store.delete(id);
      return { status: 200 };
    }
    requireIdle(current);
    requireConnected(
      ctx,
      cluster,
      'delete',
      ' To remove only the Azure resource, delete with forceDelete=true (the release stays in the cluster).',
    );
    ctx.store.put({ ...current, properties: { ...properties(current), provisioningState: 'Deleting' } });
    // DELETE answers with Location as well as Azure-AsyncOperation, as Azure does.
    const operation = startOperation(
      ctx,
      id,
      () => {
        ctx.store.delete(id);
        return { status: 'Succeeded' };
      },
      { location: true },
    );
    return { status: 202, headers: operation.headers };
  };
}

function getExtension(kind: 'arc' | 'aks') {
  return (req: ArmRequest, ctx: ProviderContext) => {
    const cluster = clusterRef(req, kind);
    requireParent(ctx, req, cluster);
    const name = req.params['extensionName']!;
    const found = ctx.store.get(extensionId(cluster, name));
    if (!found) throw notFound(name, cluster.resourceGroup);
    return { status: 200, body: found };
  };
}

function listExtensions(kind: 'arc' | 'aks') {
  return (req: ArmRequest, ctx: ProviderContext) => {
    const cluster = clusterRef(req, kind);
    requireParent(ctx, req, cluster);
    return { status: 200, body: { value: ctx.store.children(cluster.id, EXTENSION_TYPE) } };
  };
}

function getOperationStatus(kind: 'arc' | 'aks') {
  return (req: ArmRequest, ctx: ProviderContext) => {
    const cluster = clusterRef(req, kind);
    requireParent(ctx, req, cluster);
    const operationId = req.params['operationId']!;
    const id = extensionId(cluster, req.params['extensionName']!);
    const record = operationRecords(ctx).get(operationId.toLowerCase());
    if (!record || !sameName(record.extensionId, id)) {
      throw new ArmError(
        404,
        'OperationNotFound',
        `The operation '${operationId}' was not found for extension '${req.params['extensionName']!}'.`,
      );
    }
    // A fault that fails the operation skips its work (so the record never hears of it) and marks
    // the extension Failed: read the outcome from the extension then.
    const extension = ctx.store.get(id);
    const state = extension ? properties(extension)['provisioningState'] : undefined;
    if (record.status === 'InProgress' && state === 'Failed') {
      const errorInfo = properties(extension!)['errorInfo'] as { code: string; message: string } | undefined;
      record.status = 'Failed';
      record.error = errorInfo ?? { code: 'ExtensionOperationFailed', message: 'The extension operation failed.' };
    }
    return {
      status: 200,
      body: {
        id: `${id}/operations/${record.id}`,
        name: record.id,
        status: record.status,
        ...(record.error ? { error: record.error } : {}),
      },
    };
  };
}

function routesFor(kind: 'arc' | 'aks'): Route[] {
  const clusterPath =
    kind === 'arc'
      ? '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Kubernetes/connectedClusters/{clusterName}'
      : '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/{clusterName}';
  const list = `${clusterPath}/providers/Microsoft.KubernetesConfiguration/extensions`;
  const item = `${list}/{extensionName}`;
  const apiVersions = EXTENSION_API_VERSIONS;
  return [
    { method: 'PUT', path: item, apiVersions, action: `${ACTION}/write`, handle: putExtension(kind) },
    { method: 'PATCH', path: item, apiVersions, action: `${ACTION}/write`, handle: patchExtension(kind) },
    { method: 'DELETE', path: item, apiVersions, action: `${ACTION}/delete`, handle: deleteExtension(kind) },
    { method: 'GET', path: item, apiVersions, action: `${ACTION}/read`, handle: getExtension(kind) },
    { method: 'GET', path: list, apiVersions, action: `${ACTION}/read`, handle: listExtensions(kind) },
    {
      method: 'GET',
      path: `${item}/operations/{operationId}`,
      apiVersions,
      action: `${ACTION}/operations/read`,
      handle: getOperationStatus(kind),
    },
  ];
}

export function extensionsProvider(): ResourceProvider {
  return {
    namespace: 'Microsoft.KubernetesConfiguration',
    resourceTypes: [
      { resourceType: 'extensions', apiVersions: EXTENSION_API_VERSIONS },
      { resourceType: 'extensions/operations', apiVersions: EXTENSION_API_VERSIONS },
    ],
    routes: [...routesFor('arc'), ...routesFor('aks')],
  };
}
