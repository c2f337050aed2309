// Arc connected clusters, AKS managed clusters and cluster extensions behind the real front door,
// driven by the official clients the actions get from @arc-ml/azure (signed in through GitHub OIDC
// → Entra): create/read/update/list/delete, the extension pollers, the AzureML extension's rules as
// the poller reports them, and the traffic record checked against the swagger.

import { type AzureClients, getManagedCluster } from '@arc-ml/azure';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import type { LocalAzureConfig } from '../src/config/types.js';
import { clusterToken } from '../src/kubeconfig.js';
import type { LocalAzure } from '../src/local-azure.js';
import { agentPublicKey, extensionBody, INSECURE_INFERENCE, selfSigned } from './kubernetes-harness.js';
import {
  type ContractFinding,
  call,
  clientsFor,
  contractCheck,
  DEVIATION_HEADER,
  deviatesOnPurpose,
  readTraffic,
  startTestAzure,
} from './local-azure-support.js';
import { INSTANCE_TYPES } from './machine-learning-harness.js';

const RG = 'arc-ml-rg';
const ARC = 'arc-k3s';
const AKS = 'aks-ml';
const WS = 'mlw-arc';
/** AKS with two nodes: the inference router's HA rule wants three. */
const CONFIG: LocalAzureConfig = {
  ...DEFAULT_CONFIG,
  clusters: DEFAULT_CONFIG.clusters.map((cluster) =>
    cluster.name === AKS ? { ...cluster, nodes: cluster.nodes.slice(0, 2) } : cluster,
  ),
};
const POLL = { updateIntervalInMs: 5 };
const CONNECTED = 'Microsoft.Kubernetes';
const MANAGED = 'Microsoft.ContainerService';

let azure: LocalAzure;
let clients: AzureClients;
/** Every secret the tests sent: none may appear in the traffic record. */
const secrets = new Set<string>();

beforeAll(async () => {
  azure = await startTestAzure({ config: CONFIG });
  clients = await clientsFor(azure);
});

afterAll(async () => {
  await azure?.stop();
});

/** What `az connectedk8s connect`'s helm install does: the cluster's agents start and call home. */
async function startAgents(name: string): Promise<void> {
  const cluster = CONFIG.clusters.find((c) => c.name === name)!;
  const answer = await call(azure, 'POST', `/kubernetes/${RG}/${name}/agents`, {
    token: clusterToken(azure.config, cluster),
    body: { running: true },
  });
  expect(answer.status).toBe(200);
}

function onboarding(overrides: Record<string, unknown> = {}) {
  return {
    location: 'eastus',
    identity: { type: 'SystemAssigned' as const },
    agentPublicKeyCertificate: agentPublicKey(),
    distribution: 'k3s',
    infrastructure: 'generic',
    ...overrides,
  };
}

describe('connected clusters through @azure/arm-hybridkubernetes', () => {
  it('refuses an onboarding without identity or agentPublicKeyCertificate, in ARM’s error shape', async () => {
    const arc = clients.connectedClusters().connectedClusterOperations;
    const { identity: _identity, ...noIdentity } = onboarding();
    // Off the swagger on purpose (identity is required there too): marked so the contract check skips it.
    const offContract = { ...POLL, requestOptions: { customHeaders: { [DEVIATION_HEADER]: 'on-purpose' } } };
    await expect(arc.beginCreateAndWait(RG, ARC, noIdentity as never, offContract)).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/'identity' is required/),
    });
    await expect(
      arc.beginCreateAndWait(RG, ARC, onboarding({ agentPublicKeyCertificate: '' }), offContract),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(/agentPublicKeyCertificate/) });
    await expect(arc.get(RG, ARC)).rejects.toMatchObject({ statusCode: 404 });
  });

  it('onboards, stays Connecting until the agents run, then reads Connected; updates tags and lists', async () => {
    const arc = clients.connectedClusters().connectedClusterOperations;
    const created = await arc.beginCreateAndWait(RG, ARC, onboarding(), POLL);
    expect(created).toMatchObject({ name: ARC, provisioningState: 'Succeeded', identity: { type: 'SystemAssigned' } });
    expect(created.identity.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await arc.get(RG, ARC)).connectivityStatus).toBe('Connecting');

    await startAgents(ARC);
    const connected = await arc.get(RG, ARC);
    expect(connected).toMatchObject({
      connectivityStatus: 'Connected',
      kubernetesVersion: '1.30.4',
      totalNodeCount: 3,
    });
    expect(connected.agentVersion).toBeTruthy();

    const tagged = await arc.update(RG, ARC, { tags: { team: 'ml' } });
    expect(tagged.tags).toEqual({ team: 'ml' });
    expect((await arc.get(RG, ARC)).tags).toEqual({ team: 'ml' });
    const names: string[] = [];
    for await (const cluster of arc.listByResourceGroup(RG)) names.push(cluster.name ?? '');
    expect(names).toEqual([ARC]);
  });
});

