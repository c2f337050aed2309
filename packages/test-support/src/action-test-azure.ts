// Local Azure for the actions' integration tests (and their benchmarks): started in this process
// in a temp state dir, its CA trusted in-process, SDK clients signed in through @arc-ml/azure as
// an action signs in, the built bundles run against it, and the traffic each step produced.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import {
  type AzureClients,
  type ClusterKind,
  clusterExtensionArgs,
  connectedClusterId,
  connectToAzure,
  managedClusterId,
  parseClusterId,
  readSignInSettings,
} from '@arc-ml/azure';
import {
  type LocalAzure,
  type LocalAzureConfig,
  type LocalAzureOptions,
  newAgentPublicKey,
  readTraffic,
  startLocalAzure,
  type TrafficExchange,
} from '@arc-ml/local-azure';
import { type ActionRunOptions, type ActionRunResult, REPO_ROOT, runActionBundle } from './run-action-bundle.js';

export interface ActionTestAzureOptions {
  /** Names the temp state dir and the SDK clients' user agent, e.g. 'attach-compute-it'. */
  readonly label: string;
  /** The config local Azure serves (default: its default config). */
  readonly config?: LocalAzureConfig;
  /** Provisioning delays (default 'zero'). */
  readonly delays?: LocalAzureOptions['delays'];
  /** Actions whose built bundle the tests run: each must be built before anything starts. */
  readonly actions?: readonly string[];
}

/** One run of a built action and what reached local Azure while it ran. */
export interface ActionTestRun extends ActionRunResult {
  /** Every exchange local Azure recorded during the run (sign-in, metadata, ARM, clusters). */
  readonly traffic: readonly TrafficExchange[];
  /** The Resource Manager requests among them. */
  readonly arm: readonly TrafficExchange[];
  /** The Resource Manager requests that change something. */
  readonly writes: readonly TrafficExchange[];
}

