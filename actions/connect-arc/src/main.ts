// connect-arc: makes sure the cluster is an Arc connected cluster that is Connected — onboarding it
// through `az connectedk8s connect` when asked — or, for AKS, resolves and verifies the managed
// cluster. A cluster that is already ready costs one Resource Manager read.

import { readFileSync } from 'node:fs';
import {
  ActionError,
  type ActionIO,
  ARC_ML_ACTIONS_VERSION,
  actionIO,
  type Clock,
  formatDuration,
  type Logger,
  printPlan,
  systemClock,
} from '@arc-ml/actions-kit';
import {
  type AzureCloud,
  type AzureSignInSettings,
  connectToAzure,
  GitHubIdTokenProvider,
  realSleep,
  type Sleep,
  TimeoutError,
  waitFor,
} from '@arc-ml/azure';
import { type AzCli, execAzCli } from './az-cli.js';
import { type ClusterPort, type ConnectedCluster, clusterPort, type ManagedCluster } from './azure-port.js';
import { judge, waitUntilConnected } from './connectivity.js';
import { type ConnectSettings, getInputs } from './inputs.js';
import { connectCommandLine, onboardingPlan, onboardWithAzCli } from './onboard.js';
import { reportConnected, reportManaged, reportUnusable } from './report.js';

/** The Azure side, once signed in. */
export interface AzureSide {
  readonly cloud: AzureCloud;
  readonly clusters: ClusterPort;
  /** A fresh federated token for `az login` (a new GitHub ID token, or the workload identity token). */
  idToken(): Promise<string>;
}

export interface Deps {
  readonly io: ActionIO;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** Resolves the cloud and builds the clients; sends no ARM request. */
  connect(signIn: AzureSignInSettings, log: Logger): Promise<AzureSide>;
  readonly az: AzCli;
  /** First wait between status polls. */
  readonly pollIntervalMs: number;
}

export function defaultDeps(): Deps {
  const io = actionIO();
  const secrets: string[] = [];
  const mask = (value: string) => {
    secrets.push(value);
    io.mask(value);
  };
  return {
    io: { ...io, mask },
    env: process.env,
    clock: systemClock,
    sleep: realSleep,
    connect: connectWithOidc,
    az: execAzCli(io.log, () => secrets),
    pollIntervalMs: 2000,
  };
}

export async function run(deps: Deps = defaultDeps()): Promise<void> {
  const { io } = deps;
  const settings = getInputs(io.inputs, deps.env);
  for (const secret of settings.secrets) io.mask(secret);
  if (settings.onboardingOnlyInputs.length > 0) {
    io.log.warning(
      `${settings.onboardingOnlyInputs.join(', ')} ${settings.onboardingOnlyInputs.length === 1 ? 'is' : 'are'} used only when onboarding; onboard is false, so ${settings.onboardingOnlyInputs.length === 1 ? 'it is' : 'they are'} ignored`,
    );
  }

  const azure = await deps.connect(settings.signIn, io.log);
  const found = await findCluster(azure.clusters, settings);
  const report = { io, cloud: azure.cloud, tenantId: settings.signIn.tenantId, resourceGroup: settings.resourceGroup };

  if (found.kind === 'aks') {
    const cluster = await verifyManagedCluster(found.cluster, settings, deps, azure.clusters);
    return reportManaged(
      cluster,
      { did: 'resolved the AKS cluster; Arc is not needed for it', changed: false },
      report,
    );
  }

  if (found.kind === 'missing') {
    if (!settings.onboard) throw missingClusterError(settings);
    printPlan(
      io.log,
      `connect-arc: ${settings.clusterName} is not an Arc connected cluster yet; plan`,
      onboardingPlan(settings, azure.cloud),
    );
    await io.log.group(`Onboard ${settings.clusterName} with az connectedk8s connect`, () =>
      onboardWithAzCli(settings, {
        io,
        az: deps.az,
        env: deps.env,
        cloud: azure.cloud,
        idToken: () => azure.idToken(),
      }),
    );
    const started = deps.clock.now();
    const cluster = await waitUntilConnected(settings, settings.timeoutMs, waitDeps(deps, azure));
    const did = 'onboarded with az connectedk8s connect';
    return reportConnected(cluster, { did, changed: true, waitedMs: deps.clock.now() - started }, report);
  }

  let cluster = found.cluster;
  let waitedMs: number | undefined;
  const verdict = judge(cluster, settings);
  if (verdict.kind === 'fail') {
    await reportUnusable(cluster, verdict.error, report);
    throw verdict.error;
  }
  if (verdict.kind === 'wait') {
    io.log.info(
      `Arc cluster ${settings.clusterName} is ${cluster.connectivityStatus ?? 'not reporting yet'}; waiting for Connected`,
    );
    const started = deps.clock.now();
    cluster = await waitUntilConnected(settings, settings.timeoutMs, waitDeps(deps, azure));
    waitedMs = deps.clock.now() - started;
  }
  noteDifferences(cluster, settings, io.log);

  const missingTags = tagsToSet(cluster, settings.tags);
  if (missingTags.length > 0) {
    printPlan(io.log, 'connect-arc plan', [
      `set tag${missingTags.length === 1 ? '' : 's'} ${missingTags.join(', ')} on connected cluster ${settings.clusterName} (its other tags are kept)`,
    ]);
    const tags = { ...cluster.tags, ...Object.fromEntries(settings.tags) };
    const updated = await azure.clusters.setConnectedClusterTags(settings.resourceGroup, settings.clusterName, tags);
    cluster = { ...cluster, tags: updated.tags };
  }
  const did = [
    waitedMs !== undefined ? 'waited for the agents to connect' : undefined,
    missingTags.length > 0 ? `set tags ${missingTags.join(', ')}` : undefined,
  ].filter(Boolean);
  await reportConnected(
    cluster,
    {
      did: did.length > 0 ? did.join('; ') : 'already connected; nothing to do',
      changed: missingTags.length > 0,
      ...(waitedMs !== undefined ? { waitedMs } : {}),
    },
    report,
  );
}

