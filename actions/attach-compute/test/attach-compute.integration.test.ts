// Runs the built bundle (actions/attach-compute/dist/index.js) as the runner does, against local
// Azure started in this process, and reads its outputs, summary, annotations and the ARM traffic.

import {
  type ActionTestAzure,
  type ActionTestRun,
  armRequests,
  armWrites,
  runArmContractCheck,
} from '@arc-ml/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { describeExchange, RG, startTestAzure, WORKSPACE } from './local-azure-setup.js';

let local: ActionTestAzure;

beforeAll(async () => {
  local = await startTestAzure();
}, 60_000);

afterAll(async () => {
  await local?.stop();
});

type Run = ActionTestRun;

function attachCompute(inputs: Record<string, string>): Promise<Run> {
  return local.runAction('attach-compute', { 'resource-group': RG, workspace: WORKSPACE, ...inputs });
}

function arcInputs(computeName: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'compute-name': computeName,
    'cluster-id': local.clusterId('connected', 'arc-k3s'),
    'instance-types': 'actions/attach-compute/test/fixtures/instance-types.yml',
    'default-instance-type': 'cpu-small',
    ...extra,
  };
}

function computeUrl(name: string): string {
  return `/computes/${name}`;
}

describe('attach-compute on an Arc cluster', () => {
  it('attaches the cluster on the first run, after a plan, with progress and a summary', async () => {
    const run = await attachCompute(arcInputs('arc-k8s'));

    expect(run.failure).toBeUndefined();
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toEqual({
      'compute-id': `/subscriptions/${local.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WORKSPACE}/computes/arc-k8s`,
      changed: 'true',
    });
    expect(run.stdout).toMatch(
      /attach-compute will:\n {2}1\. attach Arc connected cluster arc-k3s to workspace mlw-arc as Kubernetes compute arc-k8s/,
    );
    expect(run.stdout).toMatch(/attach arc-k8s: Running \(elapsed \d+ms\)/);
    expect(run.stdout).toMatch(/attach arc-k8s: Succeeded after/);
    expect(run.stdout.indexOf('attach-compute will:')).toBeLessThan(run.stdout.indexOf('attach arc-k8s: Running'));
    expect(run.summary).toContain('## Compute arc-k8s: attached');
    expect(run.summary).toContain('| cpu-small (default) | – | 500m / 1 | 1Gi / 2Gi | 0 |');
    expect(run.summary).toContain('| cpu-large | <code>kubernetes.io/os=linux</code> | 2 / 3 | 4Gi / 8Gi | 0 |');
    expect(armWrites(run.traffic).map(describeExchange)).toEqual([`PUT ${computeUrl('arc-k8s')} 201`]);

    const attached = await local.clients.machineLearning().computeOperations.get(RG, WORKSPACE, 'arc-k8s');
    expect(attached.properties).toMatchObject({
      computeType: 'Kubernetes',
      provisioningState: 'Succeeded',
      resourceId: local.clusterId('connected', 'arc-k3s'),
      properties: { namespace: 'default', defaultInstanceType: 'cpu-small' },
    });
  });

  it('does nothing on a second run: changed=false after one ARM read', async () => {
    const run = await attachCompute(arcInputs('arc-k8s'));

    expect(run.exitCode).toBe(0);
    expect(run.outputs['changed']).toBe('false');
    expect(run.stdout).toContain('arc-k8s is already attached to arc-k3s as asked; nothing to do');
    expect(armRequests(run.traffic).map(describeExchange)).toEqual([`GET ${computeUrl('arc-k8s')} 200`]);
    expect(run.summary).toContain('## Compute arc-k8s: already attached as asked');
  });

  it('detaches and attaches again, with a warning naming the differences, when the settings changed', async () => {
    const instanceTypes = [
      'cpu-small:',
      '  resources:',
      '    requests: { cpu: 500m, memory: 1Gi }',
      '    limits: { cpu: 2, memory: 2Gi }',
    ].join('\n');
    const run = await attachCompute(arcInputs('arc-k8s', { namespace: 'azureml', 'instance-types': instanceTypes }));

    expect(run.exitCode).toBe(0);
    expect(run.outputs['changed']).toBe('true');
    const warnings = run.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
    expect(warnings).toEqual([
      [
        'arc-k8s is attached with other settings, and a Kubernetes compute cannot be updated in place: detaching it and attaching it again.',
        '  - namespace: "default" → "azureml"',
        '  - instance type "cpu-large": removed',
        '  - instance type "cpu-small": limits.cpu 1 → 2',
      ].join('\n'),
    ]);
    expect(armWrites(run.traffic).map(describeExchange)).toEqual([
      `DELETE ${computeUrl('arc-k8s')}?underlyingResourceAction=Detach 202`,
      `PUT ${computeUrl('arc-k8s')} 201`,
    ]);
    expect(run.stdout).toMatch(/detach arc-k8s: Detached after/);

    const attached = await local.clients.machineLearning().computeOperations.get(RG, WORKSPACE, 'arc-k8s');
    expect(attached.properties).toMatchObject({ properties: { namespace: 'azureml' } });
  });

  it('fails with the differences and writes nothing when recreate-on-change is false', async () => {
    const run = await attachCompute(arcInputs('arc-k8s', { 'recreate-on-change': 'false' }));

    expect(run.exitCode).toBe(1);
    expect(run.failure).toContain(
      'attach-compute: arc-k8s is attached with other settings than asked, and recreate-on-change is false, so nothing was changed:',
    );
    expect(run.failure).toContain('  - namespace: "azureml" → "default"');
    expect(run.failure).toContain('  - instance type "cpu-large": added');
    expect(run.failure).toContain(
      'hint: A Kubernetes compute cannot be updated in place. Set recreate-on-change: true',
    );
    expect(run.summary).toContain('## Compute arc-k8s: attached with other settings; nothing changed');
    expect(run.summary).toContain('instance type &quot;cpu-large&quot;: added');
    expect(armWrites(run.traffic)).toEqual([]);
  });
});

