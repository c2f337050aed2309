import { describe, expect, it } from '@jest/globals';
import { endpointKeys, isEndpointToken, parseScoringPath } from '../src/providers/machine-learning/index.js';
import {
  attachCompute,
  CODE_ID,
  COMPUTE_ID,
  createAssets,
  deploymentBody,
  ENV_ID,
  endpointBody,
  errorOf,
  type Harness,
  type HarnessOptions,
  harness,
  MODEL_ID,
  WS_ID,
  ws,
} from './machine-learning-harness.js';

const EP = ws('/onlineEndpoints/mnist-ep');
const BLUE = `${EP}/deployments/blue`;
const GREEN = `${EP}/deployments/green`;

async function ready(options: HarnessOptions = {}): Promise<Harness> {
  const h = harness(options);
  await attachCompute(h);
  await createAssets(h);
  return h;
}

async function withEndpoint(options: HarnessOptions = {}): Promise<Harness> {
  const h = await ready(options);
  const result = await h.send('PUT', EP, endpointBody());
  if (result.status !== 201) throw new Error(JSON.stringify(result.body));
  if (options.lro === 'manual') await h.ctx.operations.runPending();
  return h;
}

const stateOf = async (h: Harness, path: string) =>
  ((await h.get(path))['properties'] as { provisioningState: string }).provisioningState;

