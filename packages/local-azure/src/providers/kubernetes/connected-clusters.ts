// Microsoft.Kubernetes/connectedClusters (api-version 2021-10-01, what @azure/arm-hybridkubernetes
// 2.1.0 sends), the Arc onboarding admin hooks, and the tenant-level operations list.
//
// Onboarding (`az connectedk8s connect`) is two things: an ARM PUT that creates the resource with
// the agents' public key, and a helm install of the agents into the cluster. Here the PUT goes
// through ARM and the agents are started with the admin route `POST /clusters/{name}/agents`
// (issue 4's `az` shim does both). The resource then reads `Connecting` until the agents of the
// declared cluster with that name and resource group have run for `delayMs('connectivity')`.
// A PUT for a name that matches no declared Arc cluster is accepted, as Azure accepts it: no
// agent ever reports to that resource, so it stays `Connecting` (Azure does the same when the
// helm install never happens).

import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  ArmError,
  type ArmRequest,
  type ProviderContext,
  type ResourceJson,
  type ResourceProvider,
  type Route,
} from '../../arm/contract.js';
import {
  bodyObject,
  CONNECTED_CLUSTER_TYPE,
  clusterResourceId,
  invalidContent,
  invalidParameter,
  isObject,
  isoTime,
  type JsonObject,
  optionalBoolean,
  optionalObject,
  optionalString,
  optionalStringMap,
  requireResourceGroup,
  requireSubscription,
  resourceGroupId,
  resourceNotFound,
  sameName,
  systemData,
} from './arm.js';
import {
  type ClusterRuntime,
  type Connectivity,
  clusterRuntimeFor,
  clusterRuntimes,
  getClusterRuntime,
} from './cluster-runtime.js';

export const CONNECTED_CLUSTER_API_VERSIONS = ['2021-10-01'] as const;

const CLUSTER_PATH =
  '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Kubernetes/connectedClusters/{clusterName}';
const ACTION = 'Microsoft.Kubernetes/connectedClusters';

/** Azure's rule for connected cluster names. */
const CLUSTER_NAME = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

/** Properties the agents report; recomputed on every read. */
const REPORTED = [
  'connectivityStatus',
  'kubernetesVersion',
  'totalNodeCount',
  'totalCoreCount',
  'agentVersion',
  'lastConnectivityTime',
  'managedIdentityCertificateExpirationTime',
  'offering',
] as const;

/** The connectivity Azure shows for a connected cluster resource right now. */
export function connectivityOf(ctx: ProviderContext, clusterId: string): Connectivity {
  const runtime = clusterRuntimeFor(ctx, clusterId);
  if (!runtime?.onboarded) return { status: 'Connecting', reported: false };
  return runtime.connectivity(ctx.clock.now(), ctx.delayMs('connectivity'));
}

/** The resource as GET returns it: the stored resource with what the agents report now. Writes it back. */
export function readConnectedCluster(ctx: ProviderContext, clusterId: string): ResourceJson | undefined {
  const stored = ctx.store.get(clusterId);
  if (!stored) return undefined;
  const runtime = clusterRuntimeFor(ctx, clusterId);
  const view = connectivityOf(ctx, clusterId);
  const properties: JsonObject = { ...(stored['properties'] as JsonObject) };
  for (const key of REPORTED) delete properties[key];
  properties['connectivityStatus'] = view.status;
  if (view.reported && runtime) {
    properties['kubernetesVersion'] = runtime.config.kubernetesVersion;
    properties['totalNodeCount'] = runtime.nodes.length;
    properties['totalCoreCount'] = runtime.totalCoreCount;
    properties['agentVersion'] = runtime.agentVersion;
  }
  if (view.lastConnectivityTime !== undefined) properties['lastConnectivityTime'] = isoTime(view.lastConnectivityTime);
  if (view.certificateExpirationTime !== undefined) {
    properties['managedIdentityCertificateExpirationTime'] = isoTime(view.certificateExpirationTime);
  }
  return ctx.store.put({ ...stored, properties });
}

function clusterId(req: ArmRequest): string {
  return clusterResourceId(
    req.params['subscriptionId']!,
    req.params['resourceGroupName']!,
    CONNECTED_CLUSTER_TYPE,
    req.params['clusterName']!,
  );
}