type Found =
  | { readonly kind: 'connected'; readonly cluster: ConnectedCluster }
  | { readonly kind: 'aks'; readonly cluster: ManagedCluster }
  | { readonly kind: 'missing' };

/** The cluster the inputs name: a connected cluster, else (for `auto`) an AKS cluster. */
async function findCluster(port: ClusterPort, settings: ConnectSettings): Promise<Found> {
  const { resourceGroup, clusterName, clusterType } = settings;
  if (clusterType !== 'aks') {
    const cluster = await port.getConnectedCluster(resourceGroup, clusterName);
    if (cluster) return { kind: 'connected', cluster };
    if (clusterType === 'connected') return { kind: 'missing' };
  }
  const managed = await port.getManagedCluster(resourceGroup, clusterName);
  if (managed) return { kind: 'aks', cluster: managed };
  if (clusterType === 'aks') {
    throw new ActionError(`AKS cluster ${clusterName} was not found in resource group ${resourceGroup}`, {
      hint: `Check cluster-name and resource-group (az aks list --resource-group ${resourceGroup} --output table). For an Arc-enabled cluster use cluster-type connected.`,
    });
  }
  return { kind: 'missing' };
}

function missingClusterError(settings: ConnectSettings): ActionError {
  const alsoAks = settings.clusterType === 'auto' ? ', and there is no AKS cluster of that name either' : '';
  return new ActionError(
    `${settings.clusterName} is not an Arc connected cluster in resource group ${settings.resourceGroup}${alsoAks}, and onboard is false`,
    {
      hint: `To onboard it in this step, set onboard: true and pass kubeconfig (the cluster's kubeconfig, e.g. kubeconfig: \${{ secrets.KUBECONFIG }}). Or onboard it once yourself, with kubectl access to the cluster: ${connectCommandLine(settings)}`,
    },
  );
}

const AKS_TRANSITIONAL = /^(creating|updating|upgrading|scaling|starting|stopping|migrating|reconciling)$/i;

