import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  ARC,
  ARC_ID,
  agentPublicKey,
  CONNECTIVITY_DELAY,
  clusterPath,
  configWith,
  harness,
  onboardingBody,
  props,
  RG,
  SUB,
} from './kubernetes-harness.js';

const spkiKey = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ format: 'der', type: 'spki' })
    .toString('base64');
const ecKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ format: 'der', type: 'spki' })
    .toString('base64');

describe('connected cluster onboarding (PUT) validation', () => {
  const withProperties = (properties: Record<string, unknown>) =>
    onboardingBody({ properties: { ...(onboardingBody()['properties'] as object), ...properties } });

  it.each([
    ['no body', undefined, 400, 'InvalidRequestContent', undefined],
    ['no location', onboardingBody({ location: undefined }), 400, 'LocationRequired', 'location'],
    ['an empty location', onboardingBody({ location: ' ' }), 400, 'LocationRequired', 'location'],
    ['no identity', onboardingBody({ identity: undefined }), 400, 'InvalidRequestContent', 'identity'],
    ['identity None', onboardingBody({ identity: { type: 'None' } }), 400, 'InvalidParameter', 'identity.type'],
    ['identity without type', onboardingBody({ identity: {} }), 400, 'InvalidParameter', 'identity.type'],
    ['no properties', onboardingBody({ properties: undefined }), 400, 'InvalidRequestContent', 'properties'],
    [
      'no agentPublicKeyCertificate',
      withProperties({ agentPublicKeyCertificate: undefined }),
      400,
      'InvalidRequestContent',
      'properties.agentPublicKeyCertificate',
    ],
    [
      'a key that is not base64',
      withProperties({ agentPublicKeyCertificate: 'not base64!' }),
      400,
      'InvalidParameter',
      'properties.agentPublicKeyCertificate',
    ],
    [
      'base64 that is not a key',
      withProperties({ agentPublicKeyCertificate: Buffer.from('hello world!').toString('base64') }),
      400,
      'InvalidParameter',
      'properties.agentPublicKeyCertificate',
    ],
    [
      'an SPKI (not PKCS#1) key',
      withProperties({ agentPublicKeyCertificate: spkiKey() }),
      400,
      'InvalidParameter',
      'properties.agentPublicKeyCertificate',
    ],
    [
      'an EC key',
      withProperties({ agentPublicKeyCertificate: ecKey() }),
      400,
      'InvalidParameter',
      'properties.agentPublicKeyCertificate',
    ],
    [
      'a numeric distribution',
      withProperties({ distribution: 3 }),
      400,
      'InvalidRequestContent',
      'properties.distribution',
    ],
    ['tags that are not strings', onboardingBody({ tags: { team: 1 } }), 400, 'InvalidRequestContent', 'tags.team'],
  ])('rejects %s', async (_case, body, status, code, target) => {
    const h = harness();
    const result = await h.send('PUT', clusterPath(), body);
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ error: { code } });
    if (target) expect(result.body).toMatchObject({ error: { target } });
    expect(h.ctx.store.get(ARC_ID)).toBeUndefined();
    expect(h.ctx.operations.all).toEqual([]);
  });

  it('rejects an invalid cluster name and an unknown resource group', async () => {
    const h = harness();
    expect((await h.send('PUT', clusterPath('-bad-'), onboardingBody())).body).toMatchObject({
      error: { code: 'InvalidResourceName' },
    });
    const elsewhere = `/subscriptions/${SUB}/resourceGroups/missing-rg/providers/Microsoft.Kubernetes/connectedClusters/${ARC}`;
    const result = await h.send('PUT', elsewhere, onboardingBody());
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ error: { code: 'ResourceGroupNotFound' } });
  });

  it('accepts the key sent as az connectedk8s does and answers 201 with an absolute Azure-AsyncOperation', async () => {
    const h = harness({ lro: 'manual' });
    const result = await h.send('PUT', clusterPath(), onboardingBody({ tags: { team: 'ml' } }));
    expect(result.status).toBe(201);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(result.body).toMatchObject({
      id: ARC_ID,
      name: ARC,
      type: 'Microsoft.Kubernetes/connectedClusters',
      location: 'eastus',
      tags: { team: 'ml' },
      identity: { type: 'SystemAssigned', tenantId: h.ctx.config.tenantId },
      properties: {
        agentPublicKeyCertificate: agentPublicKey(),
        provisioningState: 'Accepted',
        connectivityStatus: 'Connecting',
        distribution: 'k3s',
        infrastructure: 'generic',
      },
      systemData: { createdBy: h.ctx.caller.clientId, createdByType: 'Application' },
    });
    expect((result.body as { identity: { principalId: string } }).identity.principalId).toMatch(/^[0-9a-f-]{36}$/);
    // agent-reported values are unknown until the agents report
    expect(props(result)).not.toHaveProperty('kubernetesVersion');
    expect(props(result)).not.toHaveProperty('lastConnectivityTime');

    await h.ctx.operations.runPending();
    expect(h.ctx.operations.last).toMatchObject({ resourceId: ARC_ID, status: 'Succeeded' });
    expect(props(await h.send('GET', clusterPath()))).toMatchObject({ provisioningState: 'Succeeded' });
  });

  it('answers 200 when the resource exists, and refuses to move it to another location', async () => {
    const h = harness();
    await h.onboard();
    expect((await h.send('PUT', clusterPath(), onboardingBody())).status).toBe(200);
    const moved = await h.send('PUT', clusterPath(), onboardingBody({ location: 'westeurope' }));
    expect(moved.status).toBe(400);
    expect(moved.body).toMatchObject({ error: { code: 'InvalidResourceLocation' } });
  });
});

