// Faults on demand, through the admin API and the config file, as the official SDK clients meet
// them: throttling they retry through, 5xx bursts, dropped connections, operations that end Failed,
// and slower provisioning.

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import type { LocalAzure } from '../src/local-azure.js';
import {
  armToken,
  type ContractFinding,
  call,
  contractCheck,
  deviatesOnPurpose,
  readTraffic,
  resourcesClient,
  startTestAzure,
} from './local-azure-support.js';

const OPS = {
  ...DEFAULT_CONFIG.apps[0]!,
  roleAssignments: [{ role: 'Owner', scope: '/subscriptions/{subscription}' }],
};

let azure: LocalAzure;

beforeAll(async () => {
  azure = await startTestAzure({ config: { ...DEFAULT_CONFIG, apps: [OPS] } });
});

afterEach(async () => {
  await azure.admin.clearFaults();
});

afterAll(async () => {
  await azure?.stop();
});

const groupPaths = (azure: LocalAzure) =>
  readTraffic(azure.trafficFile).filter((t) => /\/resourcegroups\/arc-ml-rg\?/i.test(t.url));

describe('throttling', () => {
  it('answers every Nth request 429 with Retry-After, and the SDK retries through it', async () => {
    const client = await resourcesClient(azure);
    await client.resourceGroups.get('arc-ml-rg'); // sign-in happens outside ARM; start counting after
    const before = groupPaths(azure).length;
    await azure.admin.setFaults({ throttle: { everyNth: 2, retryAfterSeconds: 0 } });
    for (let i = 0; i < 3; i++) expect((await client.resourceGroups.get('arc-ml-rg')).name).toBe('arc-ml-rg');
    const statuses = groupPaths(azure)
      .slice(before)
      .map((t) => t.status);
    expect(statuses).toEqual([200, 429, 200, 429, 200]); // requests 2 and 4 throttled, each retried
    const throttled = groupPaths(azure).find((t) => t.status === 429);
    expect(throttled?.responseHeaders['retry-after']).toBe('0');
    expect(throttled?.responseBody).toMatchObject({ error: { code: 'SubscriptionRequestsThrottled' } });
  });

  it('throttles only the paths that match a pattern, as many times as asked', async () => {
    const token = await armToken(azure);
    await azure.admin.setFaults({ throttle: { path: 'no-access-rg', times: 1, retryAfterSeconds: 7 } });
    const rg = (name: string) => `/subscriptions/${azure.subscriptionId}/resourcegroups/${name}?api-version=2025-04-01`;
    expect((await call(azure, 'GET', rg('arc-ml-rg'), { token })).status).toBe(200);
    const throttled = await call(azure, 'GET', rg('no-access-rg'), { token });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    expect((await call(azure, 'GET', rg('no-access-rg'), { token })).status).toBe(200);
    expect((await azure.admin.faults()).remaining.throttle).toBe(0);
  });
});

describe('server errors', () => {
  it.each([500, 503] as const)('answers the next requests %i and the SDK retries until it succeeds', async (status) => {
    const client = await resourcesClient(azure);
    await client.resourceGroups.get('arc-ml-rg');
    const before = groupPaths(azure).length;
    await azure.admin.setFaults({ serverErrors: { status, times: 2, retryAfterSeconds: 0 } });
    expect((await client.resourceGroups.get('arc-ml-rg')).name).toBe('arc-ml-rg');
    expect(
      groupPaths(azure)
        .slice(before)
        .map((t) => t.status),
    ).toEqual([status, status, 200]);
  });

  it('gives up after the SDK’s retries when the errors last longer', async () => {
    await azure.admin.setFaults({ serverErrors: { status: 500, times: 10 } });
    await expect((await resourcesClient(azure)).resourceGroups.get('arc-ml-rg')).rejects.toMatchObject({
      statusCode: 500,
      code: 'InternalServerError',
    });
  });
});

describe('dropped connections', () => {
  it('closes the connection without an answer; the SDK retries on a new one', async () => {
    const client = await resourcesClient(azure);
    await client.resourceGroups.get('arc-ml-rg');
    const before = groupPaths(azure).length;
    await azure.admin.setFaults({ dropConnections: { times: 1, path: 'resourcegroups/arc-ml-rg$' } });
    expect((await client.resourceGroups.get('arc-ml-rg')).name).toBe('arc-ml-rg');
    expect(
      groupPaths(azure)
        .slice(before)
        .map((t) => t.status),
    ).toEqual([0, 200]);
  });

  it('fails a plain client with a socket error', async () => {
    const token = await armToken(azure);
    await azure.admin.setFaults({ dropConnections: { times: 1 } });
    await expect(
      fetch(`${azure.baseUrl}/subscriptions/${azure.subscriptionId}/resourcegroups/arc-ml-rg?api-version=2025-04-01`, {
        headers: { Authorization: `Bearer ${token}` },
      }),
    ).rejects.toThrow();
  });
});

