// Resource Manager's front door and Microsoft.Resources, driven with the official SDK clients the
// actions use (signed in through GitHub OIDC → Entra) and with plain HTTPS where the SDKs never go:
// role checks, api-versions, request validation, unknown routes, long-running operations (core-lro
// 3 with Location polling, core-lro 2 with Azure-AsyncOperation), the traffic record, and the
// contract check over everything recorded here.

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ArmError, type ResourceProvider } from '../src/arm/contract.js';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import type { LocalAzureConfig } from '../src/config/types.js';
import { REDACTED } from '../src/http/traffic.js';
import type { LocalAzure } from '../src/local-azure.js';
import {
  armToken,
  type ContractFinding,
  call,
  contractCheck,
  deviatesOnPurpose,
  extensionsClient,
  githubIdToken,
  readTraffic,
  resourcesClient,
  type SignInOptions,
  startTestAzure,
} from './local-azure-support.js';

const OPS_APP = {
  displayName: 'arc-ml-ops',
  clientId: '33333333-0000-4000-8000-00000000a2c1',
  objectId: '44444444-0000-4000-8000-00000000a2c1',
  federatedCredentials: [
    {
      name: 'ops-environment',
      issuer: '{github}',
      subject: 'repo:arc-ml/arc-ml-actions:environment:ops',
      audiences: ['api://AzureADTokenExchange'],
    },
  ],
  roleAssignments: [{ role: 'Contributor', scope: '/subscriptions/{subscription}' }],
};
const CONFIG: LocalAzureConfig = { ...DEFAULT_CONFIG, apps: [...DEFAULT_CONFIG.apps, OPS_APP] };
const SUB = DEFAULT_CONFIG.subscriptionId;
const APP = DEFAULT_CONFIG.apps[0]!;

let azure: LocalAzure;
let token: string;
let opsSignIn: SignInOptions;
/** Every secret the tests saw: none may appear in the traffic record. */
const secrets = new Set<string>();

beforeAll(async () => {
  azure = await startTestAzure({ config: CONFIG });
  token = await armToken(azure);
  const { requestToken } = await azure.admin.mintRequestToken({ claims: { environment: 'ops' } });
  opsSignIn = { requestToken, clientId: OPS_APP.clientId };
  secrets
    .add(token)
    .add(requestToken)
    .add(azure.idTokenRequestToken)
    .add(await githubIdToken(azure));
});

afterAll(async () => {
  await azure?.stop();
});

const rg = (name: string, query = 'api-version=2025-04-01') => `/subscriptions/${SUB}/resourcegroups/${name}?${query}`;

