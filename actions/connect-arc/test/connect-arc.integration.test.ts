// The built bundle (actions/connect-arc/dist/index.js) run as the runner runs it, against local
// Azure with its az shim on PATH. Build first: node scripts/build-actions.mjs connect-arc.

import { createPublicKey } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { DEFAULT_CONFIG } from '@arc-ml/local-azure';
import {
  armRequests,
  armWrites,
  contractCheckerAvailable,
  runArmContractCheck,
  visibleLog,
} from '@arc-ml/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { arcCluster, type Fixture, RG, startFixture } from './local-azure-fixture.js';

const AKS = DEFAULT_CONFIG.clusters.find((c) => c.kind === 'aks')!;
const CLUSTERS = [
  arcCluster('arc-k3s', false), // onboarded by the first test
  arcCluster('arc-ready', true),
  arcCluster('arc-offline', true),
  arcCluster('arc-expired', true),
  arcCluster('arc-fail', false), // its onboarding operation is made to fail
  arcCluster('arc-missing', false),
  AKS,
];
const SUB = DEFAULT_CONFIG.subscriptionId;
const connectedId = (name: string, rg = RG) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;

let f: Fixture;

beforeAll(async () => {
  // The agents connect 300 ms after they start, so a fresh onboarding is seen Connecting first.
  f = await startFixture(CLUSTERS, { connectivity: 300, resource: 0, resourceGroup: 0 });
}, 60_000);

afterAll(async () => {
  await f?.stop();
});