function existing(ctx: ProviderContext, req: ArmRequest): ResourceJson {
  requireResourceGroup(ctx, req.params['subscriptionId']!, req.params['resourceGroupName']!);
  const found = readConnectedCluster(ctx, clusterId(req));
  if (!found)
    throw resourceNotFound(CONNECTED_CLUSTER_TYPE, req.params['clusterName']!, req.params['resourceGroupName']!);
  return found;
}

/** What ConnectedCluster_Create requires, checked as the Arc service checks it. */
interface OnboardingRequest {
  readonly location: string;
  readonly tags?: Record<string, string>;
  readonly agentPublicKeyCertificate: string;
  readonly distribution?: string;
  readonly infrastructure?: string;
}

function parseOnboarding(req: ArmRequest): OnboardingRequest {
  const body = bodyObject(req);
  const location = optionalString(body['location'], 'location');
  if (!location?.trim()) {
    throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.', {
      target: 'location',
    });
  }
  const identity = optionalObject(body['identity'], 'identity');
  if (!identity) {
    throw invalidContent(
      "The request content was invalid: 'identity' is required. Connected clusters need a system-assigned identity: set identity.type to 'SystemAssigned'.",
      'identity',
    );
  }
  const identityType = optionalString(identity['type'], 'identity.type');
  if (identityType === undefined || !sameName(identityType, 'SystemAssigned')) {
    throw invalidParameter(
      `The identity type '${identityType ?? ''}' is not supported for connected clusters; the only supported value is 'SystemAssigned'.`,
      'identity.type',
    );
  }
  const properties = optionalObject(body['properties'], 'properties');
  if (!properties) throw invalidContent("The request content was invalid: 'properties' is required.", 'properties');
  const certificate = optionalString(properties['agentPublicKeyCertificate'], 'properties.agentPublicKeyCertificate');
  if (!certificate) {
    throw invalidContent(
      "The request content was invalid: 'properties.agentPublicKeyCertificate' is required (the base64 DER PKCS#1 RSA public key of the Arc agents).",
      'properties.agentPublicKeyCertificate',
    );
  }
  checkAgentPublicKey(certificate);
  const tags = optionalStringMap(body['tags'], 'tags');
  const distribution = optionalString(properties['distribution'], 'properties.distribution');
  const infrastructure = optionalString(properties['infrastructure'], 'properties.infrastructure');
  return {
    location: location.trim(),
    agentPublicKeyCertificate: certificate,
    ...(tags ? { tags } : {}),
    ...(distribution !== undefined ? { distribution } : {}),
    ...(infrastructure !== undefined ? { infrastructure } : {}),
  };
}

/** The key must be base64 of a DER-encoded PKCS#1 RSAPublicKey, as `az connectedk8s connect` sends it. */
function checkAgentPublicKey(value: string): void {
  const target = 'properties.agentPublicKeyCertificate';
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw invalidParameter('agentPublicKeyCertificate is not valid base64.', target);
  }
  let modulusBits: number | undefined;
  try {
    const key = createPublicKey({ key: Buffer.from(compact, 'base64'), format: 'der', type: 'pkcs1' });
    if (key.asymmetricKeyType !== 'rsa') throw new Error('not an RSA key');
    modulusBits = key.asymmetricKeyDetails?.modulusLength;
  } catch {
    throw invalidParameter(
      'agentPublicKeyCertificate is not a DER-encoded PKCS#1 RSA public key (base64). Export the agent key with the RSAPublicKey (PKCS#1) structure, not SubjectPublicKeyInfo or PEM.',
      target,
    );
  }
  if (modulusBits !== undefined && modulusBits < 2048) {
    throw invalidParameter(
      `agentPublicKeyCertificate is a ${modulusBits}-bit RSA key; at least 2048 bits are required.`,
      target,
    );
  }
}