describe('online endpoints', () => {
  it('creates a Kubernetes endpoint as a long-running PUT (201 + Azure-AsyncOperation), Creating → Succeeded', async () => {
    const h = await ready({ lro: 'manual' });
    const result = await h.send('PUT', EP, endpointBody());
    expect(result.status).toBe(201);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\/localhost:8443\//);
    const guid = ((await h.get(ws()))['properties'] as { workspaceId: string }).workspaceId;
    expect(result.body).toMatchObject({
      id: `${WS_ID}/onlineEndpoints/mnist-ep`,
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
      location: 'eastus',
      identity: { type: 'SystemAssigned', principalId: expect.any(String) },
      properties: {
        authMode: 'Key',
        compute: COMPUTE_ID,
        provisioningState: 'Creating',
        traffic: {},
        scoringUri: `https://localhost:8443/endpoints/${guid}/mnist-ep/score`,
        swaggerUri: `https://localhost:8443/endpoints/${guid}/mnist-ep/swagger.json`,
      },
    });
    expect(parseScoringPath(`/endpoints/${guid}/mnist-ep/score`)).toEqual({
      workspaceId: guid,
      endpointName: 'mnist-ep',
      path: '/score',
    });
    await h.ctx.operations.runPending();
    expect(await stateOf(h, EP)).toBe('Succeeded');
  });

  it('keeps keys out of GET and list, and gives them through listKeys; regenerates one as a long-running POST', async () => {
    const h = await withEndpoint();
    const keys = await h.send('POST', `${EP}/listKeys`);
    const { primaryKey, secondaryKey } = keys.body as { primaryKey: string; secondaryKey: string };
    expect(primaryKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(secondaryKey).not.toEqual(primaryKey);
    const visible = JSON.stringify([await h.get(EP), await h.get(ws('/onlineEndpoints'))]);
    expect(visible).not.toContain(primaryKey);
    expect(visible).not.toContain(secondaryKey);

    const regenerated = await h.send('POST', `${EP}/regenerateKeys`, { keyType: 'Secondary' });
    expect(regenerated.status).toBe(202);
    expect(regenerated.headers?.['Location']).toMatch(/^https:\/\//);
    const after = (await h.send('POST', `${EP}/listKeys`)).body as { primaryKey: string; secondaryKey: string };
    expect(after.primaryKey).toBe(primaryKey);
    expect(after.secondaryKey).not.toBe(secondaryKey);
    expect(endpointKeys(h.ctx, `${WS_ID}/onlineEndpoints/mnist-ep`)).toEqual(after);
  });

  it('takes the keys a client sets on create without echoing them', async () => {
    const h = await ready();
    const result = await h.send(
      'PUT',
      EP,
      endpointBody({ keys: { primaryKey: 'k1-secret', secondaryKey: 'k2-secret' } }),
    );
    expect(JSON.stringify(result.body)).not.toContain('secret');
    expect((await h.send('POST', `${EP}/listKeys`)).body).toEqual({
      primaryKey: 'k1-secret',
      secondaryKey: 'k2-secret',
    });
  });

  it('issues tokens for AMLToken endpoints only', async () => {
    const h = await ready();
    await h.send('PUT', EP, endpointBody({ authMode: 'AMLToken' }));
    const token = await h.send('POST', `${EP}/token`);
    const body = token.body as {
      accessToken: string;
      expiryTimeUtc: number;
      refreshAfterTimeUtc: number;
      tokenType: string;
    };
    const now = Math.floor(h.ctx.clock.now() / 1000);
    expect(body).toMatchObject({ tokenType: 'Bearer', expiryTimeUtc: now + 3600, refreshAfterTimeUtc: now + 1800 });
    expect(isEndpointToken(h.ctx, `${WS_ID}/onlineEndpoints/mnist-ep`, body.accessToken)).toBe(true);
    h.ctx.clock.advance(3_601_000);
    expect(isEndpointToken(h.ctx, `${WS_ID}/onlineEndpoints/mnist-ep`, body.accessToken)).toBe(false);
    const keys = await h.send('POST', `${EP}/listKeys`);
    expect(keys.status).toBe(400);
    expect(errorOf(keys).message).toMatch(/authMode 'AMLToken', so it has no keys/);
    await h.send('PUT', ws('/onlineEndpoints/keyed'), endpointBody());
    const refused = await h.send('POST', ws('/onlineEndpoints/keyed/token'));
    expect(refused.status).toBe(400);
    expect(errorOf(refused).message).toMatch(
      /tokens are issued only for endpoints with authMode 'AMLToken'. Use listKeys instead/,
    );
  });

  it.each([
    [
      'no compute (a managed endpoint)',
      { compute: undefined },
      400,
      /Managed online endpoints are not available/,
      'properties.compute',
    ],
    [
      'a compute that does not exist',
      { compute: `${WS_ID}/computes/nope` },
      404,
      /Compute 'nope' was not found/,
      'properties.compute',
    ],
    ['a compute given by name', { compute: 'k8s' }, 400, /must be the ARM id of a compute/, 'properties.compute'],
    [
      'AADToken auth',
      { authMode: 'AADToken' },
      400,
      /'AADToken' is not supported for Kubernetes online endpoints/,
      'properties.authMode',
    ],
    [
      'an unknown authMode',
      { authMode: 'Basic' },
      400,
      /must be one of AMLToken, Key, AADToken/,
      'properties.authMode',
    ],
    [
      'mirror traffic (not in 2022-10-01)',
      { mirrorTraffic: { blue: 10 } },
      400,
      /'properties.mirrorTraffic' is not a property of OnlineEndpoint/,
      'properties.mirrorTraffic',
    ],
    [
      'traffic to a deployment that does not exist',
      { traffic: { blue: 100 } },
      400,
      /deployment 'blue': it does not exist on online endpoint 'mnist-ep' \(existing deployments: none\)/,
      'properties.traffic.blue',
    ],
  ])('refuses an endpoint with %s', async (_case, overrides, status, message, target) => {
    const h = await ready();
    const result = await h.send('PUT', EP, endpointBody(overrides));
    expect(result.status).toBe(status);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message), target });
    expect(h.ctx.operations.all.filter((op) => op.kind === 'endpoint')).toEqual([]);
  });

  it.each([
    ['no location', { location: undefined }, /'location' is required/],
    ['an endpoint name that is too short', undefined, /3 to 32 characters/],
  ])('refuses a PUT with %s', async (_case, overrides, message) => {
    const h = await ready();
    const path = overrides ? EP : ws('/onlineEndpoints/ep');
    const result = await h.send('PUT', path, { ...endpointBody(), ...overrides });
    expect(result.status).toBe(400);
    expect(errorOf(result).message).toMatch(message);
  });

  it('updates tags and identity with PATCH (202 + Location), and deletes with its deployments', async () => {
    const h = await withEndpoint({ lro: 'manual' });
    const patched = await h.send('PATCH', EP, { tags: { stage: 'test' } });
    expect(patched.status).toBe(202);
    expect(patched.headers?.['Location']).toMatch(/^https:\/\//);
    expect(await stateOf(h, EP)).toBe('Updating');
    await h.ctx.operations.runPending();
    expect(await h.get(EP)).toMatchObject({ tags: { stage: 'test' }, properties: { provisioningState: 'Succeeded' } });
    const refused = await h.send('PATCH', EP, { properties: { authMode: 'AMLToken' } });
    expect(refused.status).toBe(400);
    expect(errorOf(refused).message).toMatch(
      /'properties' is not a property of PartialMinimalTrackedResourceWithIdentity/,
    );

    await h.send('PUT', BLUE, deploymentBody());
    await h.ctx.operations.runPending();
    const deleted = await h.send('DELETE', EP);
    expect(deleted.status).toBe(202);
    expect(await stateOf(h, EP)).toBe('Deleting');
    await h.ctx.operations.runPending();
    expect((await h.send('GET', EP)).status).toBe(404);
    expect(h.ctx.store.get(`${WS_ID}/onlineEndpoints/mnist-ep/deployments/blue`)).toBeUndefined();
    expect((await h.send('DELETE', EP)).status).toBe(204);
  });
});

