import { describe, expect, it } from '@jest/globals';
import { clusterRuntimeFor, findAzureMlExtension } from '../src/providers/kubernetes/index.js';
import {
  AKS_ID,
  ARC,
  ARC_ID,
  CONNECTIVITY_DELAY,
  configWith,
  extensionBody,
  extensionPath,
  harness,
  INSECURE_INFERENCE,
  props,
  RG,
  SUB,
  selfSigned,
  text,
} from './kubernetes-harness.js';

const ARC_EXT = extensionPath(ARC_ID);
const AKS_EXT = extensionPath(AKS_ID);

async function connectedHarness(options: Parameters<typeof harness>[0] = {}) {
  const h = harness(options);
  await h.connect();
  await h.ctx.operations.runPending();
  return h;
}

describe('extension create (PUT)', () => {
  it('creates the AzureML extension as a long-running operation: Creating → Succeeded', async () => {
    const h = await connectedHarness({ lro: 'manual' });
    const result = await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    expect(result.status).toBe(201);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(result.body).toMatchObject({
      id: ARC_EXT,
      name: 'azureml',
      type: 'Microsoft.KubernetesConfiguration/extensions',
      identity: { type: 'SystemAssigned' },
      properties: {
        extensionType: 'Microsoft.AzureML.Kubernetes',
        autoUpgradeMinorVersion: true,
        releaseTrain: 'stable',
        scope: { cluster: { releaseNamespace: 'azureml' } },
        configurationSettings: INSECURE_INFERENCE,
        configurationProtectedSettings: {},
        provisioningState: 'Creating',
        statuses: [],
        isSystemExtension: false,
      },
    });
    expect(props(result)).not.toHaveProperty('currentVersion');
    expect(h.ctx.operations.last).toMatchObject({ resourceId: ARC_EXT, kind: 'extension', status: 'InProgress' });

    await h.ctx.operations.runPending();
    const after = await h.send('GET', ARC_EXT);
    expect(props(after)).toMatchObject({ provisioningState: 'Succeeded', currentVersion: '1.1.53' });
    expect(props(after)).not.toHaveProperty('version');
    expect(props(after)).not.toHaveProperty('errorInfo');
    expect(h.ctx.operations.last?.status).toBe('Succeeded');
  });

  it('serves the extension operation status path (OperationStatus_Get)', async () => {
    const h = await connectedHarness({ lro: 'manual' });
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    const operationId = h.ctx.operations.last!.id;
    const statusPath = `${ARC_EXT}/operations/${operationId}`;
    expect((await h.send('GET', statusPath)).body).toEqual({
      id: statusPath,
      name: operationId,
      status: 'InProgress',
    });
    await h.ctx.operations.runPending();
    expect((await h.send('GET', statusPath)).body).toMatchObject({ status: 'Succeeded' });
    const unknown = await h.send('GET', `${ARC_EXT}/operations/00000000-0000-0000-0000-000000000000`);
    expect(unknown.status).toBe(404);
  });

  it('installs on an AKS managed cluster with no Arc connectivity needed', async () => {
    const h = harness();
    const result = await h.send('PUT', AKS_EXT, extensionBody(INSECURE_INFERENCE));
    expect(result.status).toBe(201);
    expect(props(await h.send('GET', AKS_EXT))).toMatchObject({ provisioningState: 'Succeeded' });
    const list = await h.send('GET', `${AKS_ID}/providers/Microsoft.KubernetesConfiguration/extensions`);
    expect(list.body).toMatchObject({ value: [{ id: AKS_EXT }] });
  });

  it('pins a version when auto-upgrade is off', async () => {
    const h = await connectedHarness();
    await h.send(
      'PUT',
      ARC_EXT,
      extensionBody(INSECURE_INFERENCE, {}, { autoUpgradeMinorVersion: false, version: '1.1.52' }),
    );
    expect(props(await h.send('GET', ARC_EXT))).toMatchObject({
      autoUpgradeMinorVersion: false,
      version: '1.1.52',
      currentVersion: '1.1.52',
    });
  });

  it('answers 200 when the extension exists, and the install runs again', async () => {
    const h = await connectedHarness();
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    const again = await h.send(
      'PUT',
      ARC_EXT,
      extensionBody({ ...INSECURE_INFERENCE, inferenceRouterServiceType: 'NodePort' }),
    );
    expect(again.status).toBe(200);
    expect(props(again)).toMatchObject({ provisioningState: 'Updating', currentVersion: '1.1.53' });
    expect(props(await h.send('GET', ARC_EXT))).toMatchObject({
      provisioningState: 'Succeeded',
      configurationSettings: { inferenceRouterServiceType: 'NodePort' },
    });
  });

  it('lets other providers find the AzureML extension and the cluster namespaces', async () => {
    const h = harness();
    expect(findAzureMlExtension(h.ctx, AKS_ID)).toBeUndefined();
    await h.send('PUT', AKS_EXT, extensionBody({ enableTraining: 'True' }));
    expect(findAzureMlExtension(h.ctx, AKS_ID)).toMatchObject({
      id: AKS_EXT,
      properties: { provisioningState: 'Succeeded' },
    });
    expect(clusterRuntimeFor(h.ctx, AKS_ID)?.hasNamespace('azureml')).toBe(true);
    expect(clusterRuntimeFor(h.ctx, AKS_ID)?.hasNamespace('team-a')).toBe(false);
  });

  it('creates the release namespace in the cluster when the install succeeds', async () => {
    const h = await connectedHarness();
    await h.send(
      'PUT',
      ARC_EXT,
      extensionBody(INSECURE_INFERENCE, {}, { scope: { cluster: { releaseNamespace: 'aml-system' } } }),
    );
    expect((await h.admin('GET', `/clusters/${ARC}`)).body).toMatchObject({
      namespaces: expect.arrayContaining(['aml-system']),
    });
  });

  it.each([
    [
      'no extensionType',
      extensionBody(INSECURE_INFERENCE, {}, { extensionType: undefined }),
      400,
      'InvalidRequestContent',
    ],
    [
      'an unknown extensionType',
      extensionBody(INSECURE_INFERENCE, {}, { extensionType: 'contoso.nope' }),
      400,
      'ExtensionTypeRegistrationGetFailed',
    ],
    [
      'an unknown release train',
      extensionBody(INSECURE_INFERENCE, {}, { releaseTrain: 'nightly' }),
      400,
      'InvalidParameter',
    ],
    [
      'a version with auto-upgrade on',
      extensionBody(INSECURE_INFERENCE, {}, { autoUpgradeMinorVersion: true, version: '1.1.52' }),
      400,
      'InvalidParameter',
    ],
    [
      'an unknown version',
      extensionBody(INSECURE_INFERENCE, {}, { autoUpgradeMinorVersion: false, version: '9.9.9' }),
      400,
      'InvalidParameter',
    ],
    [
      'namespace scope for AzureML',
      extensionBody(INSECURE_INFERENCE, {}, { scope: { namespace: { targetNamespace: 'x' } } }),
      400,
      'InvalidParameter',
    ],
    [
      'a non-string setting',
      extensionBody({ enableTraining: true as unknown as string }),
      400,
      'InvalidRequestContent',
    ],
    [
      'a non-string protected setting',
      extensionBody(INSECURE_INFERENCE, { key: 1 as unknown as string }),
      400,
      'InvalidRequestContent',
    ],
    [
      'identity UserAssigned',
      { ...extensionBody(INSECURE_INFERENCE), identity: { type: 'UserAssigned' } },
      400,
      'InvalidParameter',
    ],
    ['no body', undefined, 400, 'InvalidRequestContent'],
  ])('rejects %s synchronously', async (_case, body, status, code) => {
    const h = await connectedHarness();
    const before = h.ctx.operations.all.length;
    const result = await h.send('PUT', ARC_EXT, body);
    expect(result.status).toBe(status);
    expect(result.body).toMatchObject({ error: { code } });
    expect(h.ctx.store.get(ARC_EXT)).toBeUndefined();
    expect(h.ctx.operations.all.length).toBe(before);
  });

  it('refuses a second AzureML extension on the same cluster', async () => {
    const h = await connectedHarness();
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    const second = await h.send('PUT', extensionPath(ARC_ID, 'azureml-2'), extensionBody(INSECURE_INFERENCE));
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ error: { code: 'ExtensionTypeAlreadyInstalled' } });
  });

  it('refuses a change of extensionType and a write while an operation runs', async () => {
    const h = await connectedHarness({ lro: 'manual' });
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    const busy = await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    expect(busy.status).toBe(409);
    await h.ctx.operations.runPending();
    const retyped = await h.send('PUT', ARC_EXT, extensionBody({}, {}, { extensionType: 'microsoft.flux' }));
    expect(retyped.status).toBe(400);
    expect(retyped.body).toMatchObject({ error: { target: 'properties.extensionType' } });
  });
});

