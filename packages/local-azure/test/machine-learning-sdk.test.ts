// The Azure ML provider behind the real front door, driven by the official
// @azure/arm-machinelearning client the actions use (signed in through GitHub OIDC → Entra):
// its long-running-operation pollers, the default datastore on a real Azurite, and the traffic
// record checked against the swagger.

import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AzureMachineLearningWorkspaces as ClientType } from '../../azure/node_modules/@azure/arm-machinelearning/types/arm-machinelearning.js';
import type { ResourceProvider } from '../src/arm/contract.js';
import { machineLearningProvider } from '../src/providers/machine-learning/index.js';
import {
  contractCheck,
  deviatesOnPurpose,
  githubCredential,
  REPO_ROOT,
  readTraffic,
  startTestAzure,
} from './local-azure-support.js';
import { ARC_ID, INSTANCE_TYPES, RG, WS } from './machine-learning-harness.js';

const { AzureMachineLearningWorkspaces } = createRequire(join(REPO_ROOT, 'packages/azure/package.json'))(
  '@azure/arm-machinelearning',
) as { AzureMachineLearningWorkspaces: typeof ClientType };

/** What the Kubernetes providers would hold after connect-arc and install-azureml-extension. */
const readyCluster: ResourceProvider = {
  namespace: 'Test.Fixtures',
  resourceTypes: [],
  routes: [],
  seed(ctx) {
    ctx.store.put({
      id: ARC_ID,
      name: 'arc-k3s',
      type: 'Microsoft.Kubernetes/connectedClusters',
      location: 'eastus',
      properties: { provisioningState: 'Succeeded', connectivityStatus: 'Connected' },
    });
    ctx.store.put({
      id: `${ARC_ID}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
      name: 'azureml',
      type: 'Microsoft.KubernetesConfiguration/extensions',
      properties: {
        extensionType: 'Microsoft.AzureML.Kubernetes',
        provisioningState: 'Succeeded',
        releaseTrain: 'stable',
      },
    });
  },
};

const POLL = { updateIntervalInMs: 5 };

describe('Azure ML through the front door with the official client', () => {
  let azure: Awaited<ReturnType<typeof startTestAzure>>;
  let ml: ClientType;
  let wsPrefix: string;

  beforeAll(async () => {
    azure = await startTestAzure({ startAzurite: true, providers: [machineLearningProvider(), readyCluster] });
    ml = new AzureMachineLearningWorkspaces(githubCredential(azure), azure.subscriptionId, {
      endpoint: azure.armEndpoint,
      credentialScopes: [`${azure.armAudience}.default`],
      retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 100 },
    });
    wsPrefix = `/subscriptions/${azure.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
  }, 60_000);

  afterAll(async () => {
    await azure?.stop();
  });

  it('runs the pipeline’s control-plane calls and answers them as the swagger declares', async () => {
    const workspace = await ml.workspaces.get(RG, WS);
    expect(workspace.workspaceId).toMatch(/^[0-9a-f-]{36}$/);

    // attach-compute
    const compute = await ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'k8s',
      {
        location: 'eastus',
        properties: {
          computeType: 'Kubernetes',
          resourceId: ARC_ID,
          properties: {
            namespace: 'azureml',
            defaultInstanceType: 'cpusmall',
            instanceTypes: { cpusmall: { resources: INSTANCE_TYPES.cpusmall.resources } },
          },
        },
      },
      POLL,
    );
    expect(compute.properties?.provisioningState).toBe('Succeeded');
    const computeId = compute.id!;

    // submit-training: the default datastore, its key, a real upload to Azurite
    const defaults = [];
    for await (const store of ml.datastores.list(RG, WS, { isDefault: true })) defaults.push(store);
    expect(defaults.map((d) => d.name)).toEqual(['workspaceblobstore']);
    const blobstore = defaults[0]!.properties as {
      accountName: string;
      containerName: string;
      endpoint: string;
      protocol: string;
    };
    const secrets = (await ml.datastores.listSecrets(RG, WS, 'workspaceblobstore')) as { key?: string };
    expect(secrets.key).toBe(azure.storage.accountKey);
    const containerUrl = `${blobstore.protocol}://${blobstore.endpoint}/${blobstore.accountName}/${blobstore.containerName}`;
    expect(containerUrl).toBe(`${azure.storage.blobEndpoint}/${blobstore.containerName}`);

    const env = await ml.environmentVersions.createOrUpdate(RG, WS, 'sklearn', '1', {
      properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest', condaFile: 'name: train' },
    });
    const code = await ml.codeVersions.createOrUpdate(RG, WS, 'src', '1', {
      properties: { codeUri: `${containerUrl}/LocalUpload/abc/src` },
    });
    const job = await ml.jobs.createOrUpdate(RG, WS, 'train-1', {
      properties: {
        jobType: 'Command',
        command: 'python train.py',
        environmentId: env.id!,
        codeId: code.id!,
        computeId,
        inputs: { epochs: { jobInputType: 'literal', value: '2' } as never },
        resources: { instanceCount: 1, instanceType: 'cpusmall' },
      },
    });
    expect(job.properties.status).toBe('NotStarted');
    expect((await ml.jobs.get(RG, WS, 'train-1')).properties.status).toBe('Queued');
    await ml.jobs.beginCancelAndWait(RG, WS, 'train-1', POLL);
    expect((await ml.jobs.get(RG, WS, 'train-1')).properties.status).toBe('Canceled');

    // deploy-endpoint, blue/green
    const model = await ml.modelVersions.createOrUpdate(RG, WS, 'mnist', '1', {
      properties: { modelUri: `${containerUrl}/model`, modelType: 'custom_model' },
    });
    const endpoint = await ml.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'mnist-ep',
      { location: 'eastus', identity: { type: 'SystemAssigned' }, properties: { authMode: 'Key', compute: computeId } },
      POLL,
    );
    expect(endpoint.properties.provisioningState).toBe('Succeeded');
    const deployment = (traffic: string) =>
      ml.onlineDeployments.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'mnist-ep',
        traffic,
        {
          location: 'eastus',
          sku: { name: 'Default', capacity: 1 },
          properties: {
            endpointComputeType: 'Kubernetes',
            model: model.id!,
            environmentId: env.id!,
            codeConfiguration: { codeId: code.id!, scoringScript: 'score.py' },
            instanceType: 'cpusmall',
          },
        },
        POLL,
      );
    expect((await deployment('blue')).properties.provisioningState).toBe('Succeeded');
    await deployment('green');
    const routed = await ml.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'mnist-ep',
      { location: 'eastus', properties: { authMode: 'Key', compute: computeId, traffic: { blue: 90, green: 10 } } },
      POLL,
    );
    expect(routed.properties.traffic).toEqual({ blue: 90, green: 10 });
    const patched = await ml.onlineEndpoints.beginUpdateAndWait(RG, WS, 'mnist-ep', { tags: { stage: 'smoke' } }, POLL);
    expect(patched.tags).toEqual({ stage: 'smoke' });
    const keys = await ml.onlineEndpoints.listKeys(RG, WS, 'mnist-ep');
    await ml.onlineEndpoints.beginRegenerateKeysAndWait(RG, WS, 'mnist-ep', { keyType: 'Primary' }, POLL);
    expect((await ml.onlineEndpoints.listKeys(RG, WS, 'mnist-ep')).primaryKey).not.toBe(keys.primaryKey);
    const logs = await ml.onlineDeployments.getLogs(RG, WS, 'mnist-ep', 'blue', {
      containerType: 'InferenceServer',
      tail: 5,
    });
    expect(logs.content).toMatch(/no scoring runtime/);
    const scaled = await ml.onlineDeployments.beginUpdateAndWait(
      RG,
      WS,
      'mnist-ep',
      'green',
      { sku: { capacity: 2 } },
      POLL,
    );
    expect(scaled.sku?.capacity).toBe(2);

    await expect(ml.onlineDeployments.beginDeleteAndWait(RG, WS, 'mnist-ep', 'blue', POLL)).rejects.toMatchObject({
      statusCode: 400,
      code: 'UserError',
    });
    await ml.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'mnist-ep',
      { location: 'eastus', properties: { authMode: 'Key', compute: computeId, traffic: { blue: 0, green: 100 } } },
      POLL,
    );
    await ml.onlineDeployments.beginDeleteAndWait(RG, WS, 'mnist-ep', 'blue', POLL);
    await ml.onlineEndpoints.beginDeleteAndWait(RG, WS, 'mnist-ep', POLL);

    // batch
    await ml.batchEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'mnist-batch',
      { location: 'eastus', properties: { authMode: 'AADToken' } },
      POLL,
    );
    await ml.batchEndpoints.beginUpdateAndWait(RG, WS, 'mnist-batch', { tags: { team: 'ml' } }, POLL);
    await ml.batchEndpoints.beginDeleteAndWait(RG, WS, 'mnist-batch', POLL);

    // detach
    await ml.computeOperations.beginDeleteAndWait(RG, WS, 'k8s', 'Detach', POLL);
    await expect(ml.computeOperations.get(RG, WS, 'k8s')).rejects.toMatchObject({ statusCode: 404 });
    expect(wsPrefix).toContain(WS);

    const traffic = readTraffic(azure.trafficFile);
    const report = contractCheck(azure.trafficFile);
    if (report) {
      const violations = report.violations.filter((v) => !deviatesOnPurpose(traffic, v.line));
      expect(violations).toEqual([]);
      expect(report.unmatched).toEqual([]);
    }
    expect(JSON.stringify(traffic)).not.toContain(keys.primaryKey!);
  }, 60_000);
});
