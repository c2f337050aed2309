import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type AzureClients, createClients } from '../src/clients.js';
import { describeState, OperationFailedError, type OperationStateLike, waitForOperation } from '../src/lro.js';
import { fakeTime, staticCredential } from '../src/testing.js';
import { TimeoutError, WaitAbortedError } from '../src/wait-for.js';
import { inTurn, type Route, router, testCloud } from './helpers/fake-arm.js';
import { sendJson, startHttpsServer, type TestServer, trustTestCa } from './helpers/https-server.js';

const SUB = '00000000-0000-0000-0000-000000000001';

/** A core-lro v2 style poller (methods) over a list of states; poll() moves to the next one. */
function methodPoller<T>(states: OperationStateLike[], result: T) {
  let i = 0;
  const calls = { poll: 0 };
  const state = () => states[Math.min(i, states.length - 1)]!;
  const done = () => ['succeeded', 'failed', 'canceled'].includes(state().status ?? '') || Boolean(state().isCompleted);
  return {
    calls,
    poller: {
      poll: async () => {
        calls.poll++;
        i++;
      },
      isDone: done,
      getOperationState: state,
      pollUntilDone: async () => {
        const s = state();
        if (s.error) throw s.error;
        return result;
      },
    },
  };
}

describe('waitForOperation with poller fakes', () => {
  it.each<[string, OperationStateLike[], string[]]>([
    [
      'v3 / simple pollers (status)',
      [{ status: 'notStarted' }, { status: 'running' }, { status: 'running' }, { status: 'succeeded' }],
      ['NotStarted', 'Running', 'Succeeded'],
    ],
    [
      'legacy v2 pollers (isStarted / isCompleted)',
      [{ isStarted: true }, { isStarted: true }, { isStarted: true, isCompleted: true }],
      ['Running', 'Succeeded'],
    ],
    [
      'a provisioning state in the partial result',
      [
        { status: 'running', result: { properties: { provisioningState: 'Creating' } } },
        { status: 'running', result: { properties: { provisioningState: 'Updating' } } },
        { status: 'succeeded' },
      ],
      ['Creating', 'Updating', 'Succeeded'],
    ],
  ])('reports state changes for %s and returns the result', async (_case, states, expected) => {
    const time = fakeTime();
    const { poller } = methodPoller(states, { id: 'x' });
    const progress: string[] = [];
    const result = await waitForOperation('create x', poller, {
      clock: time.clock,
      sleep: time.sleep,
      onProgress: (state) => progress.push(state),
    });
    expect(result).toEqual({ id: 'x' });
    expect(progress).toEqual(expected);
  });

  it('accepts a promise of a poller, as begin* methods return', async () => {
    const time = fakeTime();
    const { poller } = methodPoller([{ status: 'running' }, { status: 'succeeded' }], 42);
    await expect(
      waitForOperation('x', Promise.resolve(poller), { clock: time.clock, sleep: time.sleep }),
    ).resolves.toBe(42);
  });

  it('times out with the label and the last state, and stops polling', async () => {
    const time = fakeTime();
    const { poller, calls } = methodPoller([{ status: 'running' }], undefined);
    const error = await waitForOperation('install extension azureml', poller, {
      timeoutMs: 60_000,
      intervalMs: 10_000,
      maxIntervalMs: 10_000,
      clock: time.clock,
      sleep: time.sleep,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      'Timed out after 1m 00s waiting for install extension azureml; its last state was Running',
    );
    // The first look is at the initial response; then one poll every 10 s until the deadline.
    expect(calls.poll).toBe(6);
  });

  it('stops polling on abort and does not cancel the operation', async () => {
    const time = fakeTime();
    const abort = new AbortController();
    const { poller, calls } = methodPoller([{ status: 'running' }], undefined);
    const cancel = { called: false };
    const withCancel = Object.assign(poller, {
      cancelOperation: async () => {
        cancel.called = true;
      },
    });
    const result = waitForOperation('attach compute k8s', withCancel, {
      signal: abort.signal,
      clock: time.clock,
      sleep: async (ms, signal) => {
        abort.abort();
        await time.sleep(ms, signal);
      },
    });
    await expect(result).rejects.toBeInstanceOf(WaitAbortedError);
    expect(calls.poll).toBe(0);
    expect(cancel.called).toBe(false);
  });

  it('turns a failed operation into an OperationFailedError with the ARM code', async () => {
    const time = fakeTime();
    const failure = new Error(
      'The long-running operation has failed. ComputeAttachFailed. The namespace azureml does not exist.',
    );
    const { poller } = methodPoller([{ status: 'running' }, { status: 'failed', error: failure }], undefined);
    const error = (await waitForOperation('attach compute k8s', poller, { clock: time.clock, sleep: time.sleep }).catch(
      (e: unknown) => e,
    )) as OperationFailedError;
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error.code).toBe('ComputeAttachFailed');
    expect(error.message).toBe('attach compute k8s failed: ComputeAttachFailed: The namespace azureml does not exist.');
    expect(error.cause).toBe(failure);
    // The SDK's "The long-running operation has failed. …" is told by the message: not printed again.
    expect(error.messageIncludesCause).toBe(true);
  });

  it.each<[OperationStateLike | undefined, string]>([
    [undefined, 'NotStarted'],
    [{ status: 'notStarted' }, 'NotStarted'],
    [{ status: 'canceled' }, 'Canceled'],
    [{ status: 'failed' }, 'Failed'],
    [{ isStarted: true, isCancelled: true }, 'Canceled'],
    [{ isStarted: true, isCompleted: true, error: new Error('x') }, 'Failed'],
    [{ isStarted: false }, 'NotStarted'],
    [{ status: 'running', result: { provisioningState: 'Deleting' } }, 'Deleting'],
  ])('describes %j as %s', (state, expected) => {
    expect(describeState(state)).toBe(expected);
  });
});

