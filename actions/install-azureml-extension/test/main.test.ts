import { ActionError } from '@arc-ml/actions-kit';
import { ArmRequestError } from '@arc-ml/azure';
import { describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import { CERT_FINGERPRINT_SETTING } from '../src/settings-names.js';
import { AKS, ARC, CNAME, HTTPS, TLS, testDeps } from './support/deps.js';
import { FakeAzure } from './support/fake-azure.js';

const INSECURE = {
  'cluster-id': ARC.id,
  'inference-router-service-type': 'NodePort',
  'allow-insecure-connections': 'true',
};

/** What a first run with INSECURE leaves installed. */
const INSECURE_INSTALLED = {
  enableTraining: 'True',
  enableInference: 'True',
  allowInsecureConnections: 'True',
  inferenceRouterServiceType: 'NodePort',
  inferenceRouterHA: 'True',
  'scoringFe.serviceType.nodePort': 'True',
  clusterId: ARC.id,
};

describe('run', () => {
  it('does nothing when the extension is installed as asked: two reads, changed=false', async () => {
    const azure = new FakeAzure()
      .withCluster(ARC)
      .withExtension(ARC, { configurationSettings: { ...INSECURE_INSTALLED, enableTraining: 'true' } });
    const deps = testDeps(INSECURE, azure);

    await run(deps);

    expect(azure.writes).toEqual([]);
    expect(azure.reads).toEqual(['getCluster k3s', 'getExtension azureml']);
    expect(deps.io.outputs.values).toEqual({
      'extension-id': `${ARC.id}/providers/Microsoft.KubernetesConfiguration/extensions/azureml`,
      version: '1.1.53',
      'provisioning-state': 'Succeeded',
      changed: false,
    });
    expect(deps.io.log.messages('info').join('\n')).toMatch(/is already as asked .*nothing to do/);
    expect(deps.io.summary.markdown).toContain('## AzureML extension already as asked; nothing changed');
  });

  it('installs a missing extension: plan printed first, then the PUT, then a wait with progress', async () => {
    const azure = new FakeAzure().withCluster(ARC).nextInstall({ state: 'Succeeded', pollsBeforeDone: 2 });
    const deps = testDeps(HTTPS, azure);

    await run(deps);

    const put = azure.writes[0];
    expect(put?.method).toBe('PUT');
    if (put?.method !== 'PUT') throw new Error('expected a PUT');
    expect(put.body).toMatchObject({
      extensionType: 'Microsoft.AzureML.Kubernetes',
      autoUpgradeMinorVersion: true,
      releaseTrain: 'stable',
      releaseNamespace: 'azureml',
    });
    expect(put.body.configurationSettings).toMatchObject({
      enableTraining: 'True',
      enableInference: 'True',
      allowInsecureConnections: 'False',
      inferenceRouterServiceType: 'LoadBalancer',
      sslCname: CNAME,
      clusterId: ARC.id,
      location: 'eastus',
      'relayserver.enabled': 'false',
      'nginxIngress.enabled': 'false',
    });
    expect(put.body.configurationSettings[CERT_FINGERPRINT_SETTING]).toMatch(/^[0-9a-f]{64}$/);
    expect(put.body.configurationProtectedSettings).toEqual({
      sslCertPemFile: TLS.certPem,
      sslKeyPemFile: TLS.keyPem,
      'scoringFe.sslCert': Buffer.from(TLS.certPem).toString('base64'),
      'scoringFe.sslKey': Buffer.from(TLS.keyPem).toString('base64'),
    });
    const planAt = azure.events.findIndex((e) => e.startsWith('log Plan for the AzureML extension'));
    expect(planAt).toBeGreaterThanOrEqual(0);
    expect(planAt).toBeLessThan(azure.events.indexOf('PUT azureml'));
    const info = deps.io.log.messages('info');
    expect(info).toContainEqual(expect.stringMatching(/^extension azureml: Creating \(elapsed/));
    expect(info).toContainEqual(expect.stringMatching(/^extension azureml: Succeeded after/));
    expect(deps.sleeps[0]).toBe(1000); // the write's Retry-After
    expect(deps.io.outputs.values['changed']).toBe(true);
    expect(deps.io.summary.markdown).toContain('## AzureML extension installed');
  });

  it('keeps the certificate and key out of every log line, the summary and the outputs', async () => {
    const azure = new FakeAzure().withCluster(ARC);
    const deps = testDeps(HTTPS, azure);

    await run(deps);

    expect(deps.io.masked).toEqual(expect.arrayContaining([TLS.keyPem.trim(), TLS.certPem.trim()]));
    expect(deps.io.masked).toContain(Buffer.from(TLS.keyPem).toString('base64'));
    const everything = [
      ...deps.io.log.lines.map((l) => l.message),
      deps.io.summary.markdown,
      JSON.stringify(deps.io.outputs.values),
    ].join('\n');
    for (const line of TLS.keyPem.split('\n').filter((l) => l.length > 8 && !l.startsWith('-----'))) {
      expect(everything).not.toContain(line);
    }
  });

  it('updates only what differs, with a PATCH that sends the protected settings again', async () => {
    const azure = new FakeAzure().withCluster(ARC);
    await run(testDeps(HTTPS, azure));
    const deps = testDeps({ ...HTTPS, 'inference-router-ha': 'false', 'install-nvidia-device-plugin': 'true' }, azure);

    await run(deps);

    const patch = azure.writes[1];
    if (patch?.method !== 'PATCH') throw new Error('expected a PATCH');
    expect(patch.patch.configurationSettings).toEqual({
      inferenceRouterHA: 'False',
      installNvidiaDevicePlugin: 'True',
    });
    expect(Object.keys(patch.patch.configurationProtectedSettings ?? {})).toHaveLength(4);
    expect(patch.patch).not.toHaveProperty('releaseTrain');
    expect(deps.io.log.messages('info').join('\n')).toMatch(/inferenceRouterHA: True → False/);
    expect(deps.io.outputs.values['changed']).toBe(true);
    expect(deps.io.summary.markdown).toContain('Settings changed (2)');
  });

  it('pins and unpins the version through the PATCH', async () => {
    const azure = new FakeAzure().withCluster(ARC).withExtension(ARC, { configurationSettings: INSECURE_INSTALLED });

    await run(testDeps({ ...INSECURE, version: '1.1.52' }, azure));
    await run(testDeps(INSECURE, azure));

    expect(azure.writes.map((w) => (w.method === 'PATCH' ? w.patch : undefined))).toEqual([
      { autoUpgradeMinorVersion: false, version: '1.1.52' },
      { autoUpgradeMinorVersion: true, version: null },
    ]);
  });

  it('replaces the extension (PUT, settings kept) when a setting must be removed', async () => {
    const installed = {
      ...INSECURE_INSTALLED,
      inferenceRouterServiceType: 'LoadBalancer',
      'scoringFe.serviceType.nodePort': 'False',
      internalLoadBalancerProvider: 'azure',
      'scoringFe.serviceType.internalLoadBalancer': 'True',
      cluster_name_friendly: 'aks',
    };
    const azure = new FakeAzure().withCluster(AKS).withExtension(AKS, { configurationSettings: installed });
    const deps = testDeps(
      { 'cluster-id': AKS.id, 'inference-router-service-type': 'LoadBalancer', 'allow-insecure-connections': 'true' },
      azure,
    );

    await run(deps);

    const put = azure.writes[0];
    if (put?.method !== 'PUT') throw new Error('expected a PUT');
    expect(put.body.configurationSettings).not.toHaveProperty('internalLoadBalancerProvider');
    expect(put.body.configurationSettings).toMatchObject({
      cluster_name_friendly: 'aks',
      'scoringFe.serviceType.internalLoadBalancer': 'False',
    });
    expect(deps.io.log.messages('info').join('\n')).toMatch(/Replace the settings of 'azureml' \(PUT/);
  });

  it('runs the install again when the extension is Failed with the settings asked for', async () => {
    const azure = new FakeAzure().withCluster(ARC).withExtension(ARC, {
      provisioningState: 'Failed',
      configurationSettings: INSECURE_INSTALLED,
      errorInfo: { code: 'ExtensionOperationFailed', message: 'pod healthcheck failed' },
    });
    const deps = testDeps(INSECURE, azure);

    await run(deps);

    expect(azure.writes.map((w) => w.method)).toEqual(['PATCH']);
    expect(deps.io.log.messages('info').join('\n')).toMatch(
      /Run the install of 'azureml' again: it is Failed \(ExtensionOperationFailed\)/,
    );
    expect(deps.io.outputs.values['provisioning-state']).toBe('Succeeded');
  });

  it('waits for an operation already running before comparing', async () => {
    const azure = new FakeAzure()
      .withCluster(ARC)
      .withExtension(ARC, { provisioningState: 'Updating', configurationSettings: INSECURE_INSTALLED });
    const deps = testDeps(INSECURE, azure);
    let polls = 0;
    const get = azure.getExtension.bind(azure);
    azure.getExtension = async (ref, name) => {
      const found = await get(ref, name);
      polls++;
      return polls >= 3 && found ? { ...found, provisioningState: 'Succeeded' } : found;
    };

    await run(deps);

    expect(azure.writes).toEqual([]);
    expect(deps.io.log.messages('info')).toContainEqual(
      expect.stringMatching(/is Updating: waiting for that operation/),
    );
    expect(deps.io.outputs.values['changed']).toBe(false);
  });

  it('fails with errorInfo, the statuses and the most likely cause when the install ends Failed', async () => {
    const azure = new FakeAzure().withCluster(ARC, { nodeCount: 2 }).nextInstall({
      state: 'Failed',
      errorInfo: { code: 'ExtensionOperationFailed', message: 'Helm installation failed : pod healthcheck failed' },
      statuses: [
        { code: 'InsufficientNodesForHA', level: 'Error', message: 'azureml-fe needs 3 nodes' },
        { code: 'ClusterIpNotReachable', level: 'Warning', message: 'only inside the cluster' },
      ],
    });
    const deps = testDeps(INSECURE, azure);

    const error = await run(deps).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toMatch(/ended Failed \(ExtensionOperationFailed\)/);
    expect((error as ActionError).hint).toMatch(/inference-router-ha is true, which needs 3 Linux nodes .* reports 2/);
    const info = deps.io.log.messages('info').join('\n');
    expect(info).toMatch(/errorInfo: ExtensionOperationFailed: Helm installation failed/);
    expect(info).toMatch(/status: Error InsufficientNodesForHA: azureml-fe needs 3 nodes/);
    expect(deps.io.log.messages('warning')).toContainEqual(
      expect.stringMatching(/has 2 nodes: azureml-fe runs 3 replicas/),
    );
    expect(deps.io.outputs.values['provisioning-state']).toBe('Failed');
    expect(deps.io.summary.markdown).toContain('## AzureML extension FAILED');
  });

  it('reads the operation error when the extension says nothing about its failure', async () => {
    const azure = new FakeAzure().withCluster(ARC).nextInstall({ state: 'Failed' });
    azure.operationErrorValue = { code: 'InternalServerError', message: 'the agent crashed' };
    const deps = testDeps(INSECURE, azure);

    await expect(run(deps)).rejects.toThrow(/ended Failed \(InternalServerError\)/);
    expect(deps.io.log.messages('info').join('\n')).toMatch(/errorInfo: InternalServerError: the agent crashed/);
  });

  it.each([
    ['missing Arc cluster', undefined, ARC, /the Arc cluster 'k3s' \(resource group rg\) was not found/, /connect-arc/],
    ['missing AKS cluster', undefined, AKS, /the AKS cluster 'aks' .* was not found/, /cluster-type: connected/],
    ['Offline Arc cluster', 'Offline', ARC, /is Offline .*Azure has lost contact with its Arc agents/, /connect-arc/],
    ['Expired Arc cluster', 'Expired', ARC, /is Expired/, /onboard: true/],
    ['Connecting Arc cluster', 'Connecting', ARC, /is Connecting/, /connect-arc/],
  ] as const)('fails before writing for a %s', async (_case, status, cluster, message, hint) => {
    const azure = new FakeAzure();
    if (status) azure.withCluster(cluster, { connectivityStatus: status });
    const deps = testDeps({ ...INSECURE, 'cluster-id': cluster.id }, azure);

    const error = (await run(deps).catch((e: unknown) => e)) as ActionError;

    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(azure.writes).toEqual([]);
  });

  it('explains a missing role on reading, with the roles this action needs', async () => {
    const denied = new ArmRequestError(
      {
        code: 'AuthorizationFailed',
        message: 'The identity may not perform Microsoft.Kubernetes/connectedClusters/read on /subscriptions/x.',
        hint: 'Grant it the "Reader" role.',
        details: [],
        statusCode: 403,
      },
      'reading the Arc cluster',
    );
    const azure = new FakeAzure().withCluster(ARC).failing('getCluster', denied);

    const error = (await run(testDeps(INSECURE, azure)).catch((e: unknown) => e)) as ActionError;

    expect(error.message).toMatch(/may not perform Microsoft\.Kubernetes\/connectedClusters\/read/);
    expect(error.hint).toMatch(/Grant it the "Reader" role\. This action needs .*Kubernetes Extension Contributor/);
    expect(azure.writes).toEqual([]);
  });

  it.each([
    [
      'an extension of another type under the name',
      (a: FakeAzure) => a.withExtension(ARC, { extensionType: 'microsoft.flux' }),
      /is a microsoft\.flux, not Microsoft\.AzureML\.Kubernetes/,
    ],
    [
      'the AzureML extension under another name',
      (a: FakeAzure) => a.withExtension(ARC, { name: 'amlarc' }),
      /already installed on the Arc cluster 'k3s' .* as 'amlarc'/,
    ],
    [
      'protected settings from az (Relay) that a certificate would drop',
      (a: FakeAzure) =>
        a.withExtension(ARC, {
          configurationSettings: { 'relayserver.enabled': 'true', 'relayserver.hybridConnectionResourceID': '/x' },
        }),
      /keeps Azure Relay connection strings as protected settings/,
    ],
  ])('fails before writing when there is %s', async (_case, setUp, message) => {
    const azure = setUp(new FakeAzure().withCluster(ARC));

    await expect(run(testDeps(HTTPS, azure))).rejects.toThrow(message);
    expect(azure.writes).toEqual([]);
  });

  it('warns when an OpenShift cluster is not declared as one', async () => {
    const azure = new FakeAzure().withCluster(ARC, { distribution: 'OpenShift' });
    const deps = testDeps(INSECURE, azure);

    await run(deps);

    expect(deps.io.log.messages('warning')).toContainEqual(
      expect.stringMatching(/runs OpenShift, but openshift is not true/),
    );
  });

  it('stops waiting at the timeout and says the install goes on in Azure', async () => {
    const azure = new FakeAzure().withCluster(ARC).nextInstall({ state: 'Succeeded', pollsBeforeDone: 1000 });

    const error = (await run(testDeps({ ...INSECURE, timeout: '2m' }, azure)).catch((e: unknown) => e)) as ActionError;

    expect(error.message).toMatch(/the extension 'azureml' was still Creating after 2m\d\ds \(timeout\)/);
    expect(error.hint).toMatch(/The install goes on in Azure/);
  });

  it('does nothing with input errors: no sign-in, no request', async () => {
    const azure = new FakeAzure().withCluster(ARC);
    let connected = false;
    const deps = {
      ...testDeps({ ...INSECURE, 'enable-training': 'yes' }, azure),
      connect: async () => {
        connected = true;
        return azure;
      },
    };

    await expect(run(deps)).rejects.toThrow(/input "enable-training": "yes" is not a boolean/);
    expect(connected).toBe(false);
    expect(azure.reads).toEqual([]);
  });
});