describe('extension parents and Arc connectivity', () => {
  it.each([
    ['an Arc cluster that was never onboarded', ARC_EXT],
    [
      'an AKS cluster that is not declared',
      extensionPath(
        `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/nope`,
      ),
    ],
  ])('answers 404 ParentResourceNotFound on %s', async (_case, path) => {
    const h = harness();
    for (const [method, body] of [
      ['PUT', extensionBody(INSECURE_INFERENCE)],
      ['GET', undefined],
      ['PATCH', { properties: {} }],
    ] as const) {
      const result = await h.send(method, path, body);
      expect(result.status).toBe(404);
      expect(result.body).toMatchObject({ error: { code: 'ParentResourceNotFound' } });
    }
  });

  it('answers 404 ResourceGroupNotFound for a group that does not exist', async () => {
    const h = harness();
    const path = extensionPath(
      `/subscriptions/${SUB}/resourceGroups/ghost/providers/Microsoft.Kubernetes/connectedClusters/${ARC}`,
    );
    expect((await h.send('GET', path)).body).toMatchObject({ error: { code: 'ResourceGroupNotFound' } });
  });

  it.each([
    [
      'Connecting',
      async (h: ReturnType<typeof harness>) => void (await h.onboard(ARC, { startAgents: false })),
      'Connecting',
    ],
    [
      'Offline',
      async (h: ReturnType<typeof harness>) => {
        await h.connect();
        await h.admin('POST', `/clusters/${ARC}/connectivity`, { status: 'Offline' });
      },
      'Offline',
    ],
    [
      'Expired',
      async (h: ReturnType<typeof harness>) => {
        await h.connect();
        await h.admin('POST', `/clusters/${ARC}/connectivity`, { status: 'Expired' });
      },
      'Expired',
    ],
  ])('refuses to install on an Arc cluster that is %s', async (_case, arrange, status) => {
    const h = harness();
    await arrange(h);
    const result = await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'ConnectedClusterNotConnected' } });
    expect((result.body as { error: { message: string } }).error.message).toContain(status);
    expect(h.ctx.store.get(ARC_EXT)).toBeUndefined();
  });

  it('fails the install when the agents stop reporting while it runs', async () => {
    const h = await connectedHarness({ lro: 'manual' });
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: false });
    h.ctx.clock.advance(CONNECTIVITY_DELAY);
    await h.ctx.operations.runPending();
    expect(props(await h.send('GET', ARC_EXT))).toMatchObject({
      provisioningState: 'Failed',
      errorInfo: { code: 'ExtensionOperationFailed' },
    });
  });

  it('refuses a normal delete on an Offline cluster but allows forceDelete', async () => {
    const h = await connectedHarness();
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    await h.admin('POST', `/clusters/${ARC}/connectivity`, { status: 'Offline' });
    const refused = await h.send('DELETE', ARC_EXT);
    expect(refused.status).toBe(400);
    expect((refused.body as { error: { message: string } }).error.message).toContain('forceDelete=true');
    const forced = await h.send('DELETE', `${ARC_EXT}?forceDelete=true`);
    expect(forced.status).toBe(200);
    expect((await h.send('GET', ARC_EXT)).status).toBe(404);
  });
});

