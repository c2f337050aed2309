// The Azure ML provider behind the real front door, driven by the official
// @azure/arm-machinelearning client the actions use, from @arc-ml/azure (signed in through GitHub OIDC → Entra):
// its long-running-operation pollers, the default datastore on a real Azurite, and the traffic
// record checked against the swagger.

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ResourceProvider } from '../src/arm/contract.js';
import { machineLearningProvider } from '../src/providers/machine-learning/index.js';
import { clientsFor, contractCheck, deviatesOnPurpose, readTraffic, startTestAzure } from './local-azure-support.js';
import { ARC_ID, INSTANCE_TYPES, RG, WS } from './machine-learning-harness.js';

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
  let ml: ReturnType<Awaited<ReturnType<typeof clientsFor>>['machineLearning']>;
  let wsPrefix: string;

  beforeAll(async () => {
    azure = await startTestAzure({ startAzurite: true, providers: [machineLearningProvider(), readyCluster] });
    ml = (await clientsFor(azure)).machineLearning();
    wsPrefix = `/subscriptions/${azure.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
  }, 60_000);

  afterAll(async () => {
    await azure?.stop();
  });

  it('runs the pipeline’s control-plane calls and answers them as the swagger declares', async () => {
    const workspace = await ml.workspaces.get(RG, WS);
    expect(workspace.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(workspace.discoveryUrl).toMatch(/^https:\/\/.+\/discovery$/);
    expect(workspace.mlFlowTrackingUri).toMatch(/^azureml:\/\/.+\/workspaces\/mlw-arc$/);
    const workspaces: string[] = [];
    for await (const each of ml.workspaces.listByResourceGroup(RG)) workspaces.push(each.name ?? '');
    expect(workspaces).toEqual([WS]);

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
    const regenerated = await ml.onlineEndpoints.listKeys(RG, WS, 'mnist-ep');
    expect(regenerated.primaryKey).not.toBe(keys.primaryKey);
    expect(regenerated.secondaryKey).toBe(keys.secondaryKey);
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
    await ml.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'mnist-ep-keys',
      { location: 'eastus', identity: { type: 'SystemAssigned' }, properties: { authMode: 'Key', compute: computeId } },
      POLL,
    );

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

    // A key the client chooses itself (keyValue) is a secret of the request body.
    const chosen = 'chosen-secondary-key-0123456789abcdef';
    await ml.onlineEndpoints.beginRegenerateKeysAndWait(
      RG,
      WS,
      'mnist-ep-keys',
      { keyType: 'Secondary', keyValue: chosen },
      POLL,
    );
    expect((await ml.onlineEndpoints.listKeys(RG, WS, 'mnist-ep-keys')).secondaryKey).toBe(chosen);
    const traffic = readTraffic(azure.trafficFile);
    const report = contractCheck(azure.trafficFile);
    if (report) {
      const violations = report.violations.filter((v) => !deviatesOnPurpose(traffic, v.line));
      expect(violations).toEqual([]);
      expect(report.unmatched).toEqual([]);
    }
    for (const key of [keys.primaryKey, keys.secondaryKey, regenerated.primaryKey, chosen]) {
      expect(key).toMatch(/^\S{16,}$/);
      expect(JSON.stringify(traffic).includes(key!)).toBe(false);
    }
  }, 60_000);

  it('creates, reads, updates, lists and deletes codes, environments, data and models, containers and versions', async () => {
    const containerUrl = `${azure.storage.blobEndpoint}/azureml-blobstore`;
    const kinds = [
      {
        kind: 'codes',
        containers: ml.codeContainers,
        versions: ml.codeVersions,
        body: { properties: { codeUri: `${containerUrl}/LocalUpload/def/src` } },
        field: 'codeUri',
      },
      {
        kind: 'environments',
        containers: ml.environmentContainers,
        versions: ml.environmentVersions,
        body: { properties: { image: 'mcr.microsoft.com/azureml/minimal-ubuntu22.04-py39-cpu-inference:latest' } },
        field: 'image',
      },
      {
        kind: 'data',
        containers: ml.dataContainers,
        versions: ml.dataVersions,
        body: {
          properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/mnist/' },
        },
        field: 'dataUri',
      },
      {
        kind: 'models',
        containers: ml.modelContainers,
        versions: ml.modelVersions,
        body: {
          properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/model', modelType: 'custom_model' },
        },
        field: 'modelUri',
      },
    ] as const;
    for (const { kind, containers, versions, body, field } of kinds) {
      // biome-ignore lint/suspicious/noExplicitAny: one loop over four generated clients of the same shape
      const c = containers as any;
      // biome-ignore lint/suspicious/noExplicitAny: as above
      const v = versions as any;
      const created = await v.createOrUpdate(RG, WS, `${kind}-asset`, '1', body);
      expect(created.id).toBe(`${wsPrefix}/${kind}/${kind}-asset/versions/1`);
      expect(created.properties[field]).toBe((body.properties as Record<string, string>)[field]);
      expect((await v.get(RG, WS, `${kind}-asset`, '1')).properties[field]).toBe(created.properties[field]);
      const container = await c.get(RG, WS, `${kind}-asset`);
      expect(container.properties.latestVersion).toBe('1');

      const described = await c.createOrUpdate(RG, WS, `${kind}-asset`, {
        properties: {
          description: `the ${kind} of the pipeline`,
          tags: { stage: 'test' },
          ...(kind === 'data' ? { dataType: 'uri_folder' } : {}),
        },
      });
      expect(described.properties.description).toBe(`the ${kind} of the pipeline`);
      expect((await c.get(RG, WS, `${kind}-asset`)).properties.tags).toEqual({ stage: 'test' });

      await v.createOrUpdate(RG, WS, `${kind}-asset`, '2', body);
      const listed: string[] = [];
      for await (const version of v.list(RG, WS, `${kind}-asset`)) listed.push(version.name);
      expect(listed.sort()).toEqual(['1', '2']);
      const names: string[] = [];
      for await (const each of c.list(RG, WS)) names.push(each.name);
      expect(names).toContain(`${kind}-asset`);

      await v.delete(RG, WS, `${kind}-asset`, '2');
      await expect(v.get(RG, WS, `${kind}-asset`, '2')).rejects.toMatchObject({ statusCode: 404 });
      await v.delete(RG, WS, `${kind}-asset`, '1');
      await c.delete(RG, WS, `${kind}-asset`);
      await expect(c.get(RG, WS, `${kind}-asset`)).rejects.toMatchObject({ statusCode: 404 });
    }
  }, 60_000);

  it('creates, reads, updates and deletes a datastore, whose secrets come back only from listSecrets', async () => {
    const accountKey = azure.storage.accountKey;
    const body = (description: string) => ({
      properties: {
        description,
        datastoreType: 'AzureBlob' as const,
        accountName: azure.storage.accountName,
        containerName: 'mnist',
        endpoint: new URL(azure.storage.blobEndpoint).host,
        protocol: 'https',
        credentials: {
          credentialsType: 'AccountKey' as const,
          secrets: { secretsType: 'AccountKey' as const, key: accountKey },
        },
      },
    });
    const created = await ml.datastores.createOrUpdate(RG, WS, 'mnist_data', body('digits'));
    expect(created.properties).toMatchObject({ datastoreType: 'AzureBlob', containerName: 'mnist' });
    expect(JSON.stringify(created)).not.toContain(accountKey);
    const updated = await ml.datastores.createOrUpdate(RG, WS, 'mnist_data', body('handwritten digits'));
    expect(updated.properties.description).toBe('handwritten digits');
    expect((await ml.datastores.get(RG, WS, 'mnist_data')).properties.description).toBe('handwritten digits');
    // Like Azure, the storage a datastore points at cannot change under it.
    await expect(
      ml.datastores.createOrUpdate(RG, WS, 'mnist_data', {
        properties: { ...body('moved').properties, containerName: 'mnist2' },
      }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/containerName.*cannot be changed/) });
    expect(JSON.stringify(await ml.datastores.get(RG, WS, 'mnist_data'))).not.toContain(accountKey);
    expect(((await ml.datastores.listSecrets(RG, WS, 'mnist_data')) as { key?: string }).key).toBe(accountKey);
    await ml.datastores.delete(RG, WS, 'mnist_data');
    await expect(ml.datastores.get(RG, WS, 'mnist_data')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('creates, reads, updates and deletes a batch deployment, and deletes a job', async () => {
    const compute = await ml.computeOperations.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'k8s-batch',
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
    expect((await ml.computeOperations.get(RG, WS, 'k8s-batch')).properties?.provisioningState).toBe('Succeeded');
    const env = await ml.environmentVersions.createOrUpdate(RG, WS, 'batch-env', '1', {
      properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest' },
    });
    const code = await ml.codeVersions.createOrUpdate(RG, WS, 'batch-src', '1', {
      properties: { codeUri: `${azure.storage.blobEndpoint}/azureml-blobstore/LocalUpload/b/src` },
    });
    const model = await ml.modelVersions.createOrUpdate(RG, WS, 'batch-model', '1', {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/model', modelType: 'custom_model' },
    });
    await ml.batchEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'nightly',
      { location: 'eastus', properties: { authMode: 'AADToken' } },
      POLL,
    );
    const deployment = await ml.batchDeployments.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'nightly',
      'blue-v1',
      {
        location: 'eastus',
        properties: {
          compute: compute.id!,
          model: { referenceType: 'Id', assetId: model.id! },
          environmentId: env.id!,
          codeConfiguration: { codeId: code.id!, scoringScript: 'batch_score.py' },
          resources: { instanceCount: 1 },
          miniBatchSize: 5,
        },
      },
      POLL,
    );
    expect(deployment.properties.provisioningState).toBe('Succeeded');
    expect((await ml.batchDeployments.get(RG, WS, 'nightly', 'blue-v1')).properties.miniBatchSize).toBe(5);
    const patched = await ml.batchDeployments.beginUpdateAndWait(
      RG,
      WS,
      'nightly',
      'blue-v1',
      { tags: { night: 'yes' } },
      POLL,
    );
    expect(patched.tags).toEqual({ night: 'yes' });
    const listed: string[] = [];
    for await (const each of ml.batchDeployments.list(RG, WS, 'nightly')) listed.push(each.name ?? '');
    expect(listed).toEqual(['blue-v1']);
    await ml.batchDeployments.beginDeleteAndWait(RG, WS, 'nightly', 'blue-v1', POLL);
    await expect(ml.batchDeployments.get(RG, WS, 'nightly', 'blue-v1')).rejects.toMatchObject({ statusCode: 404 });
    await ml.batchEndpoints.beginDeleteAndWait(RG, WS, 'nightly', POLL);

    await ml.jobs.createOrUpdate(RG, WS, 'train-2', {
      properties: {
        jobType: 'Command',
        command: 'python train.py',
        environmentId: env.id!,
        codeId: code.id!,
        computeId: compute.id!,
        resources: { instanceCount: 1, instanceType: 'cpusmall' },
      },
    });
    await ml.jobs.beginCancelAndWait(RG, WS, 'train-2', POLL);
    await ml.jobs.beginDeleteAndWait(RG, WS, 'train-2', POLL);
    await expect(ml.jobs.get(RG, WS, 'train-2')).rejects.toMatchObject({ statusCode: 404 });
    await ml.computeOperations.beginDeleteAndWait(RG, WS, 'k8s-batch', 'Detach', POLL);
  }, 60_000);

  it('records traffic of the whole suite that passes the contract check, with no key in it', () => {
    const traffic = readTraffic(azure.trafficFile);
    expect(JSON.stringify(traffic)).not.toContain(azure.storage.accountKey);
    const report = contractCheck(azure.trafficFile);
    if (!report) return; // ../shared is absent
    expect(report.violations.filter((v) => !deviatesOnPurpose(traffic, v.line))).toEqual([]);
    expect(report.unmatched).toEqual([]);
  });
});
