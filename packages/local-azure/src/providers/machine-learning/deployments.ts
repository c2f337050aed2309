// Online deployments (Kubernetes) and batch deployments: long-running PUT that checks the model,
// code and environment exist and the instance type is one the compute offers; PATCH of sku or
// tags; DELETE (refused while an online deployment still takes traffic); logs and skus. Whether
// an online deployment becomes ready is the DeploymentRuntime's decision.

import type { ArmRequest, OperationOutcome, ProviderContext, ResourceJson, Route } from '../../arm/contract.js';
import {
  checkEndpointName,
  childType,
  conflict,
  intQuery,
  type Json,
  listPage,
  objectAt,
  ok,
  orderBy,
  parentNotFound,
  requireChild,
  requireParentWorkspace,
  stringAt,
  systemData,
  trackedResource,
  userError,
  workspaceRoute,
} from './common.js';
import { checkQuantity, instanceTypesOf } from './computes.js';
import { isRegistryReference, resolveAssetVersion, resolveCompute } from './references.js';
import type { ContainerType, DeploymentRuntime } from './runtime.js';
import { validate } from './schema.js';
import {
  batchDeploymentResource,
  deploymentLogsRequest,
  onlineDeploymentResource,
  partialBatchDeployment,
  partialTrackedWithSku,
} from './schemas.js';

export const ONLINE_DEPLOYMENT_TYPE = childType('onlineEndpoints', 'deployments');
export const BATCH_DEPLOYMENT_TYPE = childType('batchEndpoints', 'deployments');
/** Properties fixed when an online deployment is created. */
const CREATE_ONLY = ['endpointComputeType', 'instanceType'];

type Segment = 'onlineEndpoints' | 'batchEndpoints';

export function deploymentRoutes(runtime: DeploymentRuntime): Route[] {
  const online = (verb: string) => `workspaces/onlineEndpoints/deployments/${verb}`;
  const batch = (verb: string) => `workspaces/batchEndpoints/deployments/${verb}`;
  const base = '/onlineEndpoints/{endpointName}/deployments';
  const batchBase = '/batchEndpoints/{endpointName}/deployments';
  return [
    workspaceRoute('GET', base, online('read'), (req, ctx) => listDeployments(req, ctx, 'onlineEndpoints')),
    workspaceRoute('GET', `${base}/{deploymentName}`, online('read'), (req, ctx) =>
      ok(requireDeployment(req, ctx, 'onlineEndpoints')),
    ),
    workspaceRoute('PUT', `${base}/{deploymentName}`, online('write'), (req, ctx) =>
      putOnlineDeployment(req, ctx, runtime),
    ),
    workspaceRoute('PATCH', `${base}/{deploymentName}`, online('write'), (req, ctx) =>
      patchOnlineDeployment(req, ctx, runtime),
    ),
    workspaceRoute('DELETE', `${base}/{deploymentName}`, online('delete'), (req, ctx) =>
      deleteDeployment(req, ctx, 'onlineEndpoints', runtime),
    ),
    workspaceRoute('POST', `${base}/{deploymentName}/getLogs`, online('getLogs/action'), (req, ctx) =>
      getLogs(req, ctx, runtime),
    ),
    workspaceRoute('GET', `${base}/{deploymentName}/skus`, online('read'), (req, ctx) => listSkus(req, ctx)),
    workspaceRoute('GET', batchBase, batch('read'), (req, ctx) => listDeployments(req, ctx, 'batchEndpoints')),
    workspaceRoute('GET', `${batchBase}/{deploymentName}`, batch('read'), (req, ctx) =>
      ok(requireDeployment(req, ctx, 'batchEndpoints')),
    ),
    workspaceRoute('PUT', `${batchBase}/{deploymentName}`, batch('write'), (req, ctx) => putBatchDeployment(req, ctx)),
    workspaceRoute('PATCH', `${batchBase}/{deploymentName}`, batch('write'), (req, ctx) =>
      patchBatchDeployment(req, ctx),
    ),
    workspaceRoute('DELETE', `${batchBase}/{deploymentName}`, batch('delete'), (req, ctx) =>
      deleteDeployment(req, ctx, 'batchEndpoints', runtime),
    ),
  ];
}

