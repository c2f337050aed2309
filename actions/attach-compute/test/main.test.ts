import { ActionError, InputError } from '@arc-ml/actions-kit';
import { explainArmError, OperationFailedError } from '@arc-ml/azure';
import { describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import {
  AKS_ID,
  ARC_ID,
  COMPUTE_ID,
  computeState,
  fakeAzure,
  INPUTS,
  SMALL_ATTACHMENT,
  testDeps,
} from './fake-azure.js';

describe('attach-compute', () => {
  it('does nothing when the compute is already attached with the same settings, after one read', async () => {
    const azure = fakeAzure().readyArc().withCompute();
    const deps = testDeps({ azure });

    await run(deps);

    expect(deps.io.outputs.values).toEqual({ 'compute-id': COMPUTE_ID, changed: false });
    expect(azure.calls).toEqual(['getCompute k8s']);
    expect(deps.io.log.messages('info')).toContain('k8s is already attached to arc-k3s as asked; nothing to do');
    expect(deps.io.summary.markdown).toContain('## Compute k8s: already attached as asked');
  });

  it('attaches an Arc cluster after checking it, printing the plan before writing', async () => {
    const azure = fakeAzure().readyArc();
    const deps = testDeps({ azure });
    let linesBeforeWrite = -1;
    azure.onWrite = () => {
      linesBeforeWrite = deps.io.log.lines.length;
    };

    await run(deps);

    expect(azure.calls).toEqual([
      'getCompute k8s',
      'getConnectedCluster arc-k3s',
      'listExtensions arc-k3s',
      'getWorkspace mlw-arc',
      'attach k8s',
    ]);
    expect(azure.attachBodies).toEqual([
      {
        location: 'eastus',
        properties: SMALL_ATTACHMENT,
      },
    ]);
    const plan = deps.io.log.lines.findIndex((line) => line.message.startsWith('attach-compute will:'));
    expect(plan).toBeGreaterThanOrEqual(0);
    expect(plan).toBeLessThan(linesBeforeWrite);
    expect(deps.io.log.messages('info')).toEqual(
      expect.arrayContaining(['attach k8s: Creating (elapsed 0ms)', 'attach k8s: Succeeded after 0ms']),
    );
    expect(deps.io.outputs.values).toEqual({ 'compute-id': COMPUTE_ID, changed: true });
    expect(deps.io.summary.markdown).toContain('## Compute k8s: attached');
    expect(deps.io.summary.markdown).toContain('| small (default) | – | 500m / 1 | 1Gi / 2Gi | 0 |');
  });

  it('attaches an AKS cluster, which has no Arc connectivity to check', async () => {
    const azure = fakeAzure().withAksCluster().withExtension(AKS_ID);
    const deps = testDeps({ azure, inputs: { ...INPUTS, 'cluster-id': AKS_ID, identity: 'system' } });

    await run(deps);

    expect(azure.calls).toEqual(['getCompute k8s', 'listExtensions aks-ml', 'getWorkspace mlw-arc', 'attach k8s']);
    expect(azure.attachBodies[0]).toMatchObject({
      identity: { type: 'SystemAssigned' },
      properties: { resourceId: AKS_ID },
    });
    expect(deps.io.outputs.values['changed']).toBe(true);
  });

  it('detaches and attaches again, with a warning naming the differences, when the settings changed', async () => {
    const azure = fakeAzure().readyArc().withCompute();
    const deps = testDeps({
      azure,
      inputs: {
        ...INPUTS,
        namespace: 'azureml',
        'instance-types':
          'small: { resources: { requests: { cpu: 500m, memory: 1Gi }, limits: { cpu: 2, memory: 2Gi } } }',
      },
    });

    await run(deps);

    expect(azure.writes).toEqual(['detach k8s', 'attach k8s']);
    expect(deps.io.log.messages('warning')).toEqual([
      [
        'k8s is attached with other settings, and a Kubernetes compute cannot be updated in place: detaching it and attaching it again.',
        '  - namespace: "default" → "azureml"',
        '  - instance type "small": limits.cpu 1000m → 2',
      ].join('\n'),
    ]);
    expect(deps.io.log.messages('info')[0]).toMatch(
      /^attach-compute will:\n {2}1\. detach compute k8s .*\n {2}2\. attach /,
    );
    expect(azure.attachBodies[0]?.properties.properties.namespace).toBe('azureml');
    expect(deps.io.outputs.values).toEqual({ 'compute-id': COMPUTE_ID, changed: true });
    expect(deps.io.summary.markdown).toContain('detached and attached again');
    expect(deps.io.summary.markdown).toContain('namespace: &quot;default&quot; → &quot;azureml&quot;');
  });

  it('fails with the differences and writes nothing when recreate-on-change is false', async () => {
    const azure = fakeAzure().readyArc().withCompute();
    const deps = testDeps({ azure, inputs: { ...INPUTS, namespace: 'azureml', 'recreate-on-change': 'false' } });

    const failure = run(deps);

    await expect(failure).rejects.toThrow(ActionError);
    await expect(failure).rejects.toThrow(
      'k8s is attached with other settings than asked, and recreate-on-change is false, so nothing was changed:\n  - namespace: "default" → "azureml"',
    );
    await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining('recreate-on-change: true') });
    expect(azure.writes).toEqual([]);
    expect(deps.io.summary.markdown).toContain('## Compute k8s: attached with other settings; nothing changed');
    expect(deps.io.summary.markdown).toContain('namespace: &quot;default&quot; → &quot;azureml&quot;');
  });

  it('recreates a compute whose earlier attach failed', async () => {
    const azure = fakeAzure()
      .readyArc()
      .withCompute(computeState({ provisioningState: 'Failed', provisioningErrors: ['BadRequest: extension gone'] }));
    const deps = testDeps({ azure });

    await run(deps);

    expect(azure.writes).toEqual(['detach k8s', 'attach k8s']);
    expect(deps.io.log.messages('warning')[0]).toContain(
      'provisioning state: Failed (BadRequest: extension gone) → Succeeded',
    );
  });

  it('waits for an attach still in progress (a cancelled earlier run) before deciding', async () => {
    const azure = fakeAzure()
      .readyArc()
      .withCompute(computeState({ provisioningState: 'Creating' }));
    azure.upcoming.set('k8s', [computeState({ provisioningState: 'Creating' }), computeState()]);
    const deps = testDeps({ azure });

    await run(deps);

    expect(azure.writes).toEqual([]);
    expect(deps.io.outputs.values['changed']).toBe(false);
    expect(deps.io.log.messages('info')).toEqual(
      expect.arrayContaining(['k8s is Creating; waiting for that to finish first', 'compute k8s: Succeeded after 2s']),
    );
  });

  it('waits for a detach in progress, then attaches', async () => {
    const azure = fakeAzure()
      .readyArc()
      .withCompute(computeState({ provisioningState: 'Deleting' }));
    azure.upcoming.set('k8s', [undefined]);
    const deps = testDeps({ azure });

    await run(deps);

    expect(azure.writes).toEqual(['attach k8s']);
    expect(deps.io.outputs.values['changed']).toBe(true);
  });

  it.each([
    [
      'the Arc cluster does not exist',
      fakeAzure(),
      /Arc connected cluster arc-k3s was not found in resource group arc-ml-rg/,
      /connect-arc/,
    ],
    [
      'the Arc cluster is Offline',
      fakeAzure().withArcCluster(ARC_ID, 'Offline').withExtension(),
      /arc-k3s is Offline, not Connected/,
      /kubectl get pods -n azure-arc/,
    ],
    [
      'the Arc cluster is still Connecting',
      fakeAzure().withArcCluster(ARC_ID, 'Connecting').withExtension(),
      /is Connecting/,
      /connect-arc/,
    ],
    [
      'the cluster has no AzureML extension',
      fakeAzure().withArcCluster().withExtension(ARC_ID, 'Succeeded', 'microsoft.flux'),
      /has no Azure Machine Learning extension \(Microsoft\.AzureML\.Kubernetes\)/,
      /install-azureml-extension/,
    ],
    [
      'the AzureML extension failed',
      fakeAzure().withArcCluster().withExtension(ARC_ID, 'Failed'),
      /extension "azureml" on cluster arc-k3s is Failed, not Succeeded: pod healthcheck failed/,
      /install-azureml-extension/,
    ],
    [
      'the AzureML extension is still installing',
      fakeAzure().withArcCluster().withExtension(ARC_ID, 'Creating'),
      /is Creating, not Succeeded/,
      /still running/,
    ],
    [
      'an existing compute of that name is not Kubernetes',
      fakeAzure()
        .readyArc()
        .withCompute(computeState({ computeType: 'AmlCompute' })),
      /compute k8s already exists in workspace mlw-arc as a AmlCompute compute/,
      /another compute-name/,
    ],
  ])('fails before writing when %s', async (_case, azure, message, hint) => {
    const deps = testDeps({ azure });

    const failure = run(deps);

    await expect(failure).rejects.toThrow(message);
    await expect(failure).rejects.toMatchObject({ hint: expect.stringMatching(hint) });
    expect(azure.writes).toEqual([]);
  });

  it('fails before writing when the AKS cluster does not exist', async () => {
    const azure = fakeAzure();
    const failure = run(testDeps({ azure, inputs: { ...INPUTS, 'cluster-id': AKS_ID } }));

    await expect(failure).rejects.toThrow('the AKS cluster aks-ml was not found in resource group arc-ml-rg');
    expect(azure.calls).toEqual(['getCompute k8s', 'listExtensions aks-ml']);
  });

  it('checks every input before signing in', async () => {
    const azure = fakeAzure().readyArc();
    const deps = testDeps({ azure, inputs: { ...INPUTS, 'default-instance-type': 'large' } });

    await expect(run(deps)).rejects.toThrow(InputError);
    expect(deps.connections).toEqual([]);
    expect(azure.calls).toEqual([]);
  });

  it('says what to do when the attach operation ends Failed', async () => {
    const azure = fakeAzure().readyArc();
    azure.attachError = new OperationFailedError(
      explainArmError(
        new Error('The long-running operation has failed. InternalServerError. The cluster did not answer.'),
      ),
      'attach compute k8s',
    );
    const deps = testDeps({ azure });

    const failure = run(deps);

    await expect(failure).rejects.toThrow(
      'attach compute k8s failed: InternalServerError: The cluster did not answer.',
    );
    await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining('run this step again') });
    expect(deps.io.outputs.values).toEqual({});
  });
});