function putConnectedCluster(req: ArmRequest, ctx: ProviderContext) {
  const subscriptionId = req.params['subscriptionId']!;
  const resourceGroup = req.params['resourceGroupName']!;
  const name = req.params['clusterName']!;
  requireResourceGroup(ctx, subscriptionId, resourceGroup);
  if (!CLUSTER_NAME.test(name)) {
    throw new ArmError(
      400,
      'InvalidResourceName',
      `The connected cluster name '${name}' is invalid: use 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.`,
    );
  }
  const onboarding = parseOnboarding(req);
  const id = clusterId(req);
  const previous = ctx.store.get(id);
  const previousProperties = (previous?.['properties'] ?? {}) as JsonObject;
  if (previous && previousProperties['provisioningState'] === 'Deleting') {
    throw new ArmError(
      409,
      'Conflict',
      `The connected cluster '${name}' is being deleted; wait for the deletion to finish.`,
    );
  }
  if (previous && !sameName(String(previous['location']), onboarding.location)) {
    throw new ArmError(
      400,
      'InvalidResourceLocation',
      `The resource '${name}' already exists in location '${String(previous['location'])}' in resource group '${resourceGroup}'. A resource with the same name cannot be created in location '${onboarding.location}'. Please select a new resource name.`,
    );
  }
  const now = ctx.clock.now();
  const previousIdentity = isObject(previous?.['identity']) ? previous['identity'] : undefined;
  const resource: ResourceJson = {
    id: previous?.id ?? id,
    name: previous?.name ?? name,
    type: CONNECTED_CLUSTER_TYPE,
    location: onboarding.location,
    ...(onboarding.tags ? { tags: onboarding.tags } : {}),
    identity: {
      type: 'SystemAssigned',
      principalId: (previousIdentity?.['principalId'] as string | undefined) ?? randomUUID(),
      tenantId: ctx.config.tenantId,
    },
    properties: {
      agentPublicKeyCertificate: onboarding.agentPublicKeyCertificate,
      provisioningState: previous ? 'Updating' : 'Accepted',
      ...(onboarding.distribution !== undefined ? { distribution: onboarding.distribution } : {}),
      ...(onboarding.infrastructure !== undefined ? { infrastructure: onboarding.infrastructure } : {}),
    },
    systemData: systemData(req.caller, now, previous?.['systemData']),
  };
  ctx.store.put(resource);
  if (!previous) clusterRuntimeFor(ctx, id)?.onboard(now);
  const operation = ctx.operations.start(id, 'resource', () => {
    const current = ctx.store.get(id);
    if (!current) {
      return {
        status: 'Canceled',
        error: { code: 'ResourceNotFound', message: `The connected cluster '${name}' was deleted.` },
      };
    }
    ctx.store.put({
      ...current,
      properties: { ...(current['properties'] as JsonObject), provisioningState: 'Succeeded' },
    });
    return { status: 'Succeeded' };
  });
  return { status: previous ? 200 : 201, body: readConnectedCluster(ctx, id), headers: operation.headers() };
}

function patchConnectedCluster(req: ArmRequest, ctx: ProviderContext) {
  const current = existing(ctx, req);
  const body = bodyObject(req);
  const tags = optionalStringMap(body['tags'], 'tags');
  optionalObject(body['properties'], 'properties');
  const updated: ResourceJson = {
    ...current,
    ...(tags !== undefined ? { tags } : {}),
    systemData: systemData(req.caller, ctx.clock.now(), current['systemData']),
  };
  ctx.store.put(updated);
  return { status: 200, body: readConnectedCluster(ctx, current.id) };
}

function deleteConnectedCluster(req: ArmRequest, ctx: ProviderContext) {
  requireResourceGroup(ctx, req.params['subscriptionId']!, req.params['resourceGroupName']!);
  const id = clusterId(req);
  const current = ctx.store.get(id);
  if (!current) return { status: 204 };
  ctx.store.put({
    ...current,
    properties: { ...(current['properties'] as JsonObject), provisioningState: 'Deleting' },
  });
  const operation = ctx.operations.start(id, 'resource', () => {
    clusterRuntimeFor(ctx, id)?.offboard();
    ctx.store.delete(id);
    return { status: 'Succeeded' };
  });
  return { status: 202, headers: operation.headers({ location: true }) };
}