describe('connectivity', () => {
  const status = async (h: ReturnType<typeof harness>) =>
    props(await h.send('GET', clusterPath()))['connectivityStatus'];

  it('moves Connecting → Connected only after the agents have run for the connectivity delay', async () => {
    const h = harness();
    await h.onboard(ARC, { startAgents: false });
    h.ctx.clock.advance(10 * CONNECTIVITY_DELAY);
    expect(await status(h)).toBe('Connecting');

    await h.admin('POST', `/clusters/${ARC}/agents`, { running: true, agentVersion: '1.22.3' });
    h.ctx.clock.advance(CONNECTIVITY_DELAY - 1);
    expect(await status(h)).toBe('Connecting');
    h.ctx.clock.advance(1);
    const connected = props(await h.send('GET', clusterPath()));
    expect(connected).toMatchObject({
      connectivityStatus: 'Connected',
      kubernetesVersion: '1.30.4',
      totalNodeCount: 3,
      totalCoreCount: 12,
      agentVersion: '1.22.3',
      lastConnectivityTime: new Date(h.ctx.clock.now()).toISOString(),
    });
    expect(Date.parse(String(connected['managedIdentityCertificateExpirationTime']))).toBeGreaterThan(
      h.ctx.clock.now(),
    );
  });

  it('counts the delay from onboarding when the agents were already running', async () => {
    const h = harness();
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: true });
    h.ctx.clock.advance(5 * CONNECTIVITY_DELAY);
    await h.send('PUT', clusterPath(), onboardingBody());
    expect(await status(h)).toBe('Connecting');
    h.ctx.clock.advance(CONNECTIVITY_DELAY);
    expect(await status(h)).toBe('Connected');
  });

  it('goes Offline a delay after the agents stop, and back to Connected when they start again', async () => {
    const h = harness();
    await h.connect();
    const stoppedAt = h.ctx.clock.now();
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: false });
    expect(await status(h)).toBe('Connected');
    h.ctx.clock.advance(CONNECTIVITY_DELAY);
    const offline = props(await h.send('GET', clusterPath()));
    expect(offline).toMatchObject({
      connectivityStatus: 'Offline',
      lastConnectivityTime: new Date(stoppedAt).toISOString(),
    });
    expect(offline['kubernetesVersion']).toBe('1.30.4');

    await h.admin('POST', `/clusters/${ARC}/agents`, { running: true });
    expect(await status(h)).toBe('Offline');
    h.ctx.clock.advance(CONNECTIVITY_DELAY);
    expect(await status(h)).toBe('Connected');
  });

  it('stays Connecting when the agents stop before they ever connected', async () => {
    const h = harness();
    await h.onboard();
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: false });
    h.ctx.clock.advance(10 * CONNECTIVITY_DELAY);
    expect(await status(h)).toBe('Connecting');
  });

  it('turns Expired after 90 days Offline', async () => {
    const h = harness();
    await h.connect();
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: false });
    h.ctx.clock.advance(91 * 24 * 60 * 60 * 1000);
    expect(await status(h)).toBe('Expired');
  });

  it.each([
    ['Offline', 'Offline'],
    ['Expired', 'Expired'],
  ])('can be forced %s by the admin hook, and forced back Connected', async (forced, expected) => {
    const h = harness();
    await h.connect();
    const answer = await h.admin('POST', `/clusters/${ARC}/connectivity`, { status: forced });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ connectivity: { status: expected, forced } });
    expect(await status(h)).toBe(expected);
    h.ctx.clock.advance(10 * CONNECTIVITY_DELAY);
    expect(await status(h)).toBe(expected);
    await h.admin('POST', `/clusters/${ARC}/connectivity`, { status: 'Connected' });
    expect(await status(h)).toBe('Connected');
  });

  it('clears a forced Offline when the agents start, but not a forced Expired', async () => {
    const h = harness();
    await h.connect();
    await h.admin('POST', `/clusters/${ARC}/connectivity`, { status: 'Offline' });
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: false });
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: true });
    h.ctx.clock.advance(CONNECTIVITY_DELAY);
    expect(await status(h)).toBe('Connected');

    await h.admin('POST', `/clusters/${ARC}/connectivity`, { status: 'Expired' });
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: false });
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: true });
    h.ctx.clock.advance(CONNECTIVITY_DELAY);
    expect(await status(h)).toBe('Expired');
  });

  it('never connects a resource that no declared cluster reports to', async () => {
    const h = harness();
    await h.send('PUT', clusterPath('somewhere-else'), onboardingBody());
    h.ctx.clock.advance(100 * CONNECTIVITY_DELAY);
    expect(props(await h.send('GET', clusterPath('somewhere-else')))['connectivityStatus']).toBe('Connecting');
  });

  it('seeds the clusters declared connected as Connected resources', async () => {
    const h = harness({ config: configWith((c) => ({ connected: c.kind === 'arc' })) });
    const result = await h.send('GET', clusterPath());
    expect(result.status).toBe(200);
    expect(props(result)).toMatchObject({
      connectivityStatus: 'Connected',
      provisioningState: 'Succeeded',
      distribution: 'k3s',
    });
  });
});