describe('online deployments', () => {
  it('creates a Kubernetes deployment as a long-running PUT, Creating → Succeeded', async () => {
    const h = await withEndpoint({ lro: 'manual' });
    const result = await h.send('PUT', BLUE, deploymentBody());
    expect(result.status).toBe(201);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(result.body).toMatchObject({
      type: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
      sku: { name: 'Default', capacity: 1 },
      properties: {
        endpointComputeType: 'Kubernetes',
        instanceType: 'cpusmall',
        model: MODEL_ID,
        provisioningState: 'Creating',
      },
    });
    await h.ctx.operations.runPending();
    expect(await stateOf(h, BLUE)).toBe('Succeeded');
    const list = await h.get(`${EP}/deployments`);
    expect((list['value'] as { name: string }[]).map((d) => d.name)).toEqual(['blue']);
  });

  it('ends Failed when a fault fails the operation, and the next PUT provisions it again', async () => {
    const h = await withEndpoint();
    h.ctx.operations.failNext({ code: 'InternalServerError', message: 'injected' });
    await h.send('PUT', BLUE, deploymentBody());
    expect(await stateOf(h, BLUE)).toBe('Failed');
    const again = await h.send('PUT', BLUE, deploymentBody());
    expect(again.status).toBe(200);
    expect(await stateOf(h, BLUE)).toBe('Succeeded');
  });

  it('uses the compute default instance type when none is given', async () => {
    const h = await withEndpoint();
    const result = await h.send('PUT', BLUE, deploymentBody({ instanceType: undefined }));
    expect(result.body).toMatchObject({ properties: { instanceType: 'cpusmall' } });
  });

  it('lets the DeploymentRuntime decide readiness', async () => {
    const h = await withEndpoint({
      ml: {
        deploymentRuntime: {
          provision: () => ({
            status: 'Failed',
            error: { code: 'DeploymentNotReady', message: 'readiness probe failed' },
          }),
          remove: () => undefined,
          logs: () => 'probe failed\n',
        },
      },
    });
    await h.send('PUT', BLUE, deploymentBody());
    expect(h.ctx.operations.last?.outcome).toEqual({
      status: 'Failed',
      error: { code: 'DeploymentNotReady', message: 'readiness probe failed' },
    });
    expect(await stateOf(h, BLUE)).toBe('Failed');
    const traffic = await h.send('PUT', EP, endpointBody({ traffic: { blue: 100 } }));
    expect(traffic.status).toBe(400);
    expect(errorOf(traffic).message).toMatch(/provisioning state is Failed/);
  });

  const refusals: [string, Record<string, unknown>, number, RegExp, string][] = [
    [
      'a Managed deployment',
      { endpointComputeType: 'Managed' },
      400,
      /need endpointComputeType 'Kubernetes'; got 'Managed'/,
      'properties.endpointComputeType',
    ],
    [
      'no endpointComputeType',
      { endpointComputeType: undefined },
      400,
      /'properties.endpointComputeType' is required/,
      'properties.endpointComputeType',
    ],
    [
      'a model that does not exist',
      { model: `${WS_ID}/models/mnist/versions/7` },
      404,
      /Model 'mnist' version '7' was not found/,
      'properties.model',
    ],
    [
      'code that does not exist',
      { codeConfiguration: { codeId: `${WS_ID}/codes/score/versions/1`, scoringScript: 'score.py' } },
      404,
      /Code 'score' version '1'/,
      'properties.codeConfiguration.codeId',
    ],
    [
      'no scoring script',
      { codeConfiguration: { codeId: CODE_ID } },
      400,
      /scoringScript' is required/,
      'properties.codeConfiguration.scoringScript',
    ],
    [
      'no environment for a custom model',
      { environmentId: undefined },
      400,
      /'properties.environmentId' is required/,
      'properties.environmentId',
    ],
    [
      'no code for a plain environment',
      { codeConfiguration: undefined },
      400,
      /'properties.codeConfiguration' is required/,
      'properties.codeConfiguration',
    ],
    [
      'an instance type the compute lacks',
      { instanceType: 'xlarge' },
      400,
      /Instance type 'xlarge' is not defined on compute 'k8s'/,
      'properties.instanceType',
    ],
    [
      'min instances above max',
      { scaleSettings: { scaleType: 'TargetUtilization', minInstances: 3, maxInstances: 2 } },
      400,
      /minInstances \(3\) must not be more than maxInstances \(2\)/,
      'properties.scaleSettings.minInstances',
    ],
    [
      'an unknown scaleType',
      { scaleSettings: { scaleType: 'Auto' } },
      400,
      /must be one of Default, TargetUtilization/,
      'properties.scaleSettings.scaleType',
    ],
    [
      'a request timeout that is not a duration',
      { requestSettings: { requestTimeout: '5s' } },
      400,
      /ISO 8601 duration/,
      'properties.requestSettings.requestTimeout',
    ],
    [
      'a probe failure threshold of 0',
      { readinessProbe: { failureThreshold: 0 } },
      400,
      /at least 1/,
      'properties.readinessProbe.failureThreshold',
    ],
    [
      'a malformed memory request',
      { containerResourceRequirements: { containerResourceRequests: { memory: '2 GB' } } },
      400,
      /memory quantity such as '512Mi'/,
      'properties.containerResourceRequirements.containerResourceRequests.memory',
    ],
    [
      'a CPU request above its limit',
      {
        containerResourceRequirements: {
          containerResourceRequests: { cpu: '2' },
          containerResourceLimits: { cpu: '1' },
        },
      },
      400,
      /cpu request \(2\) is more than the cpu limit \(1\)/,
      'properties.containerResourceRequirements.containerResourceRequests.cpu',
    ],
  ];

  it.each(refusals)('refuses %s', async (_case, overrides, status, message, target) => {
    const h = await withEndpoint();
    const result = await h.send('PUT', BLUE, deploymentBody(overrides));
    expect(result.status).toBe(status);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message), target });
    expect(h.ctx.store.get(`${WS_ID}/onlineEndpoints/mnist-ep/deployments/blue`)).toBeUndefined();
  });

  it('deploys an MLflow model without environment or code, and a custom container without code', async () => {
    const h = await withEndpoint();
    await h.send('PUT', ws('/models/flow/versions/1'), {
      properties: { modelUri: 'azureml://x', modelType: 'mlflow_model' },
    });
    const mlflow = await h.send('PUT', BLUE, {
      ...deploymentBody({ environmentId: undefined, codeConfiguration: undefined }),
      properties: { endpointComputeType: 'Kubernetes', model: `${WS_ID}/models/flow/versions/1` },
    });
    expect(mlflow.status).toBe(201);
    await h.send('PUT', ws('/environments/serve/versions/1'), {
      properties: {
        image: 'docker.io/tensorflow/serving:latest',
        inferenceConfig: {
          livenessRoute: { path: '/v1/models/m', port: 8501 },
          readinessRoute: { path: '/v1/models/m', port: 8501 },
          scoringRoute: { path: '/v1/models/m:predict', port: 8501 },
        },
      },
    });
    const custom = await h.send(
      'PUT',
      GREEN,
      deploymentBody({ environmentId: `${WS_ID}/environments/serve/versions/1`, codeConfiguration: undefined }),
    );
    expect(custom.status).toBe(201);
  });

  it('answers ParentResourceNotFound for a deployment of an unknown endpoint', async () => {
    const h = await ready();
    const result = await h.send('PUT', ws('/onlineEndpoints/nope/deployments/blue'), deploymentBody());
    expect(result.status).toBe(404);
    expect(errorOf(result)).toMatchObject({
      code: 'ParentResourceNotFound',
      message: expect.stringMatching(
        /workspaces\/onlineEndpoints\/deployments'.*onlineEndpoints\/nope' could not be found/,
      ),
    });
  });

  it('refuses to change the instance type of a deployment, and scales with a PATCH of the sku', async () => {
    const h = await withEndpoint({ lro: 'manual' });
    await h.send('PUT', BLUE, deploymentBody());
    await h.ctx.operations.runPending();
    const changed = await h.send('PUT', BLUE, deploymentBody({ instanceType: 'gpu' }));
    expect(changed.status).toBe(400);
    expect(errorOf(changed).target).toBe('properties.instanceType');
    const updated = await h.send('PUT', BLUE, deploymentBody({ environmentVariables: { WORKERS: '2' } }));
    expect(updated.status).toBe(200);
    expect(updated.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(updated.body).toMatchObject({ properties: { provisioningState: 'Updating' } });
    await h.ctx.operations.runPending();
    const scaled = await h.send('PATCH', BLUE, { sku: { capacity: 3 } });
    expect(scaled.status).toBe(202);
    expect(scaled.headers?.['Location']).toMatch(/^https:\/\//);
    expect(await h.get(BLUE)).toMatchObject({
      sku: { name: 'Default', capacity: 3 },
      properties: { provisioningState: 'Scaling' },
    });
    await h.ctx.operations.runPending();
    expect(await stateOf(h, BLUE)).toBe('Succeeded');
  });

  it('returns container logs with tail', async () => {
    const h = await withEndpoint({
      ml: {
        deploymentRuntime: {
          provision: () => ({ status: 'Succeeded' }),
          remove: () => undefined,
          logs: (_d, container) => `${container} 1\n${container} 2\n${container} 3\n`,
        },
      },
    });
    await h.send('PUT', BLUE, deploymentBody());
    expect((await h.send('POST', `${BLUE}/getLogs`, { containerType: 'StorageInitializer', tail: 2 })).body).toEqual({
      content: 'StorageInitializer 2\nStorageInitializer 3\n',
    });
    expect((await h.send('POST', `${BLUE}/getLogs`, {})).body).toEqual({
      content: 'InferenceServer 1\nInferenceServer 2\nInferenceServer 3\n',
    });
    const bad = await h.send('POST', `${BLUE}/getLogs`, { containerType: 'Sidecar' });
    expect(bad.status).toBe(400);
  });

  it('says there is no scoring runtime in the default logs, and lists skus', async () => {
    const h = await withEndpoint();
    await h.send('PUT', BLUE, deploymentBody());
    const logs = await h.send('POST', `${BLUE}/getLogs`, { containerType: 'InferenceServer' });
    expect((logs.body as { content: string }).content).toMatch(/no scoring runtime is attached/);
    const skus = await h.get(`${BLUE}/skus`);
    expect(skus['value']).toEqual([
      expect.objectContaining({
        sku: { name: 'Default', tier: 'Standard' },
        capacity: expect.objectContaining({ scaleType: 'Manual' }),
      }),
    ]);
  });
});

