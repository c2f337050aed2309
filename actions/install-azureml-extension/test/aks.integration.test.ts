// The built bundle against local Azure on AKS clusters: the managed-cluster resource path, a
// replace when a setting must go, the ClusterIP warning, HA on a one-node cluster that ends Failed,
// and a second AzureML extension refused before any write.

import { DEFAULT_CONFIG, type LocalAzureConfig } from '@arc-ml/local-azure';
import { contractCheckerAvailable, runArmContractCheck, visibleLog } from '@arc-ml/test-support';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AKS, extensionId, type Harness, RG, startHarness } from './support/local-azure.js';

const TIMEOUT = 120_000;
const SMALL = 'aks-small';

/** The default config plus a one-node AKS cluster. */
const CONFIG: LocalAzureConfig = {
  ...DEFAULT_CONFIG,
  clusters: [
    ...DEFAULT_CONFIG.clusters,
    {
      name: SMALL,
      resourceGroup: RG,
      kind: 'aks',
      kubernetesVersion: '1.30.4',
      connected: false,
      namespaces: ['default', 'kube-system'],
      nodes: [{ name: 'aks-pool-0', cpu: 4, memoryGi: 16, gpu: 0, os: 'linux', labels: {} }],
    },
  ],
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness(CONFIG);
}, TIMEOUT);

afterAll(async () => {
  await h?.stop();
});

const aks = (cluster = AKS): Record<string, string> => ({
  'resource-group': RG,
  'cluster-name': cluster,
  'cluster-type': 'aks',
  'allow-insecure-connections': 'true',
  'inference-router-service-type': 'LoadBalancer',
});

type ExtensionJson = { properties: { configurationSettings: Record<string, string>; provisioningState: string } };

describe('install-azureml-extension on AKS', () => {
  it(
    'installs on a managed cluster through the Microsoft.ContainerService path',
    async () => {
      const result = await h.run({ ...aks(), 'internal-load-balancer-provider': 'azure' });

      expect(result.failure).toBeUndefined();
      const clusterId = h.clusterId('managed', AKS);
      expect(result.outputs).toMatchObject({ 'extension-id': extensionId(clusterId), changed: 'true' });
      const put = result.writes.find((t) => t.method === 'PUT');
      expect(new URL(put!.url).pathname).toBe(extensionId(clusterId));
      const settings = (put!.requestBody as ExtensionJson).properties.configurationSettings;
      expect(settings).toMatchObject({
        allowInsecureConnections: 'True',
        internalLoadBalancerProvider: 'azure',
        'scoringFe.serviceType.internalLoadBalancer': 'True',
        'nginxIngress.enabled': 'true',
        cluster_name_friendly: AKS,
      });
      expect(result.summary).toContain('HTTP (insecure), router LoadBalancer (internal), HA on');
    },
    TIMEOUT,
  );

  it(
    'does nothing the second time, with at most 3 ARM requests',
    async () => {
      const result = await h.run({ ...aks(), 'internal-load-balancer-provider': 'azure' });

      expect(result.exitCode).toBe(0);
      expect(result.outputs['changed']).toBe('false');
      expect(result.writes).toEqual([]);
      expect(result.arm.length).toBeLessThanOrEqual(3);
    },
    TIMEOUT,
  );

  it(
    'replaces the settings (PUT) when a setting must be removed, which a PATCH cannot say',
    async () => {
      const result = await h.run(aks());

      expect(result.exitCode).toBe(0);
      expect(result.outputs['changed']).toBe('true');
      expect(result.writes.map((t) => t.method)).toEqual(['PUT']);
      expect(visibleLog(result)).toMatch(/internalLoadBalancerProvider: azure → \(removed\)/);
      const extension = await h.clients
        .kubernetesConfiguration()
        .extensions.get(RG, 'Microsoft.ContainerService', 'managedClusters', AKS, 'azureml');
      const settings = extension.configurationSettings;
      expect(settings).not.toHaveProperty('internalLoadBalancerProvider');
      expect(settings).toMatchObject({
        clusterId: h.clusterId('managed', AKS),
        'scoringFe.serviceType.internalLoadBalancer': 'False',
      });
    },
    TIMEOUT,
  );

  it(
    'warns that ClusterIP scoring cannot be reached from a hosted runner',
    async () => {
      const result = await h.run({ ...aks(), 'inference-router-service-type': 'clusterip' });

      expect(result.exitCode).toBe(0);
      const warnings = result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      expect(warnings).toContainEqual(
        expect.stringMatching(/ClusterIP: scoring endpoints are reachable only from inside the cluster/),
      );
      expect(visibleLog(result)).toMatch(/inferenceRouterServiceType: LoadBalancer → ClusterIP/);
    },
    TIMEOUT,
  );

  it(
    'refuses a second AzureML extension under another name before writing',
    async () => {
      const result = await h.run({ ...aks(), 'extension-name': 'azureml2' });

      expect(result.exitCode).not.toBe(0);
      expect(result.failure).toMatch(
        /the AzureML extension is already installed on the AKS cluster 'aks-ml' .* as 'azureml'/,
      );
      expect(result.failure).toMatch(/hint: Set extension-name: azureml/);
      expect(result.writes).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'warns about HA on a one-node cluster, then explains the Failed install; with HA off a re-run succeeds',
    async () => {
      const result = await h.run(aks(SMALL));

      expect(result.exitCode).not.toBe(0);
      const warnings = result.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      expect(warnings).toContainEqual(
        expect.stringMatching(/inference-router-ha is true, but the AKS cluster 'aks-small' .* has 1 node/),
      );
      const log = visibleLog(result);
      expect(log).toMatch(/status: Error InsufficientNodesForHA/);
      expect(log).toMatch(/errorInfo: ExtensionOperationFailed:/);
      expect(result.failure).toMatch(/ended Failed \(ExtensionOperationFailed\)/);
      expect(result.failure).toMatch(
        /hint: inference-router-ha is true, which needs 3 Linux nodes .* the cluster reports 1: set inference-router-ha: false/,
      );
      expect(result.outputs['provisioning-state']).toBe('Failed');
      expect(result.summary).toContain('Most likely: inference-router-ha is true');

      const fixed = await h.run({ ...aks(SMALL), 'inference-router-ha': 'false' });
      expect(fixed.exitCode).toBe(0);
      expect(fixed.outputs['provisioning-state']).toBe('Succeeded');
      expect(fixed.writes.map((t) => t.method)).toEqual(['PATCH']);
    },
    TIMEOUT,
  );

  it('sent and got only what the ARM specifications allow (managed-cluster reads have no spec to check against)', () => {
    expect(contractCheckerAvailable()).toBe(true);
    const check = runArmContractCheck(h.azure.trafficFile);
    expect(check.report).not.toMatch(/^(VIOLATION|INVALID)/m);
    const unmatched = check.report.split('\n').filter((line) => line.startsWith('UNMATCHED'));
    expect(unmatched.length).toBeGreaterThan(0);
    for (const line of unmatched) {
      expect(line).toMatch(
        /^UNMATCHED GET \/subscriptions\/[^/]+\/resourceGroups\/arc-ml-rg\/providers\/Microsoft\.ContainerService\/managedClusters\/[\w-]+: /i,
      );
    }
  });
});