describe('failing long-running operations', () => {
  it('makes the next operation end Failed with the given error, and the poller reports it', async () => {
    const client = await resourcesClient(azure);
    await client.resourceGroups.createOrUpdate('fail-rg', { location: 'eastus' });
    await azure.admin.setFaults({
      failOperations: {
        kind: 'resourceGroup',
        code: 'ResourceGroupDeletionBlocked',
        message: 'Deletion of fail-rg was blocked.',
      },
    });
    const poller = client.resourceGroups.delete('fail-rg', { updateIntervalInMs: 10 });
    await expect(poller.pollUntilDone()).rejects.toThrow(/Deletion of fail-rg was blocked/);
    const group = await client.resourceGroups.get('fail-rg');
    expect(group.properties?.provisioningState).toBe('Failed');
    expect((await azure.admin.faults()).remaining.failOperations).toBe(0);

    await client.resourceGroups.delete('fail-rg', { updateIntervalInMs: 10 }).pollUntilDone();
    expect(await client.resourceGroups.checkExistence('fail-rg')).toEqual({ body: false });
  });

  it('leaves operations of other kinds alone', async () => {
    const client = await resourcesClient(azure);
    await client.resourceGroups.createOrUpdate('other-rg', { location: 'eastus' });
    await azure.admin.setFaults({ failOperations: { kind: 'extension', code: 'ExtensionFailed', message: 'no' } });
    await client.resourceGroups.delete('other-rg', { updateIntervalInMs: 10 }).pollUntilDone();
    expect((await azure.admin.faults()).remaining.failOperations).toBe(1);
  });
});

describe('the faults API', () => {
  it('changes one fault and keeps the others', async () => {
    await azure.admin.setFaults({ throttle: { everyNth: 5 }, serverErrors: { times: 3 } });
    const state = await azure.admin.updateFaults({ delayFactor: 4 });
    expect(state.faults).toEqual({ throttle: { everyNth: 5 }, serverErrors: { times: 3 }, delayFactor: 4 });
    expect(state.remaining.serverErrors).toBe(3);
  });

  it('refuses a fault it does not know, naming it', async () => {
    await expect(azure.admin.setFaults({ slowness: 1 } as never)).rejects.toThrow(/faults\.slowness: unknown fault/);
    await expect(azure.admin.setFaults({ throttle: { path: '(' } })).rejects.toThrow(/faults\.throttle\.path/);
  });

  it('needs the admin token', async () => {
    const answer = await call(azure, 'GET', '/_admin/faults');
    expect(answer.status).toBe(401);
  });

  it('records traffic that passes the contract check', () => {
    const report = contractCheck(azure.trafficFile);
    if (!report) return; // ../shared is absent
    const traffic = readTraffic(azure.trafficFile);
    const onPurpose = (f: ContractFinding) => deviatesOnPurpose(traffic, f.line);
    expect(report.violations.filter((v) => !onPurpose(v))).toEqual([]);
    expect(report.unmatched.filter((u) => !onPurpose(u))).toEqual([]);
  });
});

describe('faults from the config file', () => {
  let slow: LocalAzure;

  afterAll(async () => {
    await slow?.stop();
  });

  it('starts with the configured faults and scales provisioning delays', async () => {
    slow = await startTestAzure({
      config: { ...DEFAULT_CONFIG, apps: [OPS], faults: { delayFactor: 0, throttle: { everyNth: 1000 } } },
      delays: 'default',
    });
    expect((await slow.admin.faults()).faults).toEqual({ delayFactor: 0, throttle: { everyNth: 1000 } });
    const client = await resourcesClient(slow);
    await client.resourceGroups.createOrUpdate('quick-rg', { location: 'eastus' });
    const token = await armToken(slow);
    const accepted = await call(
      slow,
      'DELETE',
      `/subscriptions/${slow.subscriptionId}/resourcegroups/quick-rg?api-version=2025-04-01`,
      { token },
    );
    expect(accepted.headers.get('retry-after')).toBe('0'); // the delay (300 ms) scaled by 0

    await client.resourceGroups.createOrUpdate('slower-rg', { location: 'eastus' });
    await slow.admin.updateFaults({ delayFactor: 10 });
    const slower = await call(
      slow,
      'DELETE',
      `/subscriptions/${slow.subscriptionId}/resourcegroups/slower-rg?api-version=2025-04-01`,
      { token },
    );
    // The admin API scales the same 300 ms by 10: no longer instant, so the operation is still running.
    expect(slower.headers.get('retry-after')).toBe('1');
    const location = new URL(slower.headers.get('location')!);
    expect((await call(slow, 'GET', `${location.pathname}${location.search}`, { token })).status).toBe(202);
  });
});