describe('managed clusters through @arc-ml/azure', () => {
  it('reads the AKS cluster the config declares, and answers undefined for one it does not', async () => {
    const id = `/subscriptions/${azure.subscriptionId}/resourceGroups/${RG}/providers/${MANAGED}/managedClusters/${AKS}`;
    expect(await getManagedCluster(clients, id)).toMatchObject({
      id,
      name: AKS,
      location: 'eastus',
      provisioningState: 'Succeeded',
      powerState: 'Running',
      kubernetesVersion: '1.30.4',
      nodeCount: 2,
    });
    expect(await getManagedCluster(clients, id.replace(AKS, 'no-such-aks'))).toBeUndefined();
  });
});

describe('cluster extensions through @azure/arm-kubernetesconfiguration', () => {
  const cert = selfSigned('ml.contoso.com');

  function azureml(settings: Record<string, string>, protectedSettings: Record<string, string> = {}) {
    for (const value of Object.values(protectedSettings)) secrets.add(value);
    const body = extensionBody(settings, protectedSettings) as {
      identity: { type: 'SystemAssigned' };
      properties: Record<string, unknown>;
    };
    return { identity: body.identity, ...body.properties };
  }

  it('installs the AzureML extension on the Arc cluster: Succeeded, protected settings never echoed', async () => {
    const ext = clients.kubernetesConfiguration().extensions;
    const installed = await ext.beginCreateAndWait(
      RG,
      CONNECTED,
      'connectedClusters',
      ARC,
      'azureml',
      azureml(
        {
          enableTraining: 'True',
          enableInference: 'True',
          inferenceRouterServiceType: 'LoadBalancer',
          sslCname: 'ml.contoso.com',
        },
        { sslCertPemFile: cert.certPem, sslKeyPemFile: cert.keyPem },
      ),
      POLL,
    );
    expect(installed).toMatchObject({ name: 'azureml', provisioningState: 'Succeeded' });
    expect(installed.configurationSettings).toMatchObject({ enableTraining: 'True' });
    expect(JSON.stringify(installed)).not.toContain('PRIVATE KEY');
    const read = await ext.get(RG, CONNECTED, 'connectedClusters', ARC, 'azureml');
    expect(read.configurationProtectedSettings ?? {}).not.toHaveProperty('sslKeyPemFile', cert.keyPem);
    expect(JSON.stringify(read)).not.toContain(cert.keyPem);
  });

  it('updates the extension with a long-running PATCH, keeping what was not resent', async () => {
    const ext = clients.kubernetesConfiguration().extensions;
    const updated = await ext.beginUpdateAndWait(
      RG,
      CONNECTED,
      'connectedClusters',
      ARC,
      'azureml',
      { configurationSettings: { nodeSelector: 'gpu' } },
      POLL,
    );
    expect(updated.provisioningState).toBe('Succeeded');
    expect(updated.configurationSettings).toMatchObject({ enableTraining: 'True', nodeSelector: 'gpu' });
    const listed: string[] = [];
    for await (const e of ext.list(RG, CONNECTED, 'connectedClusters', ARC)) listed.push(e.name ?? '');
    expect(listed).toEqual(['azureml']);
  });

  it.each<[string, string, Record<string, string>, Record<string, string>, RegExp]>([
    [
      'neither training nor inference enabled',
      AKS,
      { enableTraining: 'False' },
      {},
      /enableTraining=True or enableInference=True/,
    ],
    [
      'inference with neither a certificate/key pair nor allowInsecureConnections',
      AKS,
      { enableInference: 'True', inferenceRouterServiceType: 'LoadBalancer', sslCname: 'ml.contoso.com' },
      {},
      /sslCertPemFile and sslKeyPemFile .* allowInsecureConnections=True/,
    ],
    [
      'NodePort with an internal load balancer',
      AKS,
      { ...INSECURE_INFERENCE, inferenceRouterServiceType: 'NodePort', internalLoadBalancerProvider: 'azure' },
      {},
      /NodePort and an internal load balancer .* exclusive/,
    ],
    [
      'the HA inference router on fewer than 3 nodes',
      AKS,
      INSECURE_INFERENCE,
      {},
      /only 2 Linux nodes.*inferenceRouterHA=False/,
    ],
  ])(
    'fails the install on %s: the poller reports Failed, the extension keeps its statuses',
    async (_rule, cluster, settings, protectedSettings, message) => {
      const ext = clients.kubernetesConfiguration().extensions;
      await expect(
        ext.beginCreateAndWait(
          RG,
          MANAGED,
          'managedClusters',
          cluster,
          'azureml',
          azureml(settings, protectedSettings),
          POLL,
        ),
      ).rejects.toThrow(message);
      const failed = await ext.get(RG, MANAGED, 'managedClusters', cluster, 'azureml');
      expect(failed.provisioningState).toBe('Failed');
      expect(failed.errorInfo?.message).toMatch(message);
      expect(failed.statuses).toEqual(
        expect.arrayContaining([expect.objectContaining({ level: 'Error', message: expect.stringMatching(message) })]),
      );
      await ext.beginDeleteAndWait(RG, MANAGED, 'managedClusters', cluster, 'azureml', POLL);
      await expect(ext.get(RG, MANAGED, 'managedClusters', cluster, 'azureml')).rejects.toMatchObject({
        statusCode: 404,
      });
    },
  );

  it('attaches a cluster as a Kubernetes compute only with a successful AzureML extension and an existing namespace', async () => {
    const computes = clients.machineLearning().computeOperations;
    const clusterId = (provider: string, type: string, name: string) =>
      `/subscriptions/${azure.subscriptionId}/resourceGroups/${RG}/providers/${provider}/${type}/${name}`;
    const attach = (name: string, resourceId: string, namespace = 'azureml') =>
      computes.beginCreateOrUpdateAndWait(
        RG,
        WS,
        name,
        {
          location: 'eastus',
          properties: {
            computeType: 'Kubernetes',
            resourceId,
            properties: {
              namespace,
              defaultInstanceType: 'cpusmall',
              instanceTypes: { cpusmall: { resources: INSTANCE_TYPES.cpusmall.resources } },
            },
          },
        },
        POLL,
      );
    await expect(attach('ghost', clusterId(CONNECTED, 'connectedClusters', 'no-such-cluster'))).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/was not found.*Connect the cluster to Azure Arc/),
    });
    await expect(attach('aks', clusterId(MANAGED, 'managedClusters', AKS))).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/no Azure Machine Learning extension/),
    });
    await expect(attach('arc', clusterId(CONNECTED, 'connectedClusters', ARC), 'team-a')).rejects.toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/Namespace 'team-a' does not exist in Kubernetes cluster 'arc-k3s'/),
    });
    const attached = await attach('arc', clusterId(CONNECTED, 'connectedClusters', ARC));
    expect(attached.properties).toMatchObject({ computeType: 'Kubernetes', provisioningState: 'Succeeded' });
    await computes.beginDeleteAndWait(RG, WS, 'arc', 'Detach', POLL);
    await expect(computes.get(RG, WS, 'arc')).rejects.toMatchObject({ statusCode: 404 });
  });

  it('installs on the two-node AKS cluster once HA is off', async () => {
    const ext = clients.kubernetesConfiguration().extensions;
    const installed = await ext.beginCreateAndWait(
      RG,
      MANAGED,
      'managedClusters',
      AKS,
      'azureml',
      azureml({ ...INSECURE_INFERENCE, inferenceRouterHA: 'False' }),
      POLL,
    );
    expect(installed.provisioningState).toBe('Succeeded');
  });

  it('deletes the extension and then the connected cluster, as long-running operations', async () => {
    const ext = clients.kubernetesConfiguration().extensions;
    await ext.beginDeleteAndWait(RG, CONNECTED, 'connectedClusters', ARC, 'azureml', POLL);
    await expect(ext.get(RG, CONNECTED, 'connectedClusters', ARC, 'azureml')).rejects.toMatchObject({
      statusCode: 404,
    });
    const arc = clients.connectedClusters().connectedClusterOperations;
    await arc.beginDeleteAndWait(RG, ARC, POLL);
    await expect(arc.get(RG, ARC)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe('the traffic record of this suite', () => {
  it('holds no protected setting and no token', () => {
    const text = readFileText();
    expect(secrets.size).toBeGreaterThan(0);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain(azure.idTokenRequestToken);
    expect(text).not.toMatch(/"authorization":"Bearer ey/i);
  });

  it('passes the contract check', () => {
    const report = contractCheck(azure.trafficFile);
    if (!report) return; // ../shared is absent
    const traffic = readTraffic(azure.trafficFile);
    const onPurpose = (f: ContractFinding) => deviatesOnPurpose(traffic, f.line);
    expect(report.violations.filter((v) => !onPurpose(v))).toEqual([]);
    // ../shared/azure-specs has no Microsoft.ContainerService spec: the AKS reads are the only unmatched lines.
    const noSpec = (u: ContractFinding & { reason?: string }) =>
      u.reason === 'no spec loaded for provider Microsoft.ContainerService' && u.method === 'GET';
    expect(report.unmatched.filter((u) => !onPurpose(u) && !noSpec(u))).toEqual([]);
    expect(report.summary.operations).toBeGreaterThan(10);
  });
});

function readFileText(): string {
  return JSON.stringify(readTraffic(azure.trafficFile));
}