describe('extension update (PATCH) and delete', () => {
  it('merges configurationSettings, keeps protected settings unless resent, and runs a long-running update', async () => {
    const { certPem, keyPem } = selfSigned('ml.contoso.com');
    const h = await connectedHarness({ lro: 'manual' });
    const settings = { ...INSECURE_INFERENCE, allowInsecureConnections: 'False', sslCname: 'ml.contoso.com' };
    await h.send('PUT', ARC_EXT, extensionBody(settings, { sslCertPemFile: certPem, sslKeyPemFile: keyPem }));
    await h.ctx.operations.runPending();

    const patch = await h.send('PATCH', ARC_EXT, {
      properties: { configurationSettings: { inferenceRouterHA: 'False', sslCname: null } },
    });
    expect(patch.status).toBe(202);
    expect(patch.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(props(patch)).toMatchObject({ provisioningState: 'Updating' });
    expect(props(patch)['configurationSettings']).not.toHaveProperty('sslCname');
    await h.ctx.operations.runPending();
    // sslCname was removed while the certificate is still there: the health check fails the update
    expect(props(await h.send('GET', ARC_EXT))).toMatchObject({ provisioningState: 'Failed' });

    await h.send('PATCH', ARC_EXT, { properties: { configurationSettings: { sslCname: 'ml.contoso.com' } } });
    await h.ctx.operations.runPending();
    const fixed = props(await h.send('GET', ARC_EXT));
    expect(fixed).toMatchObject({
      provisioningState: 'Succeeded',
      configurationSettings: { ...settings, inferenceRouterHA: 'False' },
    });
    expect(fixed).not.toHaveProperty('errorInfo');
    expect(h.ctx.store.secrets(ARC_EXT)['configurationProtectedSettings']).toEqual({
      sslCertPemFile: certPem,
      sslKeyPemFile: keyPem,
    });

    // protected settings sent again replace the whole set (as Azure does)
    await h.send('PATCH', ARC_EXT, { properties: { configurationProtectedSettings: { sslCertPemFile: certPem } } });
    await h.ctx.operations.runPending();
    expect(props(await h.send('GET', ARC_EXT))).toMatchObject({ provisioningState: 'Failed' });
  });

  it('answers 200 without an operation when the PATCH changes nothing', async () => {
    const h = await connectedHarness();
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    const before = h.ctx.operations.all.length;
    const result = await h.send('PATCH', ARC_EXT, {
      properties: { configurationSettings: { enableTraining: 'True' } },
    });
    expect(result.status).toBe(200);
    expect(h.ctx.operations.all.length).toBe(before);
  });

  it('updates the version train and pins', async () => {
    const h = await connectedHarness();
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    await h.send('PATCH', ARC_EXT, { properties: { releaseTrain: 'preview' } });
    expect(props(await h.send('GET', ARC_EXT))).toMatchObject({ releaseTrain: 'preview', currentVersion: '1.1.54' });
    const bad = await h.send('PATCH', ARC_EXT, { properties: { version: '1.1.51' } });
    expect(bad.status).toBe(400);
    await h.send('PATCH', ARC_EXT, { properties: { version: '1.1.51', autoUpgradeMinorVersion: false } });
    expect(props(await h.send('GET', ARC_EXT))).toMatchObject({ version: '1.1.51', currentVersion: '1.1.51' });
  });

  it('answers 404 for a PATCH of an extension that does not exist', async () => {
    const h = await connectedHarness();
    const result = await h.send('PATCH', ARC_EXT, { properties: {} });
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
  });

  it('deletes as a long-running operation (Deleting → gone), then answers 204', async () => {
    const h = await connectedHarness({ lro: 'manual' });
    await h.send('PUT', AKS_EXT, extensionBody(INSECURE_INFERENCE));
    await h.ctx.operations.runPending();
    const result = await h.send('DELETE', AKS_EXT);
    expect(result.status).toBe(202);
    expect(result.headers?.['Azure-AsyncOperation']).toMatch(/^https:\/\//);
    expect(result.headers?.['Location']).toMatch(/^https:\/\//);
    expect(props(await h.send('GET', AKS_EXT))).toMatchObject({ provisioningState: 'Deleting' });
    await h.ctx.operations.runPending();
    expect((await h.send('GET', AKS_EXT)).status).toBe(404);
    expect(h.ctx.store.secrets(AKS_EXT)).toEqual({});
    expect((await h.send('DELETE', AKS_EXT)).status).toBe(204);
  });

  it('shows a fault-failed operation as Failed on the extension and on its status path', async () => {
    const h = await connectedHarness({ lro: 'manual' });
    await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
    h.ctx.operations.failNext({ code: 'InjectedFault', message: 'boom' });
    await h.ctx.operations.runPending();
    expect(props(await h.send('GET', ARC_EXT))['provisioningState']).toBe('Failed');
    const status = await h.send('GET', `${ARC_EXT}/operations/${h.ctx.operations.last!.id}`);
    expect(status.body).toMatchObject({ status: 'Failed' });
  });
});

describe('protected settings', () => {
  it('never appear in PUT, PATCH, GET or list bodies', async () => {
    const { certPem, keyPem } = selfSigned('ml.contoso.com');
    const secret = 'super-secret-value-123';
    const h = await connectedHarness();
    const settings = { ...INSECURE_INFERENCE, allowInsecureConnections: 'False', sslCname: 'ml.contoso.com' };
    const protectedSettings = { sslCertPemFile: certPem, sslKeyPemFile: keyPem, 'custom.token': secret };
    const answers = [
      await h.send('PUT', ARC_EXT, extensionBody(settings, protectedSettings)),
      await h.send('GET', ARC_EXT),
      await h.send('GET', `${ARC_ID}/providers/Microsoft.KubernetesConfiguration/extensions`),
      await h.send('PATCH', ARC_EXT, {
        properties: { configurationProtectedSettings: { ...protectedSettings, other: secret } },
      }),
      await h.send('GET', ARC_EXT),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeLessThan(300);
      for (const hidden of [secret, 'custom.token', 'sslKeyPemFile', 'PRIVATE KEY', 'BEGIN CERTIFICATE']) {
        expect(text(answer)).not.toContain(hidden);
      }
    }
    expect(props(answers[1]!)['configurationProtectedSettings']).toEqual({});
    expect(props(answers[4]!)['provisioningState']).toBe('Succeeded');
  });
});

describe('AzureML extension rules (the install health check)', () => {
  const cert = selfSigned('ml.contoso.com');
  const other = selfSigned('other.contoso.com');
  const https = {
    enableTraining: 'True',
    enableInference: 'True',
    inferenceRouterServiceType: 'LoadBalancer',
    sslCname: 'ml.contoso.com',
  };
  const pair = { sslCertPemFile: cert.certPem, sslKeyPemFile: cert.keyPem };

  it.each<[string, Record<string, string>, Record<string, string>, RegExp]>([
    ['neither training nor inference', { enableTraining: 'False' }, {}, /enableTraining=True or enableInference=True/],
    ['no settings at all', {}, {}, /Neither training nor inference/],
    ['a boolean that is not True/False', { enableTraining: 'yes' }, {}, /enableTraining must be True or False/],
    [
      'inference with neither a certificate nor allowInsecureConnections',
      { ...https, sslCname: 'x' },
      {},
      /sslCertPemFile and sslKeyPemFile .* allowInsecureConnections=True/,
    ],
    ['a certificate without its key', https, { sslCertPemFile: cert.certPem }, /sslKeyPemFile is not/],
    ['a key without its certificate', https, { sslKeyPemFile: cert.keyPem }, /sslCertPemFile is not/],
    [
      'a key that does not match the certificate',
      https,
      { sslCertPemFile: cert.certPem, sslKeyPemFile: other.keyPem },
      /does not match the certificate/,
    ],
    [
      'a certificate that is not PEM',
      https,
      { sslCertPemFile: 'hello', sslKeyPemFile: cert.keyPem },
      /not a PEM-encoded X.509 certificate/,
    ],
    [
      'a key that is not PEM',
      https,
      { sslCertPemFile: cert.certPem, sslKeyPemFile: 'hello' },
      /not a PEM-encoded private key/,
    ],
    ['HTTPS without sslCname', { ...https, sslCname: undefined as unknown as string }, pair, /sslCname is not set/],
    [
      'no inferenceRouterServiceType',
      { ...INSECURE_INFERENCE, inferenceRouterServiceType: undefined as unknown as string },
      {},
      /inferenceRouterServiceType is not set/,
    ],
    [
      'an unknown inferenceRouterServiceType',
      { ...INSECURE_INFERENCE, inferenceRouterServiceType: 'Ingress' },
      {},
      /'Ingress' is not supported/,
    ],
    [
      'NodePort with an internal load balancer',
      { ...INSECURE_INFERENCE, inferenceRouterServiceType: 'NodePort', internalLoadBalancerProvider: 'azure' },
      {},
      /NodePort and an internal load balancer .* exclusive/,
    ],
    [
      'legacy privateEndpointNodeport with privateEndpointILB',
      {
        ...INSECURE_INFERENCE,
        inferenceRouterServiceType: undefined as unknown as string,
        privateEndpointNodeport: 'True',
        privateEndpointILB: 'True',
      },
      {},
      /exclusive/,
    ],
    [
      'an unknown internalLoadBalancerProvider',
      { ...INSECURE_INFERENCE, internalLoadBalancerProvider: 'metallb' },
      {},
      /only provider is 'azure'/,
    ],
    ['an unknown clusterPurpose', { ...INSECURE_INFERENCE, clusterPurpose: 'Prod' }, {}, /clusterPurpose 'Prod'/],
  ])('fails the install on %s', async (_case, settings, protectedSettings, message) => {
    const h = await connectedHarness();
    const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    const put = await h.send('PUT', ARC_EXT, extensionBody(defined, protectedSettings));
    expect(put.status).toBe(201);
    const after = props(await h.send('GET', ARC_EXT));
    expect(after).toMatchObject({ provisioningState: 'Failed', errorInfo: { code: 'ExtensionOperationFailed' } });
    expect(String((after['errorInfo'] as { message: string }).message)).toMatch(message);
    expect(after['statuses']).toEqual(
      expect.arrayContaining([expect.objectContaining({ level: 'Error', message: expect.stringMatching(message) })]),
    );
    expect(h.ctx.operations.last).toMatchObject({
      status: 'Failed',
      outcome: { error: { code: 'ExtensionOperationFailed', message: expect.stringMatching(message) } },
    });
    expect(after).not.toHaveProperty('currentVersion');
  });

  it.each<[string, Record<string, string>, Record<string, string>]>([
    ['training only', { enableTraining: 'True' }, {}],
    ['training with lowercase true', { enableTraining: 'true' }, {}],
    ['inference over HTTP', INSECURE_INFERENCE, {}],
    ['inference over HTTPS with a matching certificate and key', https, pair],
    [
      'inference over HTTPS with scoringFe.sslCert/sslKey (what the CLI sends)',
      https,
      {
        'scoringFe.sslCert': Buffer.from(cert.certPem).toString('base64'),
        'scoringFe.sslKey': Buffer.from(cert.keyPem).toString('base64'),
      },
    ],
    ['inference over HTTPS with a Kubernetes secret', { ...https, sslSecret: 'azureml-tls' }, {}],
    [
      'settings passed as protected settings',
      { enableInference: 'True', inferenceRouterServiceType: 'nodeport' },
      { allowInsecureConnections: 'true' },
    ],
    ['an internal load balancer', { ...INSECURE_INFERENCE, internalLoadBalancerProvider: 'azure' }, {}],
    [
      'the legacy privateEndpointILB',
      { ...INSECURE_INFERENCE, inferenceRouterServiceType: undefined as unknown as string, privateEndpointILB: 'True' },
      {},
    ],
  ])('installs with %s', async (_case, settings, protectedSettings) => {
    const h = await connectedHarness();
    const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as Record<
      string,
      string
    >;
    await h.send('PUT', ARC_EXT, extensionBody(defined, protectedSettings));
    const after = props(await h.send('GET', ARC_EXT));
    expect(after).toMatchObject({ provisioningState: 'Succeeded', currentVersion: '1.1.53' });
  });

  describe('inference router HA', () => {
    const twoNodes = configWith((cluster) => ({ nodes: cluster.nodes.slice(0, 2) }));

    it('fails on fewer than 3 Linux nodes, naming the node count', async () => {
      const h = await connectedHarness({ config: twoNodes });
      await h.send('PUT', ARC_EXT, extensionBody(INSECURE_INFERENCE));
      const after = props(await h.send('GET', ARC_EXT));
      expect(after['provisioningState']).toBe('Failed');
      expect(String((after['errorInfo'] as { message: string }).message)).toMatch(
        /only 2 Linux nodes.*inferenceRouterHA=False/,
      );
    });

    it.each([
      ['inferenceRouterHA=False', { inferenceRouterHA: 'False' }],
      ['the legacy inferenceLoadBalancerHA=False', { inferenceLoadBalancerHA: 'False' }],
      ['the legacy clusterPurpose=DevTest', { clusterPurpose: 'DevTest' }],
    ])('installs on 2 nodes with %s', async (_case, extra) => {
      const h = await connectedHarness({ config: twoNodes });
      await h.send('PUT', ARC_EXT, extensionBody({ ...INSECURE_INFERENCE, ...extra }));
      expect(props(await h.send('GET', ARC_EXT))['provisioningState']).toBe('Succeeded');
    });

    it('does not need 3 nodes for training only', async () => {
      const h = await connectedHarness({ config: twoNodes });
      await h.send('PUT', ARC_EXT, extensionBody({ enableTraining: 'True' }));
      expect(props(await h.send('GET', ARC_EXT))['provisioningState']).toBe('Succeeded');
    });
  });

  it.each<[string, Record<string, string>, string]>([
    ['ClusterIP', { ...INSECURE_INFERENCE, inferenceRouterServiceType: 'ClusterIP' }, 'ClusterIpNotReachable'],
    [
      'the NVIDIA plugin without GPU nodes',
      { enableTraining: 'True', installNvidiaDevicePlugin: 'True' },
      'NoGpuNodes',
    ],
    [
      'the legacy privateEndpointNodeport',
      { ...INSECURE_INFERENCE, privateEndpointNodeport: 'True', inferenceRouterServiceType: 'NodePort' },
      'LegacySetting',
    ],
    ['the legacy clusterPurpose', { ...INSECURE_INFERENCE, clusterPurpose: 'FastProd' }, 'LegacySetting'],
    [
      'an internal load balancer on Arc',
      { ...INSECURE_INFERENCE, internalLoadBalancerProvider: 'azure' },
      'InternalLoadBalancerNotSupported',
    ],
  ])('warns (and installs) on %s', async (_case, settings, code) => {
    const h = await connectedHarness();
    await h.send('PUT', ARC_EXT, extensionBody(settings));
    const after = props(await h.send('GET', ARC_EXT));
    expect(after['provisioningState']).toBe('Succeeded');
    expect(after['statuses']).toEqual([
      expect.objectContaining({
        code,
        level: 'Warning',
        displayStatus: 'Warning',
        time: expect.any(String),
        message: expect.any(String),
      }),
    ]);
  });

  it('warns when the certificate does not cover sslCname, and matches the extension type case-insensitively', async () => {
    const h = await connectedHarness();
    await h.send(
      'PUT',
      ARC_EXT,
      extensionBody({ ...https, sslCname: 'api.fabrikam.com' }, pair, {
        extensionType: 'microsoft.azureml.kubernetes',
      }),
    );
    const after = props(await h.send('GET', ARC_EXT));
    expect(after['provisioningState']).toBe('Succeeded');
    expect(after['statuses']).toEqual([expect.objectContaining({ code: 'SslCnameNotInCertificate' })]);
  });

  it('does not apply AzureML rules to other extension types', async () => {
    const h = await connectedHarness();
    await h.send('PUT', extensionPath(ARC_ID, 'flux'), {
      properties: { extensionType: 'microsoft.flux', configurationSettings: {} },
    });
    expect(props(await h.send('GET', extensionPath(ARC_ID, 'flux')))).toMatchObject({
      provisioningState: 'Succeeded',
      scope: { cluster: { releaseNamespace: 'flux-system' } },
    });
  });
});