describe('resource groups through @azure/arm-resources', () => {
  it('creates, reads, tags, lists and finds a resource group', async () => {
    const client = await resourcesClient(azure, opsSignIn);
    const created = await client.resourceGroups.createOrUpdate('scratch-rg', {
      location: 'East US',
      tags: { team: 'ml' },
    });
    expect(created).toMatchObject({
      id: `/subscriptions/${SUB}/resourceGroups/scratch-rg`,
      name: 'scratch-rg',
      type: 'Microsoft.Resources/resourceGroups',
      location: 'eastus',
      tags: { team: 'ml' },
      properties: { provisioningState: 'Succeeded' },
    });
    const updated = await client.resourceGroups.update('scratch-rg', { tags: { team: 'ml', stage: 'test' } });
    expect(updated.tags).toEqual({ team: 'ml', stage: 'test' });
    expect((await client.resourceGroups.get('SCRATCH-RG')).tags).toEqual({ team: 'ml', stage: 'test' });
    expect(await client.resourceGroups.checkExistence('scratch-rg')).toEqual({ body: true });
    expect(await client.resourceGroups.checkExistence('never-made-rg')).toEqual({ body: false });
    const names: string[] = [];
    for await (const group of client.resourceGroups.list()) names.push(group.name ?? '');
    expect(names).toEqual(expect.arrayContaining(['arc-ml-rg', 'no-access-rg', 'scratch-rg']));
  });

  it('reads a resource by an id with its leading slash: getById sends //subscriptions/…, as ARM tolerates', async () => {
    const client = await resourcesClient(azure, opsSignIn);
    const id = `/subscriptions/${SUB}/resourceGroups/arc-ml-rg`;
    const before = readTraffic(azure.trafficFile).length;

    const group = await client.resources.getById(id, '2025-04-01');

    expect(group).toMatchObject({ id, name: 'arc-ml-rg', type: 'Microsoft.Resources/resourceGroups' });
    const sent = readTraffic(azure.trafficFile)
      .slice(before)
      .filter((t) => t.url.includes('/subscriptions/'));
    expect(sent.map((t) => [t.method, t.url, t.status])).toEqual([
      ['GET', `${azure.baseUrl}/${id}?api-version=2025-04-01`, 200],
    ]);

    const doubled = await call(
      azure,
      'GET',
      `//subscriptions/${SUB}//resourcegroups/arc-ml-rg?api-version=2025-04-01`,
      {
        token: await armToken(azure, opsSignIn),
      },
    );
    expect(doubled).toMatchObject({ status: 200, body: { id, name: 'arc-ml-rg' } });
    expect(readTraffic(azure.trafficFile).at(-1)?.url).toBe(
      `${azure.baseUrl}//subscriptions/${SUB}//resourcegroups/arc-ml-rg?api-version=2025-04-01`,
    );
  });

  it('answers 201 for a new group and 200 for an existing one, and refuses to move it', async () => {
    const ops = await armToken(azure, opsSignIn);
    expect((await call(azure, 'PUT', rg('put-rg'), { token: ops, body: { location: 'eastus' } })).status).toBe(201);
    expect((await call(azure, 'PUT', rg('put-rg'), { token: ops, body: { location: 'eastus' } })).status).toBe(200);
    const moved = await call(azure, 'PUT', rg('put-rg'), { token: ops, body: { location: 'westus' } });
    expect(moved).toMatchObject({ status: 409, body: { error: { code: 'InvalidResourceGroupLocation' } } });
    const noLocation = await call(azure, 'PUT', rg('put-rg'), { token: ops, body: {}, deviates: true });
    expect(noLocation).toMatchObject({ status: 400, body: { error: { code: 'LocationRequired' } } });
  });

  it('deletes a group as a long-running operation the SDK poller follows (202 + Location)', async () => {
    const client = await resourcesClient(azure, opsSignIn);
    await client.resourceGroups.createOrUpdate('doomed-rg', { location: 'eastus' });
    await client.resourceGroups.delete('doomed-rg', { updateIntervalInMs: 10 }).pollUntilDone();
    expect(await client.resourceGroups.checkExistence('doomed-rg')).toEqual({ body: false });

    const traffic = readTraffic(azure.trafficFile);
    const accepted = traffic.find((t) => t.method === 'DELETE' && t.url.includes('/doomed-rg?'));
    expect(accepted?.status).toBe(202);
    const location = String(accepted?.responseHeaders.location);
    expect(location).toMatch(
      new RegExp(
        `^${azure.baseUrl}/subscriptions/${SUB}/providers/Microsoft.Resources/locations/eastus/operationResults/`,
      ),
    );
    expect(accepted?.responseHeaders['azure-asyncoperation']).toBeUndefined(); // ARM polls group deletes by Location only
    const polls = traffic.filter((t) => t.method === 'GET' && t.url.startsWith(location.split('?')[0]!));
    expect(polls.at(-1)?.status).toBe(200);
  });

  describe('while a delete is still running', () => {
    let slow: LocalAzure;

    beforeAll(async () => {
      slow = await startTestAzure({ config: CONFIG, delays: { resourceGroup: 600_000 } });
    });

    afterAll(async () => {
      await slow?.stop();
    });

    it('answers 202 on the Location URL, InProgress on the status URL, and Deleting on the group', async () => {
      const ops = await armToken(slow, {
        requestToken: (await slow.admin.mintRequestToken({ claims: { environment: 'ops' } })).requestToken,
        clientId: OPS_APP.clientId,
      });
      const accepted = await call(slow, 'DELETE', rg('arc-ml-rg'), { token: ops });
      expect(accepted.status).toBe(202);
      expect(accepted.headers.get('retry-after')).toBe('1');
      const location = new URL(accepted.headers.get('location') ?? '');
      const running = await call(slow, 'GET', location.pathname + location.search, { token: ops });
      expect(running.status).toBe(202);
      expect(running.headers.get('location')).toBe(location.toString());
      const statusPath = location.pathname.replace('/operationResults/', '/operationStatuses/');
      const status = await call(slow, 'GET', `${statusPath}?api-version=2025-04-01`, { token: ops });
      expect(status.body).toMatchObject({ status: 'InProgress', startTime: expect.any(String) });
      const group = await call(slow, 'GET', rg('arc-ml-rg'), { token: ops });
      expect(group.body).toMatchObject({ properties: { provisioningState: 'Deleting' } });
      const put = await call(slow, 'PUT', rg('arc-ml-rg'), { token: ops, body: { location: 'eastus' } });
      expect(put).toMatchObject({ status: 409, body: { error: { code: 'ResourceGroupBeingDeleted' } } });
    });
  });

  it('answers ResourceGroupNotFound for a missing group and anything below it', async () => {
    const missing = await call(azure, 'GET', rg('no-such-rg'), { token });
    expect(missing.status).toBe(403); // the default app has no role there: ARM checks access first
    const ops = await armToken(azure, opsSignIn);
    expect((await call(azure, 'GET', rg('no-such-rg'), { token: ops })).body).toMatchObject({
      error: { code: 'ResourceGroupNotFound', message: "Resource group 'no-such-rg' could not be found." },
    });
    const below = await call(
      azure,
      'GET',
      `/subscriptions/${SUB}/resourceGroups/no-such-rg/providers/Microsoft.MachineLearningServices/workspaces/w?api-version=2022-10-01`,
      { token: ops },
    );
    expect(below).toMatchObject({ status: 404, body: { error: { code: 'ResourceGroupNotFound' } } });
  });
});