/** The endpoint a deployment request names, or ARM's 404 ParentResourceNotFound. */
function requireParentEndpoint(req: ArmRequest, ctx: ProviderContext, segment: Segment) {
  const workspace = requireParentWorkspace(req, ctx, `${segment}/deployments`);
  const id = `${workspace.id}/${segment}/${req.params['endpointName']}`;
  const endpoint = ctx.store.get(id);
  if (!endpoint) {
    const verb =
      req.method === 'GET' ? 'read' : req.method === 'DELETE' ? 'delete' : req.method === 'POST' ? 'action' : 'write';
    throw parentNotFound(verb, `workspaces/${segment}/deployments`, id);
  }
  return { workspace, endpoint };
}

function requireDeployment(req: ArmRequest, ctx: ProviderContext, segment: Segment): ResourceJson {
  const { endpoint } = requireParentEndpoint(req, ctx, segment);
  const { workspaceName = '', endpointName = '', deploymentName = '' } = req.params;
  return requireChild(
    ctx,
    req,
    `${endpoint.id}/deployments/${deploymentName}`,
    `workspaces/${segment}/deployments`,
    `${workspaceName}/${endpointName}/${deploymentName}`,
  );
}

function listDeployments(req: ArmRequest, ctx: ProviderContext, segment: Segment) {
  const { endpoint } = requireParentEndpoint(req, ctx, segment);
  const type = segment === 'onlineEndpoints' ? ONLINE_DEPLOYMENT_TYPE : BATCH_DEPLOYMENT_TYPE;
  const items = orderBy(ctx.store.children(endpoint.id, type), req.query.get('$orderBy'));
  const top = intQuery(req, '$top');
  return listPage(req, items, top !== undefined ? { top } : {});
}

// ---- references a deployment makes ----------------------------------------------------------

/** Checks model, code and environment references; returns the model version when it is local. */
function checkAssets(ctx: ProviderContext, workspace: ResourceJson, properties: Json, model: string | undefined) {
  const modelVersion = model ? resolveAssetVersion(ctx, workspace, model, 'models', 'properties.model') : undefined;
  const codeId = stringAt(properties, 'codeConfiguration', 'codeId');
  if (codeId) resolveAssetVersion(ctx, workspace, codeId, 'codes', 'properties.codeConfiguration.codeId');
  const environmentId = stringAt(properties, 'environmentId');
  const mlflow = stringAt(modelVersion, 'properties', 'modelType') === 'mlflow_model';
  if (!environmentId) {
    if (mlflow || (model && isRegistryReference(model))) return;
    throw userError(
      "'properties.environmentId' is required: the environment that serves the model (only MLflow models deploy without one).",
      'properties.environmentId',
    );
  }
  const environment = resolveAssetVersion(ctx, workspace, environmentId, 'environments', 'properties.environmentId');
  const inferenceContainer = environment && objectAt(environment, 'properties', 'inferenceConfig');
  const customContainer = inferenceContainer && Object.keys(inferenceContainer).length > 0;
  if (environment && !customContainer && !mlflow && properties['codeConfiguration'] === undefined) {
    throw userError(
      "'properties.codeConfiguration' is required: a scoring script (codeConfiguration.codeId and scoringScript), unless the environment is an inference container with inferenceConfig routes.",
      'properties.codeConfiguration',
    );
  }
}

function checkContainerResources(properties: Json): void {
  const requirements = objectAt(properties, 'containerResourceRequirements');
  const requests = objectAt(requirements, 'containerResourceRequests');
  const limits = objectAt(requirements, 'containerResourceLimits');
  const names: Record<string, string> = { cpu: 'cpu', memory: 'memory', gpu: 'nvidia.com/gpu' };
  for (const [field, resource] of Object.entries(names)) {
    const base = 'properties.containerResourceRequirements';
    const request =
      requests[field] !== undefined
        ? checkQuantity(resource, requests[field], `${base}.containerResourceRequests.${field}`, userError)
        : undefined;
    const limit =
      limits[field] !== undefined
        ? checkQuantity(resource, limits[field], `${base}.containerResourceLimits.${field}`, userError)
        : undefined;
    if (request !== undefined && limit !== undefined && request > limit) {
      throw userError(
        `The ${field} request (${String(requests[field])}) is more than the ${field} limit (${String(limits[field])}); a request must not exceed its limit.`,
        `${base}.containerResourceRequests.${field}`,
      );
    }
  }
}