describe('attach-compute on an AKS cluster', () => {
  it("attaches with a system identity and Azure ML's default instance type, then finds nothing to change", async () => {
    const inputs = {
      'compute-name': 'aks-k8s',
      'cluster-id': local.clusterId('managed', 'aks-ml'),
      identity: 'system',
    };

    const first = await attachCompute(inputs);
    expect(first.failure).toBeUndefined();
    expect(first.outputs['changed']).toBe('true');
    expect(first.stdout).toContain(
      "attach AKS cluster aks-ml to workspace mlw-arc as Kubernetes compute aks-k8s (namespace default; instance types Azure ML's defaultinstancetype; default defaultinstancetype; identity system)",
    );
    const put = armWrites(first.traffic).find((exchange) => exchange.method === 'PUT');
    expect(put?.requestBody).toEqual({
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
      properties: {
        computeType: 'Kubernetes',
        resourceId: local.clusterId('managed', 'aks-ml'),
        properties: { namespace: 'default' },
      },
    });

    const second = await attachCompute(inputs);
    expect(second.outputs['changed']).toBe('false');
    expect(armWrites(second.traffic)).toEqual([]);
  });
});

describe('attach-compute refuses bad input before any Azure request', () => {
  it.each([
    [
      'a typo in a boolean',
      { 'recreate-on-change': 'ture' },
      'attach-compute: input "recreate-on-change": "ture" is not a boolean; use true or false',
    ],
    ['a missing required input', { 'compute-name': '' }, 'attach-compute: input "compute-name": a value is required'],
    [
      'an invalid compute name',
      { 'compute-name': 'arc_k8s' },
      'attach-compute: input "compute-name": "arc_k8s" must be letters, digits and hyphens',
    ],
    [
      'a too long compute name',
      { 'compute-name': 'arc-cluster-compute' },
      'attach-compute: input "compute-name": "arc-cluster-compute" is 19 characters long; use 2 to 16',
    ],
    [
      'a default instance type not among instance-types',
      { 'default-instance-type': 'gpu' },
      'attach-compute: input "default-instance-type": "gpu" is not one of instance-types (cpu-small, cpu-large)',
    ],
    [
      'a bad quantity (cpu: 5OOm)',
      { 'instance-types': 'actions/attach-compute/test/fixtures/bad-quantity.yml' },
      'attach-compute: actions/attach-compute/test/fixtures/bad-quantity.yml:5:12: instance type "cpu-small": requests.cpu "5OOm" is not a CPU quantity',
    ],
  ])('%s', async (_case, changes, failure) => {
    const run = await attachCompute(arcInputs('arc-bad', changes));

    expect(run.exitCode).toBe(1);
    expect(run.failure).toContain(failure);
    expect(armWrites(run.traffic)).toEqual([]);
    expect(armRequests(run.traffic)).toEqual([]);
  });

  it('shows a bad quantity in a file as an annotation at its line and column', async () => {
    const run = await attachCompute(
      arcInputs('arc-bad', { 'instance-types': 'actions/attach-compute/test/fixtures/bad-quantity.yml' }),
    );

    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('did you mean "500m"?'),
        properties: expect.objectContaining({
          file: 'actions/attach-compute/test/fixtures/bad-quantity.yml',
          line: '5',
          col: '12',
        }),
      }),
    );
  });
});