describe('role checks', () => {
  it("answers 403 AuthorizationFailed in ARM's words where the app has no role", async () => {
    const answer = await call(azure, 'GET', rg('no-access-rg'), { token });
    expect(answer.status).toBe(403);
    expect(answer.body).toEqual({
      error: {
        code: 'AuthorizationFailed',
        message: `The client '${APP.clientId}' with object id '${APP.objectId}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/read' over scope '/subscriptions/${SUB}/resourcegroups/no-access-rg' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        details: [],
      },
    });
    await expect((await resourcesClient(azure)).resourceGroups.get('no-access-rg')).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
  });

  it('refuses writes outside the assigned scope and lets the assignment reach everything below it', async () => {
    const write = await call(azure, 'PUT', rg('new-rg'), { token, body: { location: 'eastus' } });
    expect(write.body).toMatchObject({
      error: {
        code: 'AuthorizationFailed',
        message: expect.stringContaining("action 'Microsoft.Resources/subscriptions/resourceGroups/write'"),
      },
    });
    const patch = await call(azure, 'PATCH', rg('arc-ml-rg'), { token, body: { tags: { owner: 'ci' } } });
    expect(patch.status).toBe(200);
  });

  it('lists only the groups the app may read, as ARM filters lists', async () => {
    const names: string[] = [];
    for await (const group of (await resourcesClient(azure)).resourceGroups.list()) names.push(group.name ?? '');
    expect(names).toEqual(['arc-ml-rg']);
  });

  it('shows the subscription to an app with a role inside it, and refuses provider registration', async () => {
    const subscription = await call(azure, 'GET', `/subscriptions/${SUB}?api-version=2022-12-01`, {
      token,
      deviates: true,
    });
    expect(subscription.body).toMatchObject({ subscriptionId: SUB, tenantId: azure.tenantId, state: 'Enabled' });
    const list = await call(azure, 'GET', '/subscriptions?api-version=2022-12-01', { token, deviates: true });
    expect((list.body as { value: unknown[] }).value).toHaveLength(1);
    const register = await call(
      azure,
      'POST',
      `/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/register?api-version=2025-04-01`,
      { token },
    );
    expect(register.body).toMatchObject({
      error: {
        code: 'AuthorizationFailed',
        message: expect.stringContaining(
          "'Microsoft.MachineLearningServices/register/action' over scope '/subscriptions/",
        ),
      },
    });
    const ops = await armToken(azure, opsSignIn);
    const registered = await call(
      azure,
      'POST',
      `/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/register?api-version=2025-04-01`,
      { token: ops },
    );
    expect(registered.body).toMatchObject({
      namespace: 'Microsoft.MachineLearningServices',
      registrationState: 'Registered',
    });
  });
});

describe('resource providers', () => {
  it('lists each registered namespace with its resource types and api-versions', async () => {
    const client = await resourcesClient(azure);
    const ml = await client.providers.get('Microsoft.MachineLearningServices');
    expect(ml.registrationState).toBe('Registered');
    const workspaces = ml.resourceTypes?.find((t) => t.resourceType === 'workspaces');
    expect(workspaces?.apiVersions).toContain('2022-10-01');
    const resources = await client.providers.get('microsoft.resources');
    expect(resources.resourceTypes?.map((t) => t.resourceType)).toContain('resourceGroups');
    const all = await call(azure, 'GET', `/subscriptions/${SUB}/providers?api-version=2021-04-01`, {
      token,
      deviates: true,
    });
    const namespaces = (all.body as { value: { namespace: string }[] }).value.map((p) => p.namespace);
    expect(namespaces).toEqual(
      expect.arrayContaining([
        'Microsoft.Resources',
        'Microsoft.Kubernetes',
        'Microsoft.KubernetesConfiguration',
        'Microsoft.MachineLearningServices',
      ]),
    );
  });
});

describe('request checks', () => {
  it('requires an api-version and lists the supported ones when it is unknown', async () => {
    const missing = await call(azure, 'GET', `/subscriptions/${SUB}/resourcegroups/arc-ml-rg`, {
      token,
      deviates: true,
    });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'MissingApiVersionParameter' } } });
    const wrong = await call(azure, 'GET', rg('arc-ml-rg', 'api-version=2099-01-01'), { token, deviates: true });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({
      error: {
        code: 'InvalidApiVersionParameter',
        message: expect.stringMatching(
          /^The api-version '2099-01-01' is invalid\. The supported versions are '2025-04-01,2025-03-01,.*2020-06-01'\.$/,
        ),
      },
    });
    const older = await call(azure, 'GET', rg('arc-ml-rg', 'api-version=2021-04-01'), { token, deviates: true });
    expect(older.status).toBe(200);
  });

  it('answers InvalidRequestContent for a body that is not JSON', async () => {
    const answer = await call(azure, 'PATCH', rg('arc-ml-rg'), {
      token,
      rawBody: '{"tags": {"a": ',
      headers: { 'Content-Type': 'application/json' },
      deviates: true,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: { code: 'InvalidRequestContent', message: expect.stringContaining('could not be deserialized') },
    });
  });

  it.each([
    [
      'an unknown namespace',
      `/subscriptions/${SUB}/resourceGroups/arc-ml-rg/providers/Microsoft.Nope/things/t?api-version=2025-04-01`,
      400,
      'InvalidResourceNamespace',
    ],
    [
      'an unknown resource type',
      `/subscriptions/${SUB}/resourceGroups/arc-ml-rg/providers/Microsoft.MachineLearningServices/gadgets/g?api-version=2022-10-01`,
      404,
      'InvalidResourceType',
    ],
    [
      'another subscription',
      `/subscriptions/00000000-9999-4000-8000-000000000000/resourcegroups/arc-ml-rg?api-version=2025-04-01`,
      404,
      'SubscriptionNotFound',
    ],
  ])('answers %s with ARM’s error', async (_what, path, status, code) => {
    const answer = await call(azure, 'GET', path, { token, deviates: true });
    expect(answer.status).toBe(status);
    expect(answer.body).toMatchObject({ error: { code, message: expect.any(String), details: [] } });
  });

  it('puts the headers ARM sends on every answer', async () => {
    const answer = await call(azure, 'GET', rg('arc-ml-rg'), {
      token,
      headers: { 'x-ms-correlation-request-id': 'corr-123' },
    });
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.headers.get('x-ms-correlation-request-id')).toBe('corr-123');
    expect(Number(answer.headers.get('x-ms-ratelimit-remaining-subscription-reads'))).toBeGreaterThan(0);
    const write = await call(azure, 'PATCH', rg('arc-ml-rg'), {
      token,
      body: {},
      headers: { 'x-ms-client-request-id': 'client-9' },
    });
    expect(write.headers.get('x-ms-correlation-request-id')).toBe('client-9');
    expect(Number(write.headers.get('x-ms-ratelimit-remaining-subscription-writes'))).toBeGreaterThan(0);
  });
});

describe('long-running operations with core-lro 2 (Azure-AsyncOperation)', () => {
  let lro: LocalAzure;
  /** Extensions whose work waits until the test opens their gate. */
  const gates = new Map<string, Gate>();

  beforeAll(async () => {
    lro = await startTestAzure({ providers: [extensionProvider(gates)] });
  });

  afterAll(async () => {
    await lro?.stop();
  });

  it('polls the status URL to Succeeded, then reads the resource', async () => {
    const client = await extensionsClient(lro);
    const extension = await client.extensions.beginCreateAndWait(
      'arc-ml-rg',
      'Microsoft.ContainerService',
      'managedClusters',
      'aks-ml',
      'flux',
      {
        extensionType: 'microsoft.flux',
        configurationProtectedSettings: { sshPrivateKey: 'super-secret-value' },
      },
      { updateIntervalInMs: 20 },
    );
    expect(extension).toMatchObject({ name: 'flux', provisioningState: 'Succeeded' });
    const traffic = readTraffic(lro.trafficFile);
    const put = traffic.find((t) => t.method === 'PUT');
    const asyncUrl = String(put?.responseHeaders['azure-asyncoperation']);
    expect(asyncUrl).toMatch(
      new RegExp(
        `^${lro.baseUrl}/subscriptions/.+/providers/Microsoft.KubernetesConfiguration/locations/eastus/operationStatuses/`,
      ),
    );
    const polls = traffic.filter((t) => t.url.split('?')[0] === asyncUrl.split('?')[0]);
    expect(polls.map((p) => (p.responseBody as { status: string }).status)).toEqual(
      expect.arrayContaining(['Succeeded']),
    );
    expect(JSON.stringify(put?.requestBody)).not.toContain('super-secret-value');
    expect(put?.requestBody).toMatchObject({
      properties: { configurationProtectedSettings: { sshPrivateKey: REDACTED } },
    });
  });

  it('answers InProgress with Retry-After while the work waits, and accepts any api-version there', async () => {
    const gate = new Gate();
    gates.set('slow', gate);
    const client = await extensionsClient(lro);
    const poller = await client.extensions.beginCreate(
      'arc-ml-rg',
      'Microsoft.ContainerService',
      'managedClusters',
      'aks-ml',
      'slow',
      { extensionType: 'x' },
    );
    const put = readTraffic(lro.trafficFile)
      .filter((t) => t.method === 'PUT')
      .at(-1);
    const statusUrl = new URL(String(put?.responseHeaders['azure-asyncoperation']));
    const t = await armToken(lro);
    const early = await call(lro, 'GET', `${statusUrl.pathname}?api-version=1999-01-01`, { token: t });
    expect(early.body).toMatchObject({ status: 'InProgress' });
    expect(early.headers.get('retry-after')).toBe('1');
    gate.open();
    expect(await poller.pollUntilDone()).toMatchObject({ name: 'slow', provisioningState: 'Succeeded' });
    const late = await call(lro, 'GET', `${statusUrl.pathname}?api-version=1999-01-01`, { token: t });
    expect(late.body).toMatchObject({ status: 'Succeeded', endTime: expect.any(String) });
  });

  it('deletes with a 202 the poller follows to the end', async () => {
    const client = await extensionsClient(lro);
    await client.extensions.beginDeleteAndWait(
      'arc-ml-rg',
      'Microsoft.ContainerService',
      'managedClusters',
      'aks-ml',
      'flux',
      { updateIntervalInMs: 20 },
    );
    await expect(
      client.extensions.get('arc-ml-rg', 'Microsoft.ContainerService', 'managedClusters', 'aks-ml', 'flux'),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it('records traffic that passes the contract check', () => {
    const report = contractCheck(lro.trafficFile);
    if (!report) return; // ../shared is absent
    expect(report.violations).toEqual([]);
    expect(report.unmatched).toEqual([]);
  });
});

describe('the traffic record', () => {
  it('holds every exchange with the fields the contract checker reads', () => {
    const traffic = readTraffic(azure.trafficFile);
    expect(traffic.length).toBeGreaterThan(20);
    for (const exchange of traffic) {
      expect(Object.keys(exchange)).toEqual([
        'time',
        'method',
        'url',
        'status',
        'durationMs',
        'requestHeaders',
        'requestBody',
        'responseHeaders',
        'responseBody',
      ]);
    }
    const kinds = new Set(traffic.map((t) => new URL(t.url).pathname.split('/')[1]));
    expect([...kinds]).toEqual(expect.arrayContaining(['subscriptions', 'github', azure.tenantId]));
    expect(traffic.some((t) => t.url.includes('/_admin'))).toBe(false);
  });

  it('holds no secret: no token, assertion or key', () => {
    const text = readFileSync(azure.trafficFile, 'utf8');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    const tokenCall = readTraffic(azure.trafficFile).find(
      (t) => t.url.includes('/oauth2/v2.0/token') && t.status === 200,
    );
    expect(String(tokenCall?.requestBody)).toContain(`client_assertion=${encodeURIComponent(REDACTED)}`);
    expect(tokenCall?.responseBody).toMatchObject({ access_token: REDACTED });
    const armCall = readTraffic(azure.trafficFile).find(
      (t) => t.url.includes('/subscriptions/') && t.requestHeaders.authorization,
    );
    expect(armCall?.requestHeaders.authorization).toBe(`Bearer ${REDACTED}`);
  });

  it('passes the contract check, but for the requests these tests sent off-contract on purpose', () => {
    const report = contractCheck(azure.trafficFile);
    if (!report) return; // ../shared is absent
    const traffic = readTraffic(azure.trafficFile);
    const onPurpose = (finding: ContractFinding) => deviatesOnPurpose(traffic, finding.line);
    expect(report.violations.filter((v) => !onPurpose(v))).toEqual([]);
    expect(report.unmatched.filter((u) => !onPurpose(u))).toEqual([]);
    expect(report.summary.operations).toBeGreaterThan(30);
  });
});

/** A promise the test resolves when it wants an operation's work to go on. */
class Gate {
  open!: () => void;
  readonly passed = new Promise<void>((resolve) => {
    this.open = resolve;
  });
}

/** A minimal Microsoft.KubernetesConfiguration extensions provider: just enough for the SDK's LRO flow. */
function extensionProvider(gates: ReadonlyMap<string, Gate>): ResourceProvider {
  const path =
    '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/{clusterRp}/{clusterResourceName}/{clusterName}/providers/Microsoft.KubernetesConfiguration/extensions/{extensionName}';
  const idOf = (url: URL) => url.pathname;
  const common = { path, apiVersions: ['2023-05-01'] };
  return {
    namespace: 'Microsoft.KubernetesConfiguration',
    resourceTypes: [{ resourceType: 'extensions', apiVersions: ['2023-05-01'] }],
    routes: [
      {
        ...common,
        method: 'PUT',
        action: 'Microsoft.KubernetesConfiguration/extensions/write',
        handle: (req, ctx) => {
          const body = req.body as { properties?: { extensionType?: string } };
          const id = idOf(req.url);
          const resource = {
            id,
            name: req.params.extensionName ?? '',
            type: 'Microsoft.KubernetesConfiguration/extensions',
            properties: { extensionType: body.properties?.extensionType, provisioningState: 'Creating' },
          };
          ctx.store.put(resource);
          const operation = ctx.operations.start(id, 'extension', async () => {
            await gates.get(resource.name)?.passed;
            const current = ctx.store.get(id)!;
            ctx.store.put({
              ...current,
              properties: { ...(current.properties as object), provisioningState: 'Succeeded' },
            });
            return { status: 'Succeeded' };
          });
          return { status: 201, body: resource, headers: operation.headers() };
        },
      },
      {
        ...common,
        method: 'GET',
        action: 'Microsoft.KubernetesConfiguration/extensions/read',
        handle: (req, ctx) => {
          const found = ctx.store.get(idOf(req.url));
          if (!found) throw new ArmError(404, 'ResourceNotFound', `Extension ${req.params.extensionName} not found.`);
          return { status: 200, body: found };
        },
      },
      {
        ...common,
        method: 'DELETE',
        action: 'Microsoft.KubernetesConfiguration/extensions/delete',
        handle: (req, ctx) => {
          const id = idOf(req.url);
          if (!ctx.store.get(id)) return { status: 204 };
          const operation = ctx.operations.start(id, 'extension', () => {
            ctx.store.delete(id);
            return { status: 'Succeeded' };
          });
          return { status: 202, headers: operation.headers({ location: true }) };
        },
      },
    ],
  };
}