function listClusterUserCredential(req: ArmRequest, ctx: ProviderContext) {
  const current = existing(ctx, req);
  const body = bodyObject(req);
  const method = optionalString(body['authenticationMethod'], 'authenticationMethod');
  if (method === undefined)
    throw invalidContent("'authenticationMethod' is required ('Token' or 'AAD').", 'authenticationMethod');
  if (!['token', 'aad'].includes(method.toLowerCase())) {
    throw invalidParameter(
      `authenticationMethod '${method}' is not supported; use 'Token' or 'AAD'.`,
      'authenticationMethod',
    );
  }
  const clientProxy = optionalBoolean(body['clientProxy'], 'clientProxy');
  if (clientProxy === undefined) throw invalidContent("'clientProxy' is required (true or false).", 'clientProxy');
  const now = ctx.clock.now();
  const kubeconfig = clusterConnectKubeconfig(ctx, current.name, method.toLowerCase() === 'aad' ? 'aad' : 'token');
  return {
    status: 200,
    body: {
      ...(clientProxy
        ? {
            hybridConnectionConfig: {
              expirationTime: Math.floor(now / 1000) + 3600,
              hybridConnectionName: randomUUID(),
              relay: `azgnrelay-${String(current['location'])}-l1`,
              token: `SharedAccessSignature sr=${randomUUID()}&sig=${randomUUID().replaceAll('-', '')}&se=${Math.floor(now / 1000) + 3600}&skn=listener`,
            },
          }
        : {}),
      kubeconfigs: [{ name: 'credentialForClusterConnect', value: Buffer.from(kubeconfig).toString('base64') }],
    },
  };
}