describe('attach-compute checks the cluster before writing', () => {
  it.each([
    [
      'has no AzureML extension',
      'connected',
      'arc-bare',
      'cluster arc-bare has no Azure Machine Learning extension (Microsoft.AzureML.Kubernetes)',
      'hint: Run the install-azureml-extension action on this cluster first',
    ],
    [
      'has a Failed AzureML extension',
      'managed',
      'aks-broken',
      'the Azure Machine Learning extension "azureml" on cluster aks-broken is Failed, not Succeeded',
      'install-azureml-extension',
    ],
    [
      'is Offline',
      'connected',
      'arc-down',
      'the Arc connected cluster arc-down is Offline, not Connected',
      'run connect-arc',
    ],
    [
      'does not exist',
      'connected',
      'arc-missing',
      'the Arc connected cluster arc-missing was not found in resource group arc-ml-rg',
      'hint: Run the connect-arc action first',
    ],
  ] as const)('fails when the cluster %s', async (_case, kind, cluster, failure, hint) => {
    const run = await attachCompute({ 'compute-name': 'bad-cluster', 'cluster-id': local.clusterId(kind, cluster) });

    expect(run.exitCode).toBe(1);
    expect(run.failure).toContain(`attach-compute: ${failure}`);
    expect(run.failure).toContain(hint);
    expect(armWrites(run.traffic)).toEqual([]);
  });
});

describe('attach-compute and Azure faults', () => {
  it('honours Retry-After when Resource Manager throttles', async () => {
    // 2 s is what the server asks; the client's own backoff before a first retry would be about 1 s.
    await local.azure.admin.setFaults({
      throttle: { path: '/computes/arc-throttled$', times: 1, retryAfterSeconds: 2 },
    });
    let run: Run;
    try {
      run = await attachCompute(arcInputs('arc-throttled'));
    } finally {
      await local.azure.admin.clearFaults();
    }

    expect(run.exitCode).toBe(0);
    expect(run.outputs['changed']).toBe('true');
    expect(run.stdout).toMatch(
      /GET https:\/\/\S+\/computes\/arc-throttled\?api-version=2022-10-01: HTTP 429; retry 1 of 5 in 2s/,
    );
    const reads = armRequests(run.traffic).filter((exchange) => exchange.method === 'GET');
    expect(reads.slice(0, 2).map(describeExchange)).toEqual([
      `GET ${computeUrl('arc-throttled')} 429`,
      `GET ${computeUrl('arc-throttled')} 404`,
    ]);
    expect(reads[0]?.responseHeaders['retry-after']).toBe('2');
  });

  it('explains an attach that ends Failed, and a second run repairs it', async () => {
    await local.azure.admin.setFaults({
      failOperations: {
        kind: 'compute',
        path: '/computes/arc-failing$',
        code: 'InternalServerError',
        message: 'The AzureML extension on the cluster did not answer.',
      },
    });
    let failed: Run;
    try {
      failed = await attachCompute(arcInputs('arc-failing'));
    } finally {
      await local.azure.admin.clearFaults();
    }

    expect(failed.exitCode).toBe(1);
    expect(failed.failure).toContain(
      'attach-compute: attach compute arc-failing failed: InternalServerError: The AzureML extension on the cluster did not answer.',
    );
    expect(failed.failure).toContain(
      'hint: If the compute was left in state Failed, check the AzureML extension on the cluster',
    );
    expect(failed.outputs).toEqual({});

    const repaired = await attachCompute(arcInputs('arc-failing'));
    expect(repaired.exitCode).toBe(0);
    expect(repaired.outputs['changed']).toBe('true');
    expect(repaired.annotations.find((a) => a.level === 'warning')?.message).toContain('provisioning state: Failed');
    expect(armWrites(repaired.traffic).map(describeExchange)).toEqual([
      `DELETE ${computeUrl('arc-failing')}?underlyingResourceAction=Detach 202`,
      `PUT ${computeUrl('arc-failing')} 201`,
    ]);
  });

  it('says which role is missing when the caller has none on the resource group', async () => {
    const run = await attachCompute({ ...arcInputs('no-role'), 'resource-group': 'no-access-rg' });

    expect(run.exitCode).toBe(1);
    expect(run.failure).toContain('may not perform Microsoft.MachineLearningServices/workspaces/computes/read');
    expect(run.failure).toContain('/resourceGroups/no-access-rg');
    expect(run.failure).toMatch(/hint: Grant it the "[^"]+" role on/);
    expect(armWrites(run.traffic)).toEqual([]);
  });
});

describe('the ARM traffic of these runs', () => {
  it('follows the official REST specifications', () => {
    const check = runArmContractCheck(local.azure.trafficFile);
    expect(check.report).toMatch(/0 violations, 0 unmatched/);
    expect(check.exitCode).toBe(0);
  });
});