function checkInstanceType(compute: ResourceJson, given: string | undefined, target: string): string {
  const { names, defaultName } = instanceTypesOf(compute);
  const wanted = given ?? defaultName;
  const found = names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    throw userError(
      `Instance type '${wanted}' is not defined on compute '${compute.name}' (available: ${names.join(', ')}).`,
      target,
    );
  }
  return found;
}

// ---- online deployments ---------------------------------------------------------------------

function putOnlineDeployment(req: ArmRequest, ctx: ProviderContext, runtime: DeploymentRuntime) {
  const { workspace, endpoint } = requireParentEndpoint(req, ctx, 'onlineEndpoints');
  const name = req.params['deploymentName'] ?? '';
  checkEndpointName(name, 'Deployment', 'deploymentName');
  const body = validate<Json>(onlineDeploymentResource, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(body, 'properties');
  const endpointState = stringAt(endpoint, 'properties', 'provisioningState');
  if (endpointState === 'Deleting') throw conflict(`Online endpoint '${endpoint.name}' is being deleted.`);
  if (properties['endpointComputeType'] !== 'Kubernetes') {
    throw userError(
      `Online endpoint '${endpoint.name}' runs on Kubernetes compute, so its deployments need endpointComputeType 'Kubernetes'; got '${String(properties['endpointComputeType'])}'.`,
      'properties.endpointComputeType',
    );
  }
  const id = `${endpoint.id}/deployments/${name}`;
  const existing = ctx.store.get(id);
  const before = objectAt(existing, 'properties');
  if (before['provisioningState'] === 'Deleting') throw conflict(`Deployment '${name}' is being deleted.`);

  const compute = resolveCompute(
    ctx,
    workspace,
    String(stringAt(endpoint, 'properties', 'compute')),
    'properties.compute',
  );
  const instanceType = checkInstanceType(
    compute,
    typeof properties['instanceType'] === 'string' ? properties['instanceType'] : undefined,
    'properties.instanceType',
  );
  checkAssets(ctx, workspace, properties, typeof properties['model'] === 'string' ? properties['model'] : undefined);
  checkContainerResources(properties);
  const scale = objectAt(properties, 'scaleSettings');
  if (scale['scaleType'] === 'TargetUtilization') {
    const min = Number(scale['minInstances'] ?? 1);
    const max = Number(scale['maxInstances'] ?? 1);
    if (min > max) {
      throw userError(
        `scaleSettings.minInstances (${min}) must not be more than maxInstances (${max}).`,
        'properties.scaleSettings.minInstances',
      );
    }
  }
  if (existing) {
    const after: Json = { ...properties, instanceType };
    for (const field of CREATE_ONLY) {
      if (before[field] !== after[field]) {
        throw userError(
          `'properties.${field}' of deployment '${name}' is '${String(before[field])}' and cannot be changed; create a new deployment instead.`,
          `properties.${field}`,
        );
      }
    }
  }
  const resource: ResourceJson = {
    ...trackedResource(req, ctx, { id, name, type: ONLINE_DEPLOYMENT_TYPE }, body, existing),
    sku: body['sku'] ?? existing?.['sku'] ?? { name: 'Default', capacity: 1 },
    properties: {
      scaleSettings: { scaleType: 'Default' },
      appInsightsEnabled: false,
      egressPublicNetworkAccess: 'Enabled',
      ...properties,
      instanceType,
      provisioningState: existing ? 'Updating' : 'Creating',
    },
  };
  ctx.store.put(resource);
  const operation = startProvisioning(ctx, runtime, id);
  return ok(resource, existing ? 200 : 201, operation.headers());
}

function startProvisioning(ctx: ProviderContext, runtime: DeploymentRuntime, id: string) {
  return ctx.operations.start(id, 'deployment', async (): Promise<OperationOutcome> => {
    const current = ctx.store.get(id);
    if (!current)
      return {
        status: 'Failed',
        error: { code: 'NotFound', message: `Deployment '${id}' was deleted while it was being provisioned.` },
      };
    let outcome: OperationOutcome;
    try {
      outcome = await runtime.provision(structuredClone(current), ctx);
    } catch (error) {
      outcome = { status: 'Failed', error: { code: 'DeploymentFailed', message: (error as Error).message } };
    }
    const latest = ctx.store.get(id);
    if (latest) {
      const state = outcome.status === 'Succeeded' ? 'Succeeded' : outcome.status;
      ctx.store.put({ ...latest, properties: { ...objectAt(latest, 'properties'), provisioningState: state } });
    }
    return outcome;
  });
}

function patchOnlineDeployment(req: ArmRequest, ctx: ProviderContext, runtime: DeploymentRuntime) {
  const deployment = requireDeployment(req, ctx, 'onlineEndpoints');
  const body = validate<Json>(partialTrackedWithSku, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(deployment, 'properties');
  if (properties['provisioningState'] === 'Deleting')
    throw conflict(`Deployment '${deployment.name}' is being deleted.`);
  const sku =
    body['sku'] !== undefined ? { ...objectAt(deployment, 'sku'), ...objectAt(body, 'sku') } : deployment['sku'];
  const scaling = body['sku'] !== undefined && objectAt(sku)['capacity'] !== objectAt(deployment, 'sku')['capacity'];
  ctx.store.put({
    ...deployment,
    ...(body['tags'] !== undefined ? { tags: withoutNulls(objectAt(body, 'tags')) } : {}),
    ...(sku !== undefined ? { sku } : {}),
    systemData: systemData(req.caller, ctx.clock.now(), deployment['systemData']),
    properties: { ...properties, provisioningState: scaling ? 'Scaling' : 'Updating' },
  });
  const operation = startProvisioning(ctx, runtime, deployment.id);
  return { status: 202, headers: operation.headers({ location: true }) };
}

function withoutNulls(map: Json): Json {
  return Object.fromEntries(Object.entries(map).filter(([, value]) => value !== null && value !== undefined));
}

function deleteDeployment(req: ArmRequest, ctx: ProviderContext, segment: Segment, runtime: DeploymentRuntime) {
  const { endpoint } = requireParentEndpoint(req, ctx, segment);
  const name = req.params['deploymentName'] ?? '';
  const id = `${endpoint.id}/deployments/${name}`;
  const deployment = ctx.store.get(id);
  if (!deployment) return { status: 204 };
  const traffic = Number(objectAt(endpoint, 'properties', 'traffic')[name] ?? 0);
  if (segment === 'onlineEndpoints' && traffic > 0) {
    throw userError(
      `Deployment '${name}' receives ${traffic}% of the traffic of online endpoint '${endpoint.name}' and cannot be deleted. Move its traffic to other deployments (a full PUT of the endpoint) first.`,
      'deploymentName',
    );
  }
  ctx.store.put({
    ...deployment,
    properties: { ...objectAt(deployment, 'properties'), provisioningState: 'Deleting' },
  });
  const operation = ctx.operations.start(id, 'deployment', async () => {
    const current = ctx.store.get(id);
    if (current && segment === 'onlineEndpoints') await runtime.remove(current, ctx);
    ctx.store.delete(id);
    if (segment === 'onlineEndpoints') dropFromTraffic(ctx, endpoint.id, name);
    return { status: 'Succeeded' };
  });
  return { status: 202, headers: operation.headers({ location: true }) };
}

/** A deleted deployment leaves the endpoint's traffic map (where it had 0%). */
function dropFromTraffic(ctx: ProviderContext, endpointId: string, name: string): void {
  const endpoint = ctx.store.get(endpointId);
  if (!endpoint) return;
  const traffic = { ...objectAt(endpoint, 'properties', 'traffic') };
  if (!(name in traffic)) return;
  delete traffic[name];
  ctx.store.put({ ...endpoint, properties: { ...objectAt(endpoint, 'properties'), traffic } });
}

function getLogs(req: ArmRequest, ctx: ProviderContext, runtime: DeploymentRuntime) {
  const deployment = requireDeployment(req, ctx, 'onlineEndpoints');
  const body = validate<Json>(deploymentLogsRequest, req.body ?? {}, { code: 'UserError' });
  const containerType = (body['containerType'] ?? 'InferenceServer') as ContainerType;
  const text = runtime.logs(structuredClone(deployment), containerType, ctx);
  const tail = typeof body['tail'] === 'number' ? body['tail'] : undefined;
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  const content = tail === undefined ? text : tail === 0 ? '' : `${lines.slice(-tail).join('\n')}\n`;
  return ok({ content });
}

function listSkus(req: ArmRequest, ctx: ProviderContext) {
  requireDeployment(req, ctx, 'onlineEndpoints');
  return listPage(
    req,
    [
      {
        resourceType: ONLINE_DEPLOYMENT_TYPE,
        sku: { name: 'Default', tier: 'Standard' },
        capacity: { minimum: 1, maximum: 20, default: 1, scaleType: 'Manual' },
      },
    ],
    { pageSize: intQuery(req, 'count') ?? 100 },
  );
}

// ---- batch deployments ----------------------------------------------------------------------

function putBatchDeployment(req: ArmRequest, ctx: ProviderContext) {
  const { workspace, endpoint } = requireParentEndpoint(req, ctx, 'batchEndpoints');
  const name = req.params['deploymentName'] ?? '';
  checkEndpointName(name, 'Deployment', 'deploymentName');
  const body = validate<Json>(batchDeploymentResource, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(body, 'properties');
  if (stringAt(endpoint, 'properties', 'provisioningState') === 'Deleting') {
    throw conflict(`Batch endpoint '${endpoint.name}' is being deleted.`);
  }
  const computeId = properties['compute'];
  if (typeof computeId !== 'string' || computeId === '') {
    throw userError(
      `'properties.compute' is required: the ARM id of the compute that runs the batch jobs.`,
      'properties.compute',
    );
  }
  const compute = resolveCompute(ctx, workspace, computeId, 'properties.compute');
  const resources = objectAt(properties, 'resources');
  const instanceType =
    stringAt(compute, 'properties', 'computeType') === 'Kubernetes'
      ? checkInstanceType(compute, stringAt(resources, 'instanceType'), 'properties.resources.instanceType')
      : undefined;
  const model = objectAt(properties, 'model');
  const modelId = model['referenceType'] === 'Id' ? String(model['assetId']) : undefined;
  checkAssets(ctx, workspace, properties, modelId);
  const id = `${endpoint.id}/deployments/${name}`;
  const existing = ctx.store.get(id);
  if (objectAt(existing, 'properties')['provisioningState'] === 'Deleting')
    throw conflict(`Deployment '${name}' is being deleted.`);
  const resource: ResourceJson = {
    ...trackedResource(req, ctx, { id, name, type: BATCH_DEPLOYMENT_TYPE }, body, existing),
    ...(body['sku'] !== undefined ? { sku: body['sku'] } : {}),
    properties: {
      errorThreshold: -1,
      loggingLevel: 'Info',
      maxConcurrencyPerInstance: 1,
      miniBatchSize: 10,
      outputAction: 'AppendRow',
      outputFileName: 'predictions.csv',
      retrySettings: { maxRetries: 3, timeout: 'PT30S' },
      ...properties,
      compute: compute.id,
      resources: { instanceCount: 1, ...resources, ...(instanceType ? { instanceType } : {}) },
      provisioningState: existing ? 'Updating' : 'Creating',
    },
  };
  ctx.store.put(resource);
  const operation = ctx.operations.start(id, 'deployment', () => settleBatch(ctx, id));
  return ok(resource, existing ? 200 : 201, operation.headers());
}

function settleBatch(ctx: ProviderContext, id: string): OperationOutcome {
  const current = ctx.store.get(id);
  if (!current)
    return {
      status: 'Failed',
      error: { code: 'NotFound', message: `Deployment '${id}' was deleted while it was being provisioned.` },
    };
  ctx.store.put({ ...current, properties: { ...objectAt(current, 'properties'), provisioningState: 'Succeeded' } });
  return { status: 'Succeeded' };
}

function patchBatchDeployment(req: ArmRequest, ctx: ProviderContext) {
  const deployment = requireDeployment(req, ctx, 'batchEndpoints');
  const body = validate<Json>(partialBatchDeployment, req.body ?? null, { code: 'UserError' });
  const properties = objectAt(deployment, 'properties');
  if (properties['provisioningState'] === 'Deleting')
    throw conflict(`Deployment '${deployment.name}' is being deleted.`);
  const description = objectAt(body, 'properties')['description'];
  ctx.store.put({
    ...deployment,
    ...(body['tags'] !== undefined ? { tags: withoutNulls(objectAt(body, 'tags')) } : {}),
    systemData: systemData(req.caller, ctx.clock.now(), deployment['systemData']),
    properties: {
      ...properties,
      ...(typeof description === 'string' ? { description } : {}),
      provisioningState: 'Updating',
    },
  });
  const operation = ctx.operations.start(deployment.id, 'deployment', () => settleBatch(ctx, deployment.id));
  return { status: 202, headers: operation.headers({ location: true }) };
}