/** The managed cluster must be Succeeded and running; transitional states are waited out. */
async function verifyManagedCluster(
  cluster: ManagedCluster,
  settings: ConnectSettings,
  deps: Deps,
  port: ClusterPort,
): Promise<ManagedCluster> {
  let current = cluster;
  if (AKS_TRANSITIONAL.test(current.provisioningState ?? '')) {
    deps.io.log.info(`AKS cluster ${cluster.name} is ${current.provisioningState}; waiting for Succeeded`);
    try {
      const result = await waitFor<ManagedCluster>({
        what: `AKS cluster ${cluster.name} to finish ${current.provisioningState}`,
        poll: async () => {
          const next = await port.getManagedCluster(settings.resourceGroup, settings.clusterName);
          if (!next) throw new ActionError(`AKS cluster ${cluster.name} disappeared while this step waited for it`);
          const state = next.provisioningState ?? 'Unknown';
          return { state, done: !AKS_TRANSITIONAL.test(state), value: next };
        },
        onStateChange: (state, elapsedMs) =>
          deps.io.log.info(`AKS cluster ${cluster.name}: ${state} (elapsed ${formatDuration(elapsedMs)})`),
        intervalMs: deps.pollIntervalMs * 5,
        timeoutMs: settings.timeoutMs,
        clock: deps.clock,
        sleep: deps.sleep,
      });
      current = result.value!;
    } catch (error) {
      if (error instanceof TimeoutError) throw new ActionError(error.message, { hint: error.hint, cause: error });
      throw error;
    }
  }
  if (current.provisioningState?.toLowerCase() !== 'succeeded') {
    throw new ActionError(
      `AKS cluster ${cluster.name} has provisioning state ${current.provisioningState ?? 'unknown'}, not Succeeded`,
      {
        hint: `See why with az aks show --name ${cluster.name} --resource-group ${settings.resourceGroup} --query "{state: provisioningState, status: status}"; az aks update --name ${cluster.name} --resource-group ${settings.resourceGroup} reconciles a failed cluster.`,
      },
    );
  }
  if (current.powerState && current.powerState.toLowerCase() !== 'running') {
    throw new ActionError(`AKS cluster ${cluster.name} is ${current.powerState}`, {
      hint: `Start it: az aks start --name ${cluster.name} --resource-group ${settings.resourceGroup}`,
    });
  }
  if (settings.tags.size > 0)
    deps.io.log.warning('tags apply to Arc connected clusters; the AKS cluster is left as it is');
  return current;
}

/** Tags asked for that the cluster lacks or has with another value, as `key=value`. */
function tagsToSet(cluster: ConnectedCluster, wanted: ReadonlyMap<string, string>): string[] {
  return [...wanted].filter(([key, value]) => cluster.tags[key] !== value).map(([key, value]) => `${key}=${value}`);
}

/** Settings that only apply at onboarding and differ from the existing cluster: said, not changed. */
function noteDifferences(cluster: ConnectedCluster, settings: ConnectSettings, log: Logger): void {
  const differences = [
    settings.location && cluster.location && settings.location !== cluster.location.replace(/\s+/g, '').toLowerCase()
      ? `location ${settings.location} (the cluster is in ${cluster.location})`
      : undefined,
    settings.distribution && cluster.distribution && settings.distribution !== cluster.distribution.toLowerCase()
      ? `distribution ${settings.distribution} (the cluster says ${cluster.distribution})`
      : undefined,
    settings.infrastructure &&
    cluster.infrastructure &&
    settings.infrastructure !== cluster.infrastructure.toLowerCase()
      ? `infrastructure ${settings.infrastructure} (the cluster says ${cluster.infrastructure})`
      : undefined,
  ].filter(Boolean);
  if (differences.length > 0) {
    log.warning(
      `Arc cluster ${settings.clusterName} was onboarded with other settings than ${differences.join(', ')}; connect-arc does not change them. To apply them, delete the connected cluster and onboard it again.`,
    );
  }
}

function waitDeps(deps: Deps, azure: AzureSide) {
  return {
    port: azure.clusters,
    log: deps.io.log,
    clock: deps.clock,
    sleep: deps.sleep,
    intervalMs: deps.pollIntervalMs,
  };
}

/** Signs in with the job's federated identity (GitHub OIDC, or workload identity) and builds the clients. */
async function connectWithOidc(signIn: AzureSignInSettings, log: Logger): Promise<AzureSide> {
  const { cloud, clients } = await connectToAzure(signIn, {
    userAgent: { version: ARC_ML_ACTIONS_VERSION, action: 'connect-arc' },
    logger: log,
  });
  return {
    cloud,
    clusters: clusterPort(clients),
    idToken: () => federatedToken(signIn, process.env),
  };
}

/** A federated token for `az login`: read afresh from the workload identity file, or asked of GitHub. */
async function federatedToken(signIn: AzureSignInSettings, env: NodeJS.ProcessEnv): Promise<string> {
  const file = env['AZURE_FEDERATED_TOKEN_FILE'];
  if (file) return readFileSync(file, 'utf8').trim();
  const requestUrl = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  const requestToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  if (!requestUrl || !requestToken) {
    throw new ActionError('GitHub gave this job no OIDC ID token, so the Azure CLI cannot sign in', {
      hint: 'Add `permissions: { id-token: write, contents: read }` to the job.',
    });
  }
  return new GitHubIdTokenProvider({ requestUrl, requestToken, audience: signIn.audience }).getToken();
}
