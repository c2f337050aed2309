import type { TokenCredential } from '@azure/core-auth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { explainArmError, isNotFound } from '../src/arm-errors.js';
import { type AzureClients, createClients, redactUrl } from '../src/clients.js';
import type { AzureCloud } from '../src/clouds.js';
import { fakeTime, staticCredential } from '../src/testing.js';
import { inTurn, type Route, router, testCloud } from './helpers/fake-arm.js';
import { sendJson, startHttpsServer, type TestServer, trustTestCa } from './helpers/https-server.js';

const SUB = '00000000-0000-0000-0000-00000000000a';
const OTHER_SUB = '00000000-0000-0000-0000-00000000000b';

describe('createClients against a local HTTPS Resource Manager', () => {
  let server: TestServer;
  let routes: Route[] = [];
  let restoreTrust: () => void;
  let clients: AzureClients;
  let cloud: AzureCloud;
  const credential = staticCredential('secret-bearer-token');
  const time = fakeTime();
  const debug: string[] = [];
  const info: string[] = [];

  beforeAll(async () => {
    restoreTrust = trustTestCa();
    server = await startHttpsServer(router(() => routes));
    cloud = testCloud(server.url);
    clients = await createClients({
      credential,
      cloud,
      subscriptionId: SUB,
      userAgent: { version: '1.2.3', action: 'attach-compute' },
      retry: { sleep: time.sleep, clock: time.clock, random: () => 0.5 },
      logger: { debug: (m) => debug.push(m), info: (m) => info.push(m) },
      clock: time.clock,
    });
  });
  afterAll(async () => {
    await server.close();
    restoreTrust();
  });
  beforeEach(() => {
    server.requests.length = 0;
    debug.length = 0;
    info.length = 0;
    time.sleeps.length = 0;
  });

  const rg = `/subscriptions/${SUB}/resourceGroups/rg`;

  it('sends every client to the cloud endpoint with the cloud audience scope and our user agent', async () => {
    routes = [
      ['GET', /\/resourcegroups\/rg$/i, (_q, res) => sendJson(res, 200, { id: rg, name: 'rg', location: 'local' })],
      [
        'GET',
        /\/workspaces\/ws$/,
        (_q, res) =>
          sendJson(res, 200, { id: `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws`, name: 'ws' }),
      ],
      [
        'GET',
        /\/connectedClusters\/arc1$/,
        (_q, res) =>
          sendJson(res, 200, {
            name: 'arc1',
            location: 'local',
            identity: { type: 'SystemAssigned' },
            properties: { agentPublicKeyCertificate: '', connectivityStatus: 'Connected' },
          }),
      ],
      [
        'GET',
        /\/extensions\/azureml$/,
        (_q, res) => sendJson(res, 200, { name: 'azureml', properties: { provisioningState: 'Succeeded' } }),
      ],
    ];

    const group = await clients.resources().resourceGroups.get('rg');
    const workspace = await clients.machineLearning().workspaces.get('rg', 'ws');
    const cluster = await clients.connectedClusters().connectedClusterOperations.get('rg', 'arc1');
    const extension = await clients
      .kubernetesConfiguration()
      .extensions.get('rg', 'Microsoft.Kubernetes', 'connectedClusters', 'arc1', 'azureml');

    expect([group.name, workspace.name, cluster.connectivityStatus, extension.provisioningState]).toEqual([
      'rg',
      'ws',
      'Connected',
      'Succeeded',
    ]);
    expect(server.requests.map((r) => r.url.split('?')[0])).toEqual([
      `/subscriptions/${SUB}/resourcegroups/rg`,
      `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws`,
      `/subscriptions/${SUB}/resourcegroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1`,
      `${rg}/providers/Microsoft.Kubernetes/connectedClusters/arc1/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
    ]);
    for (const request of server.requests) {
      expect(request.headers['user-agent']).toMatch(/^arc-ml-actions\/1\.2\.3 attach-compute azsdk-js-/);
      expect(request.headers.authorization).toBe('Bearer secret-bearer-token');
    }
    // The audience is used literally: "https://management.test.example/" + "/.default".
    expect(new Set(credential.scopes.map((s) => s.join(' ')))).toEqual(
      new Set(['https://management.test.example//.default']),
    );
  });

  it('asks the credential once when two clients send requests at the same time', async () => {
    routes = [
      [
        'GET',
        /\/connectedClusters\/arc1$/,
        (_q, res) =>
          sendJson(res, 200, { name: 'arc1', location: 'local', properties: { connectivityStatus: 'Connected' } }),
      ],
      [
        'GET',
        /\/extensions\/azureml$/,
        (_q, res) => sendJson(res, 200, { name: 'azureml', properties: { provisioningState: 'Succeeded' } }),
      ],
    ];
    const asked: string[][] = [];
    const slowEntra: TokenCredential = {
      async getToken(scopes) {
        asked.push(Array.isArray(scopes) ? scopes : [scopes]);
        await new Promise((resolve) => setImmediate(resolve));
        return { token: `token-${asked.length}`, expiresOnTimestamp: Date.now() + 3_600_000, tokenType: 'Bearer' };
      },
    };
    const fresh = await createClients({
      credential: slowEntra,
      cloud,
      subscriptionId: SUB,
      userAgent: { version: '1.2.3', action: 'install-azureml-extension' },
      clock: time.clock,
    });

    await Promise.all([
      fresh.connectedClusters().connectedClusterOperations.get('rg', 'arc1'),
      fresh
        .kubernetesConfiguration()
        .extensions.get('rg', 'Microsoft.Kubernetes', 'connectedClusters', 'arc1', 'azureml'),
    ]);
    await fresh
      .machineLearning()
      .workspaces.get('rg', 'ws')
      .catch(() => undefined);

    expect(asked).toEqual([['https://management.test.example//.default']]);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      'Bearer token-1',
      'Bearer token-1',
      'Bearer token-1',
    ]);
  });

  it('creates each client once per subscription', async () => {
    routes = [['GET', /\/workspaces\/ws$/, (_q, res) => sendJson(res, 200, { name: 'ws' })]];
    expect(clients.machineLearning()).toBe(clients.machineLearning(SUB));
    expect(clients.machineLearning(OTHER_SUB)).not.toBe(clients.machineLearning());
    await clients.machineLearning(OTHER_SUB).workspaces.get('rg', 'ws');
    expect(server.requests[0]?.url).toContain(`/subscriptions/${OTHER_SUB}/`);
  });

  it('retries a throttled request after the Retry-After the service asked for, and says so', async () => {
    routes = [
      [
        'GET',
        /\/workspaces\/ws$/,
        inTurn(
          (_q, res) =>
            sendJson(res, 429, { error: { code: 'TooManyRequests', message: 'slow down' } }, { 'retry-after': '7' }),
          (_q, res) => sendJson(res, 200, { name: 'ws' }),
        ),
      ],
    ];
    await clients.machineLearning().workspaces.get('rg', 'ws');
    expect(time.sleeps).toEqual([7000]);
    expect(info).toEqual([
      expect.stringMatching(
        /^GET https:\/\/localhost:\d+\/subscriptions\/.*\/workspaces\/ws\?api-version=2022-10-01: HTTP 429; retry 1 of 5 in 7s$/,
      ),
    ]);
  });

  it('logs one debug line per attempt: method, URL, status, duration, request id — never headers or bodies', async () => {
    routes = [
      [
        'GET',
        /\/workspaces\/ws$/,
        inTurn(
          (_q, res) =>
            sendJson(res, 503, { error: { code: 'ServiceUnavailable', message: 'x' } }, { 'x-ms-request-id': 'req-1' }),
          (_q, res) =>
            sendJson(res, 200, { name: 'ws', properties: { secret: 'body-secret' } }, { 'x-ms-request-id': 'req-2' }),
        ),
      ],
    ];
    await clients.machineLearning().workspaces.get('rg', 'ws');
    const url = `${server.url}${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws?api-version=2022-10-01`;
    expect(debug).toEqual([`GET ${url} -> 503 (0 ms) req-1`, `GET ${url} -> 200 (0 ms) req-2`]);
    expect(debug.join('\n')).not.toMatch(/secret-bearer-token|body-secret/);
  });

  it('gives up after the configured retries; the SDK error carries the ARM error', async () => {
    routes = [
      [
        'GET',
        /\/workspaces\/ws$/,
        (_q, res) => sendJson(res, 503, { error: { code: 'ServiceUnavailable', message: 'try later' } }),
      ],
    ];
    const error = await clients
      .machineLearning()
      .workspaces.get('rg', 'ws')
      .catch((e: unknown) => e);
    expect(time.sleeps).toHaveLength(5);
    expect(explainArmError(error)).toMatchObject({ code: 'ServiceUnavailable', message: 'try later', statusCode: 503 });
  });

  it('surfaces AuthorizationFailed with who, what and where', async () => {
    const scope = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/k8s`;
    routes = [
      [
        'PUT',
        /\/computes\/k8s$/,
        (_q, res) =>
          sendJson(
            res,
            403,
            {
              error: {
                code: 'AuthorizationFailed',
                message: `The client '11111111-1111-1111-1111-111111111111' with object id '22222222-2222-2222-2222-222222222222' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/computes/write' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
              },
            },
            { 'x-ms-request-id': 'req-403' },
          ),
      ],
    ];
    const error = await clients
      .machineLearning()
      .computeOperations.beginCreateOrUpdate('rg', 'ws', 'k8s', { properties: { computeType: 'Kubernetes' } })
      .catch((e: unknown) => e);
    const explained = explainArmError(error);
    expect(explained).toMatchObject({
      code: 'AuthorizationFailed',
      statusCode: 403,
      requestId: 'req-403',
      authorization: {
        clientId: '11111111-1111-1111-1111-111111111111',
        objectId: '22222222-2222-2222-2222-222222222222',
        action: 'Microsoft.MachineLearningServices/workspaces/computes/write',
        scope,
        role: 'AzureML Compute Operator',
      },
    });
    expect(time.sleeps).toEqual([]);
  });

  it.each<[string, boolean, number, string]>([
    ['a missing resource', true, 404, 'ResourceNotFound'],
    ['a missing resource group', false, 404, 'ResourceGroupNotFound'],
    ['a missing parent', false, 404, 'ParentResourceNotFound'],
    ['a forbidden request', false, 403, 'AuthorizationFailed'],
  ])('isNotFound for %s is %s', async (_case, expected, status, code) => {
    routes = [['GET', /\/computes\/k8s$/, (_q, res) => sendJson(res, status, { error: { code, message: 'x' } })]];
    const error = await clients
      .machineLearning()
      .computeOperations.get('rg', 'ws', 'k8s')
      .catch((e: unknown) => e);
    expect(isNotFound(error)).toBe(expected);
  });
});

describe('redactUrl', () => {
  it.each([
    [
      'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=abc%2Bdef&se=2025',
      'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sig=REDACTED&se=2025',
    ],
    [
      'https://management.azure.com/subscriptions/s?api-version=2022-10-01',
      'https://management.azure.com/subscriptions/s?api-version=2022-10-01',
    ],
    ['https://x/token?code=123&state=ok', 'https://x/token?code=REDACTED&state=ok'],
    ['not a url?sig=abc', 'not a url?sig=REDACTED'],
  ])('%s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