describe('connected cluster reads and writes', () => {
  it('answers 404 ResourceNotFound for a cluster that was never onboarded', async () => {
    const h = harness();
    const result = await h.send('GET', clusterPath());
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
  });

  it('lists by resource group and by subscription', async () => {
    const h = harness();
    await h.connect();
    const byGroup = await h.send(
      'GET',
      `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.Kubernetes/connectedClusters`,
    );
    const bySubscription = await h.send(
      'GET',
      `/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters`,
    );
    for (const list of [byGroup, bySubscription]) {
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ value: [{ id: ARC_ID, properties: { connectivityStatus: 'Connected' } }] });
    }
    const otherGroup = await h.send(
      'GET',
      `/subscriptions/${SUB}/resourcegroups/no-access-rg/providers/Microsoft.Kubernetes/connectedClusters`,
    );
    expect(otherGroup.body).toEqual({ value: [] });
  });

  it('PATCH changes tags only, synchronously', async () => {
    const h = harness();
    await h.connect();
    const started = h.ctx.operations.all.length;
    const result = await h.send('PATCH', clusterPath(), { tags: { env: 'ci' }, properties: {} });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ tags: { env: 'ci' }, properties: { connectivityStatus: 'Connected' } });
    expect(h.ctx.operations.all.length).toBe(started);
    expect((await h.send('PATCH', clusterPath('missing'), { tags: {} })).status).toBe(404);
  });

  it('DELETE is long-running with Location, removes the resource and its extensions, and 204 after', async () => {
    const h = harness({ lro: 'manual' });
    await h.connect();
    await h.ctx.operations.runPending();
    const extension = `${ARC_ID}/providers/Microsoft.KubernetesConfiguration/extensions/flux`;
    h.ctx.store.put({
      id: extension,
      name: 'flux',
      type: 'Microsoft.KubernetesConfiguration/extensions',
      properties: {},
    });

    const result = await h.send('DELETE', clusterPath());
    expect(result.status).toBe(202);
    expect(result.headers?.['Location']).toMatch(/^https:\/\//);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(props(await h.send('GET', clusterPath()))['provisioningState']).toBe('Deleting');

    await h.ctx.operations.runPending();
    expect(h.ctx.store.get(ARC_ID)).toBeUndefined();
    expect(h.ctx.store.get(extension)).toBeUndefined();
    expect((await h.send('DELETE', clusterPath())).status).toBe(204);
    expect((await h.admin('GET', `/clusters/${ARC}`)).body).toMatchObject({ onboarded: false });
  });

  it.each([
    [{ authenticationMethod: 'Token', clientProxy: false }, false],
    [{ authenticationMethod: 'AAD', clientProxy: true }, true],
  ])('listClusterUserCredential %j returns a kubeconfig', async (request, proxy) => {
    const h = harness();
    await h.connect();
    const result = await h.send('POST', `${clusterPath()}/listClusterUserCredential`, request);
    expect(result.status).toBe(200);
    const body = result.body as { kubeconfigs: { name: string; value: string }[]; hybridConnectionConfig?: object };
    expect(body.kubeconfigs).toHaveLength(1);
    expect(Buffer.from(body.kubeconfigs[0]!.value, 'base64').toString()).toContain(`current-context: ${ARC}`);
    expect(body.hybridConnectionConfig !== undefined).toBe(proxy);
  });

  it.each([
    [{ clientProxy: false }, 'authenticationMethod'],
    [{ authenticationMethod: 'Token' }, 'clientProxy'],
    [{ authenticationMethod: 'Password', clientProxy: false }, 'authenticationMethod'],
  ])('listClusterUserCredential rejects %j', async (request, target) => {
    const h = harness();
    await h.connect();
    const result = await h.send('POST', `${clusterPath()}/listClusterUserCredential`, request);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { target } });
  });

  it('lists the Microsoft.Kubernetes operations at tenant level', async () => {
    const h = harness();
    const result = await h.send('GET', '/providers/Microsoft.Kubernetes/operations?api-version=2021-10-01');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      value: expect.arrayContaining([expect.objectContaining({ name: 'Microsoft.Kubernetes/connectedClusters/read' })]),
    });
  });

  it('serves api-version 2021-10-01 only', async () => {
    const h = harness();
    const result = await h.send('GET', `${clusterPath()}?api-version=2024-01-01`);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'InvalidApiVersionParameter' } });
  });

  it('checks the RBAC actions a role must grant', () => {
    const h = harness();
    const actions = h.providers.flatMap((p) => p.routes).map((route) => `${route.method} ${route.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'PUT Microsoft.Kubernetes/connectedClusters/write',
        'GET Microsoft.Kubernetes/connectedClusters/read',
        'DELETE Microsoft.Kubernetes/connectedClusters/delete',
        'POST Microsoft.Kubernetes/connectedClusters/listClusterUserCredential/action',
      ]),
    );
  });
});

describe('cluster admin routes', () => {
  it('shows the runtime of a cluster', async () => {
    const h = harness();
    const result = await h.admin('GET', `/clusters/${ARC}`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      name: ARC,
      kind: 'arc',
      onboarded: false,
      agents: { running: false },
      connectivity: { status: 'NotOnboarded' },
      namespaces: ['default', 'kube-system', 'azureml'],
    });
    expect((await h.admin('GET', '/clusters/nope')).status).toBe(404);
  });

  it('adds namespaces', async () => {
    const h = harness();
    const result = await h.admin('POST', `/clusters/${ARC}/namespaces`, { namespaces: ['team-a', 'default'] });
    expect(result.body).toMatchObject({
      added: ['team-a'],
      namespaces: ['default', 'kube-system', 'azureml', 'team-a'],
    });
    expect((await h.admin('POST', `/clusters/${ARC}/namespaces`, { name: 'Bad_Name' })).status).toBe(400);
  });

  it.each([
    ['agents on an AKS cluster', '/clusters/aks-ml/agents', { running: true }, 400],
    ['agents without running', `/clusters/${ARC}/agents`, {}, 400],
    ['a bad agent version', `/clusters/${ARC}/agents`, { running: true, agentVersion: 'latest' }, 400],
    ['an unknown connectivity status', `/clusters/${ARC}/connectivity`, { status: 'Gone' }, 400],
    ['connectivity before onboarding', `/clusters/${ARC}/connectivity`, { status: 'Offline' }, 409],
  ])('rejects %s', async (_case, path, body, status) => {
    const h = harness();
    expect((await h.admin('POST', path, body)).status).toBe(status);
  });
});