export interface ActionTestAzure {
  readonly azure: LocalAzure;
  /** SDK clients signed in as the actions sign in (GitHub OIDC → Entra), for setup and inspection. */
  readonly clients: AzureClients;
  readonly subscriptionId: string;
  readonly stateDir: string;
  /** What a step gets: local Azure's env file (sign-in, names, CA bundle, the az shim first on PATH). */
  readonly env: Readonly<Record<string, string>>;
  /** A connected (Arc) or managed (AKS) cluster's id; the resource group defaults to the declared cluster's. */
  clusterId(kind: ClusterKind, name: string, resourceGroup?: string): string;
  /** The kubeconfig file of a declared cluster. */
  kubeconfigFor(clusterName: string): string;
  /** Every exchange recorded so far. */
  traffic(): TrafficExchange[];
  /** A point in the traffic record, for the …Since methods. */
  mark(): number;
  trafficSince(mark: number): TrafficExchange[];
  armRequestsSince(mark: number): TrafficExchange[];
  armWritesSince(mark: number): TrafficExchange[];
  /** Runs a built action with `env` plus `options.env`, and returns what it sent. */
  runAction(
    action: string,
    inputs: Readonly<Record<string, string>>,
    options?: Pick<ActionRunOptions, 'env' | 'timeoutMs'>,
  ): Promise<ActionTestRun>;
  /**
   * Onboards a declared Arc cluster as `az connectedk8s connect` does: the connected cluster PUT with
   * a generated RSA agent key, then the cluster's agents start.
   */
  onboardArcCluster(name: string): Promise<void>;
  /** Installs the AzureML extension with these configuration settings and waits for the outcome. */
  installAzureMlExtension(clusterId: string, settings: Readonly<Record<string, string>>, name?: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts local Azure for integration tests; stop() stops it and removes its state dir. */
export async function startActionTestAzure(options: ActionTestAzureOptions): Promise<ActionTestAzure> {
  for (const action of options.actions ?? []) {
    const bundle = join(REPO_ROOT, 'actions', action, 'dist', 'index.js');
    if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run node scripts/build-actions.mjs ${action}`);
  }
  const stateDir = mkdtempSync(join(tmpdir(), `${options.label}-`));
  let azure: LocalAzure | undefined;
  try {
    azure = await startLocalAzure({
      stateDir,
      port: 0,
      delays: options.delays ?? 'zero',
      startAzurite: false,
      log: () => {},
      ...(options.config ? { config: options.config } : {}),
    });
    trustCa(azure.caPem);
    const { clients } = await connectToAzure(readSignInSettings({ optional: () => undefined }, azure.env), {
      userAgent: { version: '0.0.0', action: options.label },
      env: azure.env,
    });
    return testAzure(azure, clients, stateDir);
  } catch (error) {
    await azure?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  }
}

function testAzure(azure: LocalAzure, clients: AzureClients, stateDir: string): ActionTestAzure {
  const traffic = () => readTraffic(azure.trafficFile);
  const trafficSince = (mark: number) => traffic().slice(mark);
  const poll = { updateIntervalInMs: 10 };

  const clusterId = (kind: ClusterKind, name: string, resourceGroup?: string) => {
    const declared = azure.config.clusters.find((c) => c.name === name);
    const group = resourceGroup ?? declared?.resourceGroup ?? azure.env['ARC_ML_RESOURCE_GROUP'] ?? '';
    return kind === 'connected'
      ? connectedClusterId(azure.subscriptionId, group, name)
      : managedClusterId(azure.subscriptionId, group, name);
  };

  return {
    azure,
    clients,
    subscriptionId: azure.subscriptionId,
    stateDir,
    env: azure.env,
    clusterId,
    kubeconfigFor: (name) => azure.kubeconfigFor(name),
    traffic,
    mark: () => traffic().length,
    trafficSince,
    armRequestsSince: (mark) => armRequests(trafficSince(mark)),
    armWritesSince: (mark) => armWrites(trafficSince(mark)),

    async runAction(action, inputs, options = {}) {
      const mark = traffic().length;
      const result = await runActionBundle({
        action,
        inputs,
        env: { ...azure.env, ...(options.env ?? {}) },
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      });
      const exchanges = trafficSince(mark);
      return { ...result, traffic: exchanges, arm: armRequests(exchanges), writes: armWrites(exchanges) };
    },

    async onboardArcCluster(name) {
      const cluster = azure.config.clusters.find((c) => c.name === name && c.kind === 'arc');
      if (!cluster) throw new Error(`local Azure declares no Arc cluster '${name}'`);
      await clients.connectedClusters().connectedClusterOperations.beginCreateAndWait(
        cluster.resourceGroup,
        name,
        {
          location: cluster.location ?? azure.config.location,
          identity: { type: 'SystemAssigned' },
          agentPublicKeyCertificate: newAgentPublicKey(),
          distribution: cluster.distribution ?? 'generic',
          infrastructure: cluster.infrastructure ?? 'generic',
        },
        poll,
      );
      await azure.admin.request('POST', `/clusters/${name}/agents`, { running: true });
    },

    async installAzureMlExtension(id, settings, name = 'azureml') {
      await clients.kubernetesConfiguration().extensions.beginCreateAndWait(
        ...clusterExtensionArgs(parseClusterId(id)),
        name,
        {
          extensionType: 'Microsoft.AzureML.Kubernetes',
          releaseTrain: 'stable',
          configurationSettings: { ...settings },
        },
        poll,
      );
    },

    async stop() {
      await azure.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Adds a CA to what this process trusts (Node 24), for the SDK calls tests make in-process. */
export function trustCa(caPem: string): void {
  const current = getCACertificates('default');
  if (!current.includes(caPem)) setDefaultCACertificates([...current, caPem]);
}

/** A Resource Manager request: a path under /subscriptions, or a tenant-level /providers path. */
export function isArmRequest(exchange: TrafficExchange): boolean {
  return /^\/(subscriptions|providers)(\/|$)/i.test(new URL(exchange.url).pathname);
}

/** The cloud metadata discovery a custom cloud's sign-in starts with (on the ARM host). */
export function isCloudDiscovery(exchange: TrafficExchange): boolean {
  return new URL(exchange.url).pathname.startsWith('/metadata/');
}

export function armRequests(exchanges: readonly TrafficExchange[]): TrafficExchange[] {
  return exchanges.filter(isArmRequest);
}

/** Resource Manager requests that change something: every method but GET and HEAD, as ARM counts writes. */
export function armWrites(exchanges: readonly TrafficExchange[]): TrafficExchange[] {
  return armRequests(exchanges).filter((exchange) => exchange.method !== 'GET' && exchange.method !== 'HEAD');
}