describe('waitForOperation with the real SDK pollers against a local HTTPS Resource Manager', () => {
  let server: TestServer;
  let routes: Route[] = [];
  let restoreTrust: () => void;
  let clients: AzureClients;
  const time = fakeTime();

  beforeAll(async () => {
    restoreTrust = trustTestCa();
    server = await startHttpsServer(router(() => routes));
    clients = await createClients({
      credential: staticCredential(),
      cloud: testCloud(server.url),
      subscriptionId: SUB,
      userAgent: { version: '0.0.0', action: 'test' },
      retry: { sleep: time.sleep, clock: time.clock },
    });
  });
  afterAll(async () => {
    await server.close();
    restoreTrust();
  });

  const computePath = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/k8s`;

  it('arm-machinelearning (core-lro v2 LroEngine): create a compute, with progress', async () => {
    const computeBody = (state: string) => ({
      id: computePath,
      name: 'k8s',
      properties: { computeType: 'Kubernetes', provisioningState: state },
    });
    routes = [
      [
        'PUT',
        /\/computes\/k8s$/,
        (_q, res) =>
          sendJson(res, 201, computeBody('Creating'), {
            'azure-asyncoperation': `${server.url}/ops/compute1?api-version=2022-10-01`,
          }),
      ],
      [
        'GET',
        /^\/ops\/compute1$/,
        inTurn(
          (_q, res) => sendJson(res, 200, { status: 'InProgress' }),
          (_q, res) => sendJson(res, 200, { status: 'Succeeded' }),
        ),
      ],
      ['GET', /\/computes\/k8s$/, (_q, res) => sendJson(res, 200, computeBody('Succeeded'))],
    ];
    const progress: string[] = [];

    const compute = await waitForOperation(
      'attach compute k8s',
      clients
        .machineLearning()
        .computeOperations.beginCreateOrUpdate('rg', 'ws', 'k8s', { properties: { computeType: 'Kubernetes' } }),
      { clock: time.clock, sleep: time.sleep, onProgress: (state) => progress.push(state) },
    );

    expect(compute.properties?.provisioningState).toBe('Succeeded');
    expect(progress).toEqual(['Running', 'Succeeded']);
    expect(server.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      `PUT ${computePath}`,
      'GET /ops/compute1',
      'GET /ops/compute1',
      `GET ${computePath}`,
    ]);
  });

  it('arm-machinelearning: a Failed operation becomes an OperationFailedError with ARM code and message', async () => {
    server.requests.length = 0;
    routes = [
      [
        'PUT',
        /\/computes\/k8s$/,
        (_q, res) =>
          sendJson(
            res,
            201,
            { properties: { provisioningState: 'Creating' } },
            { 'azure-asyncoperation': `${server.url}/ops/compute2` },
          ),
      ],
      [
        'GET',
        /^\/ops\/compute2$/,
        (_q, res) =>
          sendJson(res, 200, {
            status: 'Failed',
            error: { code: 'UserError', message: 'The AzureML extension is not installed on the cluster.' },
          }),
      ],
    ];
    const error = (await waitForOperation(
      'attach compute k8s',
      clients
        .machineLearning()
        .computeOperations.beginCreateOrUpdate('rg', 'ws', 'k8s', { properties: { computeType: 'Kubernetes' } }),
      { clock: time.clock, sleep: time.sleep },
    ).catch((e: unknown) => e)) as OperationFailedError;
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error.code).toBe('UserError');
    expect(error.message).toContain(
      'attach compute k8s failed: UserError: The AzureML extension is not installed on the cluster.',
    );
  });

  it('arm-kubernetesconfiguration (core-lro v2 SimplePoller): install an extension', async () => {
    const extPath = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1/providers/Microsoft.KubernetesConfiguration/extensions/azureml`;
    const body = (state: string) => ({
      id: extPath,
      name: 'azureml',
      properties: { extensionType: 'Microsoft.AzureML.Kubernetes', provisioningState: state },
    });
    routes = [
      [
        'PUT',
        /\/extensions\/azureml$/,
        (_q, res) => sendJson(res, 201, body('Creating'), { 'azure-asyncoperation': `${server.url}/ops/ext1` }),
      ],
      [
        'GET',
        /^\/ops\/ext1$/,
        inTurn(
          (_q, res) => sendJson(res, 200, { status: 'Creating' }),
          (_q, res) => sendJson(res, 200, { status: 'Succeeded' }),
        ),
      ],
      ['GET', /\/extensions\/azureml$/, (_q, res) => sendJson(res, 200, body('Succeeded'))],
    ];
    const progress: string[] = [];
    const extension = await waitForOperation(
      'install extension azureml',
      clients
        .kubernetesConfiguration()
        .extensions.beginCreate('rg', 'Microsoft.Kubernetes', 'connectedClusters', 'arc1', 'azureml', {
          extensionType: 'Microsoft.AzureML.Kubernetes',
        }),
      { clock: time.clock, sleep: time.sleep, onProgress: (state) => progress.push(state) },
    );
    expect(extension.provisioningState).toBe('Succeeded');
    expect(progress).toEqual(['Running', 'Succeeded']);
  });

  it('arm-resources 8 (core-lro v3 PollerLike, itself a promise): delete a resource group', async () => {
    server.requests.length = 0;
    routes = [
      [
        'DELETE',
        /\/resourcegroups\/old-rg$/i,
        (_q, res) => sendJson(res, 202, undefined, { location: `${server.url}/ops/rgdelete`, 'retry-after': '0' }),
      ],
      [
        'GET',
        /^\/ops\/rgdelete$/,
        inTurn(
          (_q, res) => sendJson(res, 202, undefined, { location: `${server.url}/ops/rgdelete` }),
          (_q, res) => sendJson(res, 200, undefined),
        ),
      ],
    ];
    const progress: string[] = [];
    await waitForOperation('delete resource group old-rg', clients.resources().resourceGroups.delete('old-rg'), {
      clock: time.clock,
      sleep: time.sleep,
      onProgress: (state) => progress.push(state),
    });
    expect(progress).toEqual(['Running', 'Succeeded']);
    expect(server.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      `DELETE /subscriptions/${SUB}/resourcegroups/old-rg`,
      'GET /ops/rgdelete',
      'GET /ops/rgdelete',
    ]);
  });
});