describe('traffic', () => {
  async function twoDeployments(): Promise<Harness> {
    const h = await withEndpoint();
    await h.send('PUT', BLUE, deploymentBody());
    await h.send('PUT', GREEN, deploymentBody());
    return h;
  }

  it('moves traffic in a full PUT of the endpoint', async () => {
    const h = await twoDeployments();
    const blue = await h.send('PUT', EP, endpointBody({ traffic: { blue: 100, green: 0 } }));
    expect(blue.status).toBe(200);
    expect(blue.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    const split = await h.send('PUT', EP, endpointBody({ traffic: { blue: 90, green: 10 } }));
    expect(split.status).toBe(200);
    expect((await h.get(EP))['properties']).toMatchObject({
      traffic: { blue: 90, green: 10 },
      provisioningState: 'Succeeded',
    });
  });

  it.each([
    [
      'does not add up to 100',
      { blue: 60, green: 30 },
      /must add up to 100 percent \(or 0 to send none\); it adds up to 90: blue=60, green=30/,
      'properties.traffic',
    ],
    [
      'names a deployment that does not exist',
      { blue: 50, red: 50 },
      /deployment 'red': it does not exist on online endpoint 'mnist-ep' \(existing deployments: blue, green\)/,
      'properties.traffic.red',
    ],
    ['is negative', { blue: 110, green: -10 }, /between 0 and 100 percent; got 110/, 'properties.traffic.blue'],
    ['is not a whole number', { blue: 50.5, green: 49.5 }, /must be an integer/, 'properties.traffic.blue'],
  ])('refuses traffic that %s', async (_case, traffic, message, target) => {
    const h = await twoDeployments();
    const result = await h.send('PUT', EP, endpointBody({ traffic }));
    expect(result.status).toBe(400);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message), target });
  });

  it('accepts all-zero traffic and refuses to delete a deployment that takes traffic', async () => {
    const h = await twoDeployments();
    await h.send('PUT', EP, endpointBody({ traffic: { blue: 100, green: 0 } }));
    const refused = await h.send('DELETE', BLUE);
    expect(refused.status).toBe(400);
    expect(errorOf(refused).message).toMatch(
      /receives 100% of the traffic of online endpoint 'mnist-ep' and cannot be deleted/,
    );
    const deleted = await h.send('DELETE', GREEN);
    expect(deleted.status).toBe(202);
    expect(deleted.headers?.['Location']).toMatch(/^https:\/\//);
    expect((await h.get(EP))['properties']).toMatchObject({ traffic: { blue: 100 } });
    expect((await h.send('PUT', EP, endpointBody({ traffic: { blue: 0 } }))).status).toBe(200);
    expect((await h.send('DELETE', BLUE)).status).toBe(202);
    expect((await h.send('DELETE', BLUE)).status).toBe(204);
  });
});