/** A kubeconfig for Cluster Connect, pointing at the cluster's proxy on local Azure's host. */
function clusterConnectKubeconfig(ctx: ProviderContext, clusterName: string, method: 'aad' | 'token'): string {
  const server = `${ctx.baseUrl}/_clusters/${encodeURIComponent(clusterName)}`;
  const user = method === 'aad' ? 'clusterUser_aad' : 'clusterUser_token';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${clusterName}`,
    '  cluster:',
    `    server: ${server}`,
    'contexts:',
    `- name: ${clusterName}`,
    '  context:',
    `    cluster: ${clusterName}`,
    `    user: ${user}`,
    `current-context: ${clusterName}`,
    'users:',
    `- name: ${user}`,
    '  user:',
    `    token: ${randomUUID().replaceAll('-', '')}`,
    '',
  ].join('\n');
}

function listIn(ctx: ProviderContext, scopeId: string) {
  const value = ctx.store
    .below(scopeId, CONNECTED_CLUSTER_TYPE)
    .map((resource) => readConnectedCluster(ctx, resource.id))
    .filter((resource): resource is ResourceJson => resource !== undefined);
  return { status: 200, body: { value } };
}

const OPERATIONS = [
  ['connectedClusters/read', 'Read connected cluster', 'Reads a connected cluster.'],
  ['connectedClusters/write', 'Write connected cluster', 'Creates or updates a connected cluster.'],
  ['connectedClusters/delete', 'Delete connected cluster', 'Deletes a connected cluster.'],
  [
    'connectedClusters/listClusterUserCredential/action',
    'List cluster user credential',
    'Lists the user credential of a connected cluster for Cluster Connect.',
  ],
  ['operations/read', 'Read operations', 'Lists the operations of the Microsoft.Kubernetes resource provider.'],
] as const;

function routes(): Route[] {
  const versions = CONNECTED_CLUSTER_API_VERSIONS;
  return [
    {
      method: 'PUT',
      path: CLUSTER_PATH,
      apiVersions: versions,
      action: `${ACTION}/write`,
      handle: putConnectedCluster,
    },
    {
      method: 'GET',
      path: CLUSTER_PATH,
      apiVersions: versions,
      action: `${ACTION}/read`,
      handle: (req, ctx) => ({ status: 200, body: existing(ctx, req) }),
    },
    {
      method: 'PATCH',
      path: CLUSTER_PATH,
      apiVersions: versions,
      action: `${ACTION}/write`,
      handle: patchConnectedCluster,
    },
    {
      method: 'DELETE',
      path: CLUSTER_PATH,
      apiVersions: versions,
      action: `${ACTION}/delete`,
      handle: deleteConnectedCluster,
    },
    {
      method: 'POST',
      path: `${CLUSTER_PATH}/listClusterUserCredential`,
      apiVersions: versions,
      action: `${ACTION}/listClusterUserCredential/action`,
      handle: listClusterUserCredential,
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Kubernetes/connectedClusters',
      apiVersions: versions,
      action: `${ACTION}/read`,
      handle: (req, ctx) => {
        requireResourceGroup(ctx, req.params['subscriptionId']!, req.params['resourceGroupName']!);
        return listIn(ctx, resourceGroupId(req.params['subscriptionId']!, req.params['resourceGroupName']!));
      },
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.Kubernetes/connectedClusters',
      apiVersions: versions,
      action: `${ACTION}/read`,
      handle: (req, ctx) => {
        requireSubscription(ctx, req.params['subscriptionId']!);
        return listIn(ctx, `/subscriptions/${req.params['subscriptionId']!}`);
      },
    },
    {
      method: 'GET',
      path: '/providers/Microsoft.Kubernetes/operations',
      apiVersions: versions,
      action: 'Microsoft.Kubernetes/operations/read',
      scope: () => '/providers/Microsoft.Kubernetes',
      handle: () => ({
        status: 200,
        body: {
          value: OPERATIONS.map(([operation, title, description]) => ({
            name: `Microsoft.Kubernetes/${operation}`,
            display: {
              provider: 'Microsoft.connectedClusters',
              resource: operation.startsWith('operations') ? 'Operations' : 'Connected Cluster',
              operation: title,
              description,
            },
          })),
        },
      }),
    },
  ];
}

// ---- admin hooks (/_admin/clusters/…) ----

function declaredCluster(ctx: ProviderContext, name: string | undefined): ClusterRuntime {
  const runtime = name ? getClusterRuntime(ctx, name) : undefined;
  if (!runtime) {
    const known = [...clusterRuntimes(ctx).values()].map((r) => r.name).join(', ');
    throw new ArmError(
      404,
      'ClusterNotFound',
      `No cluster named '${name ?? ''}' is declared in the config (declared: ${known || 'none'}).`,
    );
  }
  return runtime;
}

function arcCluster(ctx: ProviderContext, name: string | undefined): ClusterRuntime {
  const runtime = declaredCluster(ctx, name);
  if (runtime.kind !== 'arc') {
    throw new ArmError(
      400,
      'NotAnArcCluster',
      `Cluster '${runtime.name}' is an AKS cluster; Arc agents run only on Arc clusters.`,
    );
  }
  return runtime;
}

function requestObject(body: unknown): JsonObject {
  if (!isObject(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request body must be a JSON object.');
  return body;
}

/**
 * Starts or stops an Arc cluster's agents as `{ running, agentVersion? }` asks, and answers the
 * cluster's snapshot. The admin route and the cluster's own API server (`POST {server}/agents`, the
 * helm install of `az connectedk8s connect`) both come here.
 */
export function setAgents(
  ctx: ProviderContext,
  clusterName: string | undefined,
  body: unknown,
): Record<string, unknown> {
  const runtime = arcCluster(ctx, clusterName);
  const request = requestObject(body);
  if (typeof request['running'] !== 'boolean') {
    throw new ArmError(400, 'InvalidRequestContent', "'running' is required and must be true or false.");
  }
  const agentVersion = request['agentVersion'];
  if (agentVersion !== undefined && (typeof agentVersion !== 'string' || !/^\d+\.\d+\.\d+$/.test(agentVersion))) {
    throw new ArmError(400, 'InvalidRequestContent', "'agentVersion' must be a version like '1.21.10'.");
  }
  if (request['running']) runtime.startAgents(ctx.clock.now(), agentVersion);
  else runtime.stopAgents(ctx.clock.now(), ctx.delayMs('connectivity'));
  return runtime.snapshot(ctx);
}

/** Kubernetes namespace names: RFC 1123 labels. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function adminRoutes(): NonNullable<ResourceProvider['admin']> {
  return [
    {
      method: 'GET',
      path: '/clusters',
      handle: (_params, _body, ctx) => ({
        status: 200,
        body: { value: [...clusterRuntimes(ctx).values()].map((runtime) => runtime.snapshot(ctx)) },
      }),
    },
    {
      method: 'GET',
      path: '/clusters/{clusterName}',
      handle: (params, _body, ctx) => ({
        status: 200,
        body: declaredCluster(ctx, params['clusterName']).snapshot(ctx),
      }),
    },
    {
      method: 'POST',
      path: '/clusters/{clusterName}/agents',
      handle: (params, body, ctx) => ({ status: 200, body: setAgents(ctx, params['clusterName'], body) }),
    },
    {
      method: 'POST',
      path: '/clusters/{clusterName}/connectivity',
      handle: (params, body, ctx) => {
        const runtime = arcCluster(ctx, params['clusterName']);
        const status = requestObject(body)['status'];
        if (status !== 'Offline' && status !== 'Expired' && status !== 'Connected') {
          throw new ArmError(
            400,
            'InvalidRequestContent',
            "'status' must be one of 'Offline', 'Expired', 'Connected'.",
          );
        }
        if (!runtime.onboarded) {
          throw new ArmError(
            409,
            'NotOnboarded',
            `Cluster '${runtime.name}' has no connected cluster resource yet; onboard it (PUT the connected cluster) first.`,
          );
        }
        runtime.force(status, ctx.clock.now(), ctx.delayMs('connectivity'));
        return { status: 200, body: runtime.snapshot(ctx) };
      },
    },
    {
      method: 'POST',
      path: '/clusters/{clusterName}/namespaces',
      handle: (params, body, ctx) => {
        const runtime = declaredCluster(ctx, params['clusterName']);
        const request = requestObject(body);
        const names = Array.isArray(request['namespaces']) ? request['namespaces'] : [request['name']];
        if (names.length === 0 || !names.every((ns): ns is string => typeof ns === 'string' && NAMESPACE.test(ns))) {
          throw new ArmError(
            400,
            'InvalidRequestContent',
            "Give 'name' or 'namespaces' (lowercase letters, digits and '-', at most 63 characters, starting and ending with a letter or digit).",
          );
        }
        const added = runtime.addNamespaces(names);
        return { status: 200, body: { namespaces: runtime.namespaces, added } };
      },
    },
  ];
}

// ---- seed ----

/**
 * A new Arc agent public key as `az connectedk8s connect` sends it in `agentPublicKeyCertificate`:
 * base64 of the DER PKCS#1 RSAPublicKey (the CLI makes 4096 bits; 2048 is the least Arc takes).
 */
export function newAgentPublicKey(modulusLength = 2048): string {
  return generateKeyPairSync('rsa', { modulusLength })
    .publicKey.export({ format: 'der', type: 'pkcs1' })
    .toString('base64');
}

let seedKey: string | undefined;

/** A real agent public key for the clusters that start connected (generated once per process). */
function seededAgentPublicKey(): string {
  seedKey ??= newAgentPublicKey();
  return seedKey;
}

function seed(ctx: ProviderContext): void {
  const now = ctx.clock.now();
  const delay = ctx.delayMs('connectivity');
  for (const runtime of clusterRuntimes(ctx).values()) {
    const cluster = runtime.config;
    if (cluster.kind !== 'arc' || !cluster.connected) continue;
    const id = runtime.resourceId(ctx.config.subscriptionId);
    const location = cluster.location ?? resourceGroupLocation(ctx, cluster.resourceGroup);
    ctx.store.put({
      id,
      name: cluster.name,
      type: CONNECTED_CLUSTER_TYPE,
      location,
      identity: { type: 'SystemAssigned', principalId: randomUUID(), tenantId: ctx.config.tenantId },
      properties: {
        agentPublicKeyCertificate: seededAgentPublicKey(),
        provisioningState: 'Succeeded',
        ...(cluster.distribution ? { distribution: cluster.distribution } : {}),
        ...(cluster.infrastructure ? { infrastructure: cluster.infrastructure } : {}),
      },
      systemData: systemData(
        { clientId: ctx.config.apps[0]?.clientId ?? 'local-azure', objectId: '', tenantId: ctx.config.tenantId },
        now,
      ),
    });
    runtime.onboard(now - delay);
    runtime.startAgents(now - delay);
  }
}

export function resourceGroupLocation(ctx: ProviderContext, resourceGroup: string): string {
  const group = ctx.config.resourceGroups.find((g) => sameName(g.name, resourceGroup));
  return group?.location ?? ctx.config.location;
}

export function connectedClustersProvider(): ResourceProvider {
  return {
    namespace: 'Microsoft.Kubernetes',
    resourceTypes: [
      { resourceType: 'connectedClusters', apiVersions: CONNECTED_CLUSTER_API_VERSIONS },
      { resourceType: 'operations', apiVersions: CONNECTED_CLUSTER_API_VERSIONS },
    ],
    routes: routes(),
    admin: adminRoutes(),
    seed,
  };
}