describe('connect-arc against local Azure', () => {
  it('onboards a cluster that is not connected yet through az connectedk8s connect, then waits for Connected', async () => {
    const kubeconfig = f.kubeconfig('arc-k3s');
    const token = /token: (\S+)/.exec(kubeconfig)![1]!;
    const { result, traffic } = await f.run({
      'resource-group': RG,
      'cluster-name': 'arc-k3s',
      'cluster-type': 'connected',
      onboard: 'true',
      kubeconfig,
      tags: 'owner=ml-platform',
    });

    expect(result.failure).toBeUndefined();
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      'cluster-id': connectedId('arc-k3s'),
      'cluster-type': 'connected',
      'connectivity-status': 'Connected',
      'kubernetes-version': '1.30.4',
      'agent-version': '1.21.10',
      changed: 'true',
    });

    // The connected cluster was created with a real RSA-4096 agent key (base64 DER PKCS#1) and the tags.
    const put = armWrites(traffic).find((t) => t.method === 'PUT');
    expect(put?.url).toContain('/connectedClusters/arc-k3s?api-version=2021-10-01');
    const body = put?.requestBody as {
      identity: unknown;
      tags: unknown;
      properties: { agentPublicKeyCertificate: string };
    };
    expect(body.identity).toEqual({ type: 'SystemAssigned' });
    expect(body.tags).toEqual({ owner: 'ml-platform' });
    const key = createPublicKey({
      key: Buffer.from(body.properties.agentPublicKeyCertificate, 'base64'),
      format: 'der',
      type: 'pkcs1',
    });
    expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
    // The agents were installed through the kubeconfig's API server.
    expect(f.clusterApiCalls()).toEqual([{ cluster: 'arc-k3s', body: { running: true, agentVersion: '1.21.10' } }]);

    // Plan before the write; the CLI steps; progress from Connecting to Connected.
    const log = result.stdout;
    expect(log.indexOf('plan:')).toBeGreaterThan(-1);
    expect(log.indexOf('plan:')).toBeLessThan(log.indexOf('[command]az connectedk8s connect'));
    expect(log).toContain('[command]az extension add --name connectedk8s --yes --output none');
    expect(log).toMatch(/\[command\]az login --service-principal .* --federated-token \*\*\* --allow-no-subscriptions/);
    expect(log).toMatch(/Arc cluster arc-k3s: Connecting \(elapsed/);
    expect(log).toMatch(/Arc cluster arc-k3s: Connected after \d/);
    expect(result.summary).toContain('## Arc cluster arc-k3s: Connected');
    expect(result.summary).toContain('onboarded with az connectedk8s connect');

    // Secrets: the kubeconfig token and the ID token appear only in ::add-mask:: commands; no temp files stay.
    const printed = visibleLog(result);
    expect(printed).not.toContain(token);
    expect(printed).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    expect(log).toContain(`::add-mask::${token}`);
    expect(readdirSync(f.runnerTemp)).toEqual([]);
  });

  it('finds the onboarded cluster Connected on a second run: changed=false, one ARM read, no writes', async () => {
    const { result, traffic } = await f.run({
      'resource-group': RG,
      'cluster-name': 'arc-k3s',
      onboard: 'true',
      kubeconfig: f.kubeconfig('arc-k3s'),
    });

    expect(result.exitCode).toBe(0);
    expect(result.outputs['changed']).toBe('false');
    expect(result.outputs['connectivity-status']).toBe('Connected');
    expect(armWrites(traffic)).toEqual([]);
    expect(armRequests(traffic).map((t) => `${t.method} ${t.status}`)).toEqual(['GET 200']);
    expect(result.stdout).not.toContain('[command]az');
    expect(result.stdout).toContain('already connected; nothing to do');
  });

  it('sets tags that changed on an existing cluster (plan first), keeps its other tags, and is idempotent', async () => {
    const first = await f.run({
      'resource-group': RG,
      'cluster-name': 'arc-k3s',
      tags: 'owner=ml-platform\ncost-center=4711',
    });

    expect(first.result.exitCode).toBe(0);
    expect(first.result.outputs['changed']).toBe('true');
    const writes = armWrites(first.traffic);
    expect(writes.map((t) => t.method)).toEqual(['PATCH']);
    expect(writes[0]!.requestBody).toEqual({ tags: { owner: 'ml-platform', 'cost-center': '4711' } });
    expect(first.result.stdout).toMatch(
      /connect-arc plan:\n\s+1\. set tag cost-center=4711 on connected cluster arc-k3s/,
    );

    const second = await f.run({ 'resource-group': RG, 'cluster-name': 'arc-k3s', tags: 'cost-center=4711' });
    expect(second.result.outputs['changed']).toBe('false');
    expect(armWrites(second.traffic)).toEqual([]);
  });

  it('reports a cluster that is already connected with one ARM read', async () => {
    const { result, traffic } = await f.run({ 'resource-group': RG, 'cluster-name': 'arc-ready' });

    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ 'cluster-id': connectedId('arc-ready'), changed: 'false' });
    expect(armRequests(traffic)).toHaveLength(1);
  });

  it.each([
    ['a boolean typo', { onboard: 'ture' }, /input "onboard": "ture" is not a boolean; use true or false/],
    ['a missing required input', { 'cluster-name': '' }, /input "cluster-name": a value is required/],
    [
      'an invalid cluster name',
      { 'cluster-name': 'arc k3s!' },
      /input "cluster-name": "arc k3s!" must be letters, digits/,
    ],
    [
      'an unknown cluster type',
      { 'cluster-type': 'eks' },
      /input "cluster-type": "eks" is not one of auto, connected, aks/,
    ],
    ['a timeout without a unit', { timeout: '30' }, /input "timeout": "30" has no unit/],
    [
      'onboarding without a kubeconfig',
      { onboard: 'true' },
      /input "kubeconfig": a value is required when onboard is true/,
    ],
    [
      'a kubeconfig that is not YAML',
      { onboard: 'true', kubeconfig: 'apiVersion: v1\nclusters: [\n  token: s3cr3t-token' },
      /input "kubeconfig": the kubeconfig input is not valid YAML/,
    ],
    [
      'a proxy that is not a URL',
      { 'https-proxy': 'proxy.contoso.com:3128' },
      /input "https-proxy": .* is not an http\(s\) proxy URL/,
    ],
    [
      'onboarding an AKS cluster',
      { 'cluster-type': 'aks', onboard: 'true', kubeconfig: 'x: 1\ny: 2' },
      /input "onboard": true asks to onboard/,
    ],
  ])('fails on %s before sending anything to Azure', async (_case, inputs, message) => {
    const { result, traffic } = await f.run({ 'resource-group': RG, 'cluster-name': 'arc-k3s', ...inputs });

    expect(result.exitCode).toBe(1);
    expect(result.failure).toMatch(/^connect-arc: /);
    expect(result.failure).toMatch(message);
    expect(result.failure).not.toContain('s3cr3t-token');
    expect(armWrites(traffic)).toEqual([]);
    expect(traffic).toEqual([]);
  });

  it('fails on a missing client-id, naming the input, before sending anything', async () => {
    const { result, traffic } = await f.run(
      { 'resource-group': RG, 'cluster-name': 'arc-k3s' },
      { AZURE_CLIENT_ID: '' },
    );

    expect(result.exitCode).toBe(1);
    expect(result.failure).toMatch(/Input 'client-id': is required/);
    expect(result.failure).toContain('AZURE_CLIENT_ID');
    expect(traffic).toEqual([]);
  });

  it('fails with the exact command when the cluster is missing and onboard is false', async () => {
    const { result, traffic } = await f.run({
      'resource-group': RG,
      'cluster-name': 'arc-missing',
      location: 'East US',
    });

    expect(result.exitCode).toBe(1);
    expect(result.failure).toContain('arc-missing is not an Arc connected cluster in resource group arc-ml-rg');
    expect(result.failure).toContain('set onboard: true and pass kubeconfig');
    expect(result.failure).toContain(
      'az connectedk8s connect --name arc-missing --resource-group arc-ml-rg --location eastus',
    );
    expect(armWrites(traffic)).toEqual([]);
  });

  it('fails before any write, saying how to get it, when the Azure CLI is not on the runner', async () => {
    const { result, traffic } = await f.run(
      {
        'resource-group': RG,
        'cluster-name': 'arc-missing',
        'cluster-type': 'connected',
        onboard: 'true',
        kubeconfig: f.kubeconfig('arc-missing'),
      },
      { PATH: '/nonexistent' },
    );

    expect(result.exitCode).toBe(1);
    expect(result.failure).toContain('the Azure CLI (az) is not installed on this runner');
    expect(result.failure).toContain('hint: GitHub-hosted Ubuntu and Windows runners have it');
    expect(armWrites(traffic)).toEqual([]);
    expect(readdirSync(f.runnerTemp)).toEqual([]);
  });

  it('honours Retry-After when Resource Manager throttles', async () => {
    // 2 s is what the server asks; the client's own backoff before a first retry would be about 1 s.
    await f.azure.admin.setFaults({
      throttle: { path: 'connectedClusters/arc-ready', times: 1, retryAfterSeconds: 2 },
    });
    try {
      const { result, traffic } = await f.run({ 'resource-group': RG, 'cluster-name': 'arc-ready' });

      expect(result.exitCode).toBe(0);
      const reads = armRequests(traffic);
      expect(reads.map((t) => t.status)).toEqual([429, 200]);
      expect(reads[0]!.responseHeaders['retry-after']).toBe('2');
      // The retry waits what the service asked for, not the client's own backoff.
      expect(result.stdout).toMatch(/429.*retry 1 of \d+ in 2s/);
    } finally {
      await f.azure.admin.clearFaults();
    }
  });

  it('fails naming the az step, its exit code and Azure error when the onboarding operation ends Failed', async () => {
    await f.azure.admin.setFaults({
      failOperations: {
        path: 'connectedClusters/arc-fail',
        code: 'ClusterCreationFailed',
        message: 'The Arc service could not create the cluster identity.',
      },
    });
    try {
      const { result, traffic } = await f.run({
        'resource-group': RG,
        'cluster-name': 'arc-fail',
        onboard: 'true',
        kubeconfig: f.kubeconfig('arc-fail'),
      });

      expect(result.exitCode).toBe(1);
      expect(result.failure).toContain('onboard arc-fail with az connectedk8s connect failed');
      expect(result.failure).toContain('exited with code 1');
      expect(result.failure).toContain(
        '(ClusterCreationFailed) The Arc service could not create the cluster identity.',
      );
      expect(result.failure).toMatch(/hint: az connectedk8s connect needs the cluster's API server/);
      expect(result.failure).not.toMatch(/eyJ[\w-]+\.eyJ/);
      expect(armWrites(traffic).map((t) => t.method)).toEqual(['PUT']);
      expect(readdirSync(f.runnerTemp)).toEqual([]);
    } finally {
      await f.azure.admin.clearFaults();
    }

    // What it left behind is explained on the next run, with the way out.
    const next = await f.run({ 'resource-group': RG, 'cluster-name': 'arc-fail' });
    expect(next.result.exitCode).toBe(1);
    expect(next.result.failure).toContain('has provisioning state Failed');
    expect(next.result.failure).toContain('az connectedk8s delete --name arc-fail --resource-group arc-ml-rg --yes');
  });

  it.each([
    ['Offline', /arc-offline is Offline: its Arc agents have not reached Azure/, /kubectl get pods -n azure-arc/],
    ['Expired', /arc-expired is Expired: its managed identity certificate expired/, /Delete it and onboard it again/],
  ])('explains a cluster that is %s and what to do', async (status, message, hint) => {
    const name = `arc-${status.toLowerCase()}`;
    await f.azure.admin.request('POST', `/clusters/${name}/connectivity`, { status });

    const { result, traffic } = await f.run({ 'resource-group': RG, 'cluster-name': name });

    expect(result.exitCode).toBe(1);
    expect(result.failure).toMatch(message);
    expect(result.failure).toMatch(hint);
    expect(result.summary).toContain(`## Arc cluster ${name}: ${status}; not usable`);
    expect(result.summary).toMatch(hint);
    expect(armWrites(traffic)).toEqual([]);
  });

  it.each([
    ['aks', 1],
    ['auto', 2],
  ])('resolves the AKS cluster with cluster-type %s (%i ARM reads)', async (clusterType, reads) => {
    const { result, traffic } = await f.run({
      'resource-group': RG,
      'cluster-name': AKS.name,
      'cluster-type': clusterType,
    });

    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({
      'cluster-id': `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${AKS.name}`,
      'cluster-type': 'aks',
      'kubernetes-version': AKS.kubernetesVersion,
      changed: 'false',
    });
    expect(armRequests(traffic)).toHaveLength(reads);
    expect(result.summary).toContain(`## AKS cluster ${AKS.name}: Succeeded`);
  });

  it('fails with the missing role when the caller has none on the resource group, before any write', async () => {
    const { result, traffic } = await f.run({
      'resource-group': 'no-access-rg',
      'cluster-name': 'arc-k3s',
      onboard: 'true',
      kubeconfig: f.kubeconfig('arc-k3s'),
    });

    expect(result.exitCode).toBe(1);
    expect(result.failure).toContain('may not perform Microsoft.Kubernetes/connectedClusters/read');
    expect(result.failure).toMatch(/\/resourcegroups\/no-access-rg\//i);
    expect(result.failure).toMatch(/hint: Grant it the ".+" role/);
    expect(armRequests(traffic).map((t) => t.status)).toEqual([403]);
    expect(armWrites(traffic)).toEqual([]);
  });

  it('sends and receives only what the official REST specifications allow', () => {
    expect(contractCheckerAvailable()).toBe(true);
    const check = runArmContractCheck(f.azure.trafficFile, ['--json']);
    const report = JSON.parse(check.report) as {
      violations: { method: string; path: string; message: string }[];
      unmatched: { method: string; path: string; reason?: string }[];
    };
    expect(report.violations).toEqual([]);
    // ../shared/azure-specs has no Microsoft.ContainerService spec: the AKS reads cannot be matched.
    expect(report.unmatched.filter((u) => !u.path.includes('/Microsoft.ContainerService/managedClusters/'))).toEqual(
      [],
    );
  });
});