describe('batch endpoints and deployments', () => {
  const BEP = ws('/batchEndpoints/mnist-batch');
  const BDEP = `${BEP}/deployments/default-dep`;
  const batchEndpoint = (properties: Record<string, unknown> = {}) => ({
    location: 'eastus',
    properties: { authMode: 'AADToken', description: 'batch scoring', ...properties },
  });
  const batchDeployment = (properties: Record<string, unknown> = {}) => ({
    location: 'eastus',
    properties: {
      compute: COMPUTE_ID,
      model: { referenceType: 'Id', assetId: MODEL_ID },
      environmentId: ENV_ID,
      codeConfiguration: { codeId: CODE_ID, scoringScript: 'batch_score.py' },
      resources: { instanceCount: 2 },
      miniBatchSize: 5,
      ...properties,
    },
  });

  it('creates, reads, updates and deletes batch endpoints and deployments', async () => {
    const h = await ready({ lro: 'manual' });
    const created = await h.send('PUT', BEP, batchEndpoint());
    expect(created.status).toBe(201);
    expect(created.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(created.body).toMatchObject({
      properties: { authMode: 'AADToken', provisioningState: 'Creating', scoringUri: expect.stringMatching(/\/jobs$/) },
    });
    await h.ctx.operations.runPending();

    const deployment = await h.send('PUT', BDEP, batchDeployment());
    expect(deployment.status).toBe(201);
    expect(deployment.body).toMatchObject({
      properties: {
        compute: COMPUTE_ID,
        resources: { instanceCount: 2, instanceType: 'cpusmall' },
        miniBatchSize: 5,
        outputAction: 'AppendRow',
        provisioningState: 'Creating',
      },
    });
    await h.ctx.operations.runPending();
    expect(await stateOf(h, BDEP)).toBe('Succeeded');

    const withDefault = await h.send('PUT', BEP, batchEndpoint({ defaults: { deploymentName: 'default-dep' } }));
    expect(withDefault.status).toBe(200);
    await h.ctx.operations.runPending();

    const patched = await h.send('PATCH', BDEP, { tags: { v: '2' }, properties: { description: 'second' } });
    expect(patched.status).toBe(202);
    expect(patched.headers?.['Location']).toMatch(/^https:\/\//);
    await h.ctx.operations.runPending();
    expect(await h.get(BDEP)).toMatchObject({
      tags: { v: '2' },
      properties: { description: 'second', provisioningState: 'Succeeded' },
    });

    const endpointPatch = await h.send('PATCH', BEP, { tags: { team: 'ml' } });
    expect(endpointPatch.status).toBe(202);
    await h.ctx.operations.runPending();
    expect(await h.get(BEP)).toMatchObject({ tags: { team: 'ml' } });
    expect(((await h.get(ws('/batchEndpoints')))['value'] as unknown[]).length).toBe(1);
    expect(((await h.get(`${BEP}/deployments`))['value'] as unknown[]).length).toBe(1);

    expect((await h.send('DELETE', BDEP)).status).toBe(202);
    await h.ctx.operations.runPending();
    expect((await h.send('DELETE', BEP)).status).toBe(202);
    await h.ctx.operations.runPending();
    expect((await h.send('GET', BEP)).status).toBe(404);
  });

  it.each([
    ['Key auth', () => batchEndpoint({ authMode: 'Key' }), /support only authMode 'AADToken'/, 'properties.authMode'],
    [
      'a default deployment that does not exist',
      () => batchEndpoint({ defaults: { deploymentName: 'nope' } }),
      /default deployment 'nope' does not exist/,
      'properties.defaults.deploymentName',
    ],
  ])('refuses a batch endpoint with %s', async (_case, body, message, target) => {
    const h = await ready();
    const result = await h.send('PUT', BEP, body());
    expect(result.status).toBe(400);
    expect(errorOf(result)).toMatchObject({ message: expect.stringMatching(message), target });
  });

  it.each([
    ['no compute', { compute: undefined }, 400, /'properties.compute' is required/, 'properties.compute'],
    [
      'a model reference without assetId',
      { model: { referenceType: 'Id' } },
      400,
      /'properties.model.assetId' is required/,
      'properties.model.assetId',
    ],
    [
      'a model that does not exist',
      { model: { referenceType: 'Id', assetId: `${WS_ID}/models/nope/versions/1` } },
      404,
      /Model 'nope' version '1'/,
      'properties.model',
    ],
    [
      'an instance type the compute lacks',
      { resources: { instanceCount: 1, instanceType: 'huge' } },
      400,
      /Instance type 'huge'/,
      'properties.resources.instanceType',
    ],
    [
      'an unknown output action',
      { outputAction: 'Overwrite' },
      400,
      /must be one of SummaryOnly, AppendRow/,
      'properties.outputAction',
    ],
  ])('refuses a batch deployment with %s', async (_case, overrides, status, message, target) => {
    const h = await ready();
    await h.send('PUT', BEP, batchEndpoint());
    const result = await h.send('PUT', BDEP, batchDeployment(overrides));
    expect(result.status).toBe(status);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message), target });
  });

  it('has no keys: batch endpoints take Microsoft Entra tokens', async () => {
    const h = await ready();
    await h.send('PUT', BEP, batchEndpoint());
    const result = await h.send('POST', `${BEP}/listkeys`);
    expect(result.status).toBe(400);
    expect(errorOf(result).message).toMatch(/uses authMode 'AADToken', so it has no keys/);
  });
});
