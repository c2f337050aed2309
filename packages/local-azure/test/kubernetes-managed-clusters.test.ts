import { describe, expect, it } from '@jest/globals';
import { AKS, AKS_ID, configWith, harness, RG, SUB } from './kubernetes-harness.js';

const path = (name = AKS) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/${name}`;

describe('managed clusters (AKS)', () => {
  it.each(['2024-05-01', '2024-09-01', '2025-01-01'])(
    'serves GET of a declared cluster at api-version %s',
    async (apiVersion) => {
      const h = harness();
      const result = await h.send('GET', `${path()}?api-version=${apiVersion}`);
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({
        id: AKS_ID,
        name: AKS,
        type: 'Microsoft.ContainerService/ManagedClusters',
        location: 'eastus',
        properties: {
          provisioningState: 'Succeeded',
          powerState: { code: 'Running' },
          kubernetesVersion: '1.30.4',
          currentKubernetesVersion: '1.30.4',
          fqdn: expect.stringMatching(/^aks-ml-dns-[0-9a-f]{8}\.hcp\.eastus\.azmk8s\.io$/),
          agentPoolProfiles: [
            expect.objectContaining({
              name: 'nodepool1',
              count: 3,
              vmSize: 'Standard_D4s_v5',
              osType: 'Linux',
              mode: 'System',
            }),
          ],
        },
      });
    },
  );

  it('groups nodes into pools by the agentpool label or the node name', async () => {
    const gpu = { name: 'aks-gpupool-0', cpu: 6, memoryGi: 112, gpu: 1, os: 'linux' as const, labels: {} };
    const h = harness({ config: configWith((c) => (c.kind === 'aks' ? { nodes: [...c.nodes, gpu] } : {})) });
    const profiles = ((await h.send('GET', path())).body as { properties: { agentPoolProfiles: object[] } }).properties
      .agentPoolProfiles;
    expect(profiles).toEqual([
      expect.objectContaining({ name: 'nodepool1', count: 3 }),
      expect.objectContaining({ name: 'gpupool', count: 1, vmSize: 'Standard_NC6s_v3', mode: 'User' }),
    ]);
  });

  it('answers 404 ResourceNotFound for a cluster that is not declared, and for an Arc cluster', async () => {
    const h = harness();
    for (const name of ['nope', 'arc-k3s']) {
      const result = await h.send('GET', path(name));
      expect(result.status).toBe(404);
      expect(result.body).toMatchObject({ error: { code: 'ResourceNotFound' } });
    }
  });

  it('lists by resource group and subscription', async () => {
    const h = harness();
    for (const list of [
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters`,
      `/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters`,
    ]) {
      expect((await h.send('GET', list)).body).toMatchObject({ value: [{ id: AKS_ID }] });
    }
  });

  it('rejects an api-version it does not serve', async () => {
    const h = harness();
    const result = await h.send('GET', `${path()}?api-version=2019-01-01`);
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: { code: 'InvalidApiVersionParameter' } });
  });
});
