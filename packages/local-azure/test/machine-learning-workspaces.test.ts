import { describe, expect, it } from '@jest/globals';
import { accountUrl } from '../src/providers/machine-learning/index.js';
import { blobDatastoreBody, errorOf, harness, RG, STORAGE, SUB, WS, WS_ID, ws } from './machine-learning-harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('workspaces', () => {
  it('serves the configured workspace with the properties clients use', async () => {
    const h = harness();
    const workspace = await h.get(ws());
    const properties = workspace['properties'] as Record<string, unknown>;
    expect(workspace).toMatchObject({
      id: WS_ID,
      name: WS,
      type: 'Microsoft.MachineLearningServices/workspaces',
      location: 'eastus',
    });
    expect(workspace['identity']).toMatchObject({ type: 'SystemAssigned', tenantId: h.ctx.config.tenantId });
    expect(properties['workspaceId']).toMatch(UUID);
    expect(properties).toMatchObject({
      provisioningState: 'Succeeded',
      discoveryUrl: 'https://localhost:8443/discovery',
      mlFlowTrackingUri: `azureml://localhost:8443/mlflow/v1.0${WS_ID}`,
      storageAccount: expect.stringContaining('/providers/Microsoft.Storage/storageAccounts/devstoreaccount1'),
      keyVault: expect.stringContaining('/providers/Microsoft.KeyVault/vaults/'),
      applicationInsights: expect.stringContaining('/providers/Microsoft.Insights/components/'),
    });
  });

  it('keeps the workspace id across restarts (it names the default container)', () => {
    const guid = () =>
      (harness().ctx.store.get(WS_ID)?.['properties'] as { workspaceId?: string } | undefined)?.workspaceId;
    const first = guid();
    expect(first).toBeDefined();
    expect(guid()).toEqual(first);
  });

  it('lists workspaces by resource group and by subscription', async () => {
    const h = harness();
    const byGroup = await h.get(
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces`,
    );
    const bySubscription = await h.get(`/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/workspaces`);
    expect((byGroup['value'] as { name: string }[]).map((w) => w.name)).toEqual([WS]);
    expect((bySubscription['value'] as { name: string }[]).map((w) => w.name)).toEqual([WS]);
    const empty = await h.get(
      `/subscriptions/${SUB}/resourceGroups/no-access-rg/providers/Microsoft.MachineLearningServices/workspaces`,
    );
    expect(empty['value']).toEqual([]);
  });

  it.each([
    [
      'an unknown workspace',
      ws().replace(WS, 'nope'),
      404,
      'ResourceNotFound',
      /Microsoft.MachineLearningServices\/workspaces\/nope/,
    ],
    ['an unknown resource group', ws().replace(RG, 'other-rg'), 404, 'ResourceGroupNotFound', /other-rg/],
    [
      'a child of an unknown workspace',
      `${ws().replace(WS, 'nope')}/computes`,
      404,
      'ParentResourceNotFound',
      /workspaces\/nope' could not be found/,
    ],
  ])('answers %s with ARM 404', async (_case, path, status, code, message) => {
    const result = await harness().send('GET', path);
    expect(result.status).toBe(status);
    expect(errorOf(result)).toMatchObject({ code, message: expect.stringMatching(message) });
  });
});

describe('datastores', () => {
  it('seeds workspaceblobstore as the default AzureBlob datastore on Azurite, and creates its container', async () => {
    const h = harness();
    const store = await h.get(ws('/datastores/workspaceblobstore'));
    const workspace = await h.get(ws());
    const guid = (workspace['properties'] as Record<string, string>)['workspaceId'];
    expect(store['properties']).toEqual(
      expect.objectContaining({
        datastoreType: 'AzureBlob',
        isDefault: true,
        accountName: 'devstoreaccount1',
        containerName: `azureml-blobstore-${guid}`,
        endpoint: '127.0.0.1:47444',
        protocol: 'https',
        credentials: { credentialsType: 'AccountKey' },
      }),
    );
    expect(h.containers).toEqual([`azureml-blobstore-${guid}`, 'azureml']);
    const properties = store['properties'] as { accountName: string; endpoint: string; protocol: string };
    expect(accountUrl(properties)).toBe(STORAGE.blobEndpoint);
  });

  it('lists with the isDefault filter and pages', async () => {
    const h = harness();
    const defaults = await h.get(ws('/datastores?isDefault=true'));
    expect((defaults['value'] as { name: string }[]).map((d) => d.name)).toEqual(['workspaceblobstore']);
    const page = await h.get(ws('/datastores?count=1'));
    expect((page['value'] as unknown[]).length).toBe(1);
    expect(page['nextLink']).toMatch(/^https:\/\/localhost:8443\/.*\$skip=1/);
    const next = await h.get(new URL(page['nextLink'] as string).pathname + new URL(page['nextLink'] as string).search);
    expect((next['value'] as unknown[]).length).toBe(1);
    expect(next['nextLink']).toBeUndefined();
  });

  it('gives the account key of the workspace storage through listSecrets only', async () => {
    const h = harness();
    const secrets = await h.send('POST', ws('/datastores/workspaceblobstore/listSecrets'));
    expect(secrets).toMatchObject({ status: 200, body: { secretsType: 'AccountKey', key: STORAGE.accountKey } });
    const listed = JSON.stringify(await h.get(ws('/datastores')));
    expect(listed).not.toContain(STORAGE.accountKey);
  });

  it('answers 503 for the workspace key when no blob storage runs', async () => {
    const h = harness({ noStorage: true });
    const result = await h.send('POST', ws('/datastores/workspaceblobstore/listSecrets'));
    expect(result.status).toBe(503);
    expect(errorOf(result).message).toMatch(/Azurite\) is not running/);
  });

  it('creates a datastore with an account key, never echoing the key, and lists its secrets', async () => {
    const h = harness();
    const body = blobDatastoreBody(
      { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey', key: 'c2VjcmV0LWtleQ==' } },
      { tags: { purpose: 'data' } },
    );
    const created = await h.send('PUT', ws('/datastores/mnistdata'), body);
    expect(created.status).toBe(201);
    expect(JSON.stringify(created.body)).not.toContain('c2VjcmV0LWtleQ==');
    expect((created.body as { properties: Record<string, unknown> }).properties).toMatchObject({
      isDefault: false,
      credentials: { credentialsType: 'AccountKey' },
      containerName: 'mnist',
    });
    expect(JSON.stringify(await h.get(ws('/datastores/mnistdata')))).not.toContain('c2VjcmV0LWtleQ==');
    const secrets = await h.send('POST', ws('/datastores/mnistdata/listSecrets'));
    expect(secrets.body).toEqual({ secretsType: 'AccountKey', key: 'c2VjcmV0LWtleQ==' });

    const again = await h.send('PUT', ws('/datastores/mnistdata'), body);
    expect(again.status).toBe(200);
    const moved = await h.send('PUT', ws('/datastores/mnistdata'), {
      properties: { ...body.properties, containerName: 'other' },
    });
    expect(moved.status).toBe(400);
    expect(errorOf(moved)).toMatchObject({ code: 'UserError', target: 'properties.containerName' });

    expect((await h.send('DELETE', ws('/datastores/mnistdata'))).status).toBe(200);
    expect((await h.send('DELETE', ws('/datastores/mnistdata'))).status).toBe(204);
    expect((await h.send('GET', ws('/datastores/mnistdata'))).status).toBe(404);
  });

  it('refuses to delete the default datastore', async () => {
    const result = await harness().send('DELETE', ws('/datastores/workspaceblobstore'));
    expect(result.status).toBe(400);
    expect(errorOf(result).message).toMatch(/default datastore/);
  });

  const blob = (properties: Record<string, unknown>) => ({
    properties: {
      datastoreType: 'AzureBlob',
      accountName: 'devstoreaccount1',
      containerName: 'c',
      credentials: { credentialsType: 'None' },
      ...properties,
    },
  });

  it.each([
    ['no body', undefined, "'body' must not be null", undefined],
    [
      'no credentials',
      blob({ credentials: undefined }),
      "'properties.credentials' is required",
      'properties.credentials',
    ],
    [
      'an unknown datastoreType',
      blob({ datastoreType: 'Blob' }),
      /must be one of AzureBlob/,
      'properties.datastoreType',
    ],
    [
      'an unknown credentialsType',
      blob({ credentials: { credentialsType: 'Password' } }),
      /must be one of AccountKey/,
      'properties.credentials.credentialsType',
    ],
    [
      'an account key without its key',
      blob({ credentials: { credentialsType: 'AccountKey', secrets: { secretsType: 'AccountKey' } } }),
      /secrets.key' is required/,
      'properties.credentials.secrets.key',
    ],
    [
      'a property the api-version does not have',
      blob({ subscriptionId: SUB }),
      /not a property of Datastore/,
      'properties.subscriptionId',
    ],
    [
      'an AzureFile datastore',
      {
        properties: {
          datastoreType: 'AzureFile',
          accountName: 'a',
          fileShareName: 'f',
          credentials: { credentialsType: 'None' },
        },
      },
      /Azurite/,
      'properties.datastoreType',
    ],
    ['no container name', blob({ containerName: undefined }), /containerName' is required/, 'properties.containerName'],
  ])('answers 400 UserError for %s', async (_case, body, message, target) => {
    const result = await harness().send('PUT', ws('/datastores/bad'), body);
    expect(result.status).toBe(400);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message) });
    if (target) expect(errorOf(result).target).toBe(target);
  });
});
