// Onboarding through `az connectedk8s connect`, which owns the Arc agent install. The action signs
// in by itself, so it signs the CLI in too, in isolation: a fresh AZURE_CONFIG_DIR under
// RUNNER_TEMP (removed afterwards, with the kubeconfig written there), the same cloud, and a fresh
// federated token. The connectedk8s extension is added only when missing.

import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActionIO, formatDurationInput } from '@arc-ml/actions-kit';
import type { AzureCloud } from '@arc-ml/azure';
import { type AzArg, type AzCli, type AzCommand, runOrFail } from './az-cli.js';
import type { ConnectSettings } from './inputs.js';

/** The name the custom cloud (arm-endpoint) is registered under in the isolated CLI config. */
export const CUSTOM_CLOUD_NAME = 'ArcMlCustomCloud';
const TROUBLESHOOTING = 'https://learn.microsoft.com/azure/azure-arc/kubernetes/troubleshooting';

export interface OnboardDeps {
  readonly io: Pick<ActionIO, 'log' | 'mask'>;
  readonly az: AzCli;
  /** The job's environment: PATH, HOME, RUNNER_TEMP, AZURE_EXTENSION_DIR… */
  readonly env: NodeJS.ProcessEnv;
  readonly cloud: AzureCloud;
  /** A fresh federated token for `az login --federated-token`. */
  idToken(): Promise<string>;
}

/** The plan lines for onboarding, printed before anything is written. */
export function onboardingPlan(settings: ConnectSettings, cloud: AzureCloud): string[] {
  const kube = settings.kubeconfig;
  const where = settings.location ?? "the resource group's location";
  const proxy = settings.httpsProxy ? ', through the HTTPS proxy given' : '';
  return [
    `sign the Azure CLI in to ${cloud.name} as ${settings.signIn.clientId}, with its own configuration under RUNNER_TEMP`,
    'add the connectedk8s CLI extension if it is missing',
    `onboard ${settings.clusterName} to Azure Arc in resource group ${settings.resourceGroup} (${where}) with az connectedk8s connect, through the kubeconfig's context "${kube?.context ?? ''}" (API server ${kube?.server ?? ''})${proxy}`,
    `wait up to ${formatDurationInput(settings.timeoutMs)} for connectivity status Connected`,
  ];
}

/** Runs the az steps; throws an ActionError naming the step that failed. Cleans up its files always. */
export async function onboardWithAzCli(settings: ConnectSettings, deps: OnboardDeps): Promise<void> {
  const kubeconfig = settings.kubeconfig;
  if (!kubeconfig) throw new Error('onboarding needs the kubeconfig');
  const work = mkdtempSync(join(deps.env['RUNNER_TEMP'] || tmpdir(), 'connect-arc-'));
  chmodSync(work, 0o700);
  try {
    const configDir = join(work, 'azure');
    mkdirSync(configDir, { mode: 0o700 });
    const kubeconfigFile = writePrivate(join(work, 'kubeconfig'), kubeconfig.text);
    const proxyCertFile = settings.proxyCert
      ? (settings.proxyCert.path ?? writePrivate(join(work, 'proxy-cert.pem'), settings.proxyCert.pem))
      : undefined;
    const env = cliEnvironment(deps.env, configDir, kubeconfigFile);
    const secrets = [...settings.secrets];
    const step = (command: AzCommand, hint: string) => runOrFail(deps.az, command, env, { hint, secrets });

    const version = await step(
      { step: 'check the Azure CLI', args: ['version', '--output', 'json'] },
      'Install the Azure CLI 2.50 or later: https://learn.microsoft.com/cli/azure/install-azure-cli',
    );
    deps.io.log.info(`Azure CLI ${cliVersion(version.stdout)}`);

    await selectCloud(settings, deps.cloud, step);
    const token = await deps.idToken();
    deps.io.mask(token);
    secrets.push(token);
    await step(
      {
        step: 'sign the Azure CLI in',
        args: [
          'login',
          '--service-principal',
          '--username',
          settings.signIn.clientId,
          '--tenant',
          settings.signIn.tenantId,
          '--federated-token',
          { secret: token },
          '--allow-no-subscriptions',
          '--output',
          'none',
        ],
      },
      `Microsoft Entra ID refused the federated token given to az login (its message is above). The app ${settings.signIn.clientId} needs a federated credential for this workflow, as for the action's own sign-in; az needs version 2.46 or later for --federated-token.`,
    );
    await step(
      {
        step: 'select the subscription',
        args: ['account', 'set', '--subscription', settings.signIn.subscriptionId, '--output', 'none'],
      },
      `The app ${settings.signIn.clientId} must have a role in subscription ${settings.signIn.subscriptionId} (e.g. on resource group ${settings.resourceGroup}); role assignments can take a few minutes to apply.`,
    );
    await ensureConnectedk8s(deps, env, step);

    await step(
      {
        step: `onboard ${settings.clusterName} with az connectedk8s connect`,
        args: connectArgs(settings, kubeconfigFile, proxyCertFile),
        stream: true,
      },
      `az connectedk8s connect needs the cluster's API server from this runner (${kubeconfig.server}, context "${kubeconfig.context}"), kubectl and helm on PATH, and the "Kubernetes Cluster - Azure Arc Onboarding" role (or Contributor) on resource group ${settings.resourceGroup}. See ${TROUBLESHOOTING}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

type Step = (command: AzCommand, hint: string) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

async function selectCloud(settings: ConnectSettings, cloud: AzureCloud, step: Step): Promise<void> {
  if (cloud.isCustom) {
    const endpoint = settings.signIn.armEndpoint ?? cloud.resourceManagerEndpoint;
    await step(
      {
        step: 'register the custom cloud with the Azure CLI',
        args: [
          'cloud',
          'register',
          '--name',
          CUSTOM_CLOUD_NAME,
          '--endpoint-resource-manager',
          endpoint,
          '--output',
          'none',
        ],
      },
      `az cloud register reads ${endpoint}/metadata/endpoints; check arm-endpoint and that this runner trusts its certificate (REQUESTS_CA_BUNDLE for az).`,
    );
  }
  await step(
    {
      step: 'select the cloud in the Azure CLI',
      args: ['cloud', 'set', '--name', cloud.isCustom ? CUSTOM_CLOUD_NAME : cloud.name, '--output', 'none'],
    },
    'Update the Azure CLI; az cloud list shows the clouds it knows.',
  );
}

async function ensureConnectedk8s(deps: OnboardDeps, env: Readonly<Record<string, string>>, step: Step): Promise<void> {
  const show: AzCommand = {
    step: 'check the connectedk8s extension',
    args: ['extension', 'show', '--name', 'connectedk8s', '--output', 'json'],
  };
  const shown = await deps.az.run(show, env);
  if (shown.exitCode === 0) {
    deps.io.log.info(`connectedk8s extension ${extensionVersion(shown.stdout)} is installed`);
    return;
  }
  if (!/not installed/i.test(shown.stderr)) {
    await step(show, 'az extension show failed; run az extension list on the runner to see what is installed.');
  }
  deps.io.log.info('connectedk8s extension is missing; adding it');
  await step(
    {
      step: 'add the connectedk8s extension',
      args: ['extension', 'add', '--name', 'connectedk8s', '--yes', '--output', 'none'],
    },
    'az extension add downloads from the extension index: on a runner without internet access, install it beforehand (az extension add --name connectedk8s) and set AZURE_EXTENSION_DIR if it lives elsewhere than ~/.azure/cliextensions.',
  );
}

/** `az connectedk8s connect …` for these settings, with the kubeconfig (and proxy certificate) files. */
export function connectArgs(settings: ConnectSettings, kubeconfigFile: string, proxyCertFile?: string): AzArg[] {
  const args: AzArg[] = [
    'connectedk8s',
    'connect',
    '--name',
    settings.clusterName,
    '--resource-group',
    settings.resourceGroup,
  ];
  if (settings.location) args.push('--location', settings.location);
  args.push('--kube-config', kubeconfigFile, '--kube-context', settings.kubeconfig?.context ?? '');
  if (settings.distribution) args.push('--distribution', settings.distribution);
  if (settings.infrastructure) args.push('--infrastructure', settings.infrastructure);
  if (settings.httpsProxy) {
    const proxy = settings.secrets.includes(settings.httpsProxy)
      ? { secret: settings.httpsProxy }
      : settings.httpsProxy;
    args.push('--proxy-https', proxy);
  }
  if (settings.noProxy.length > 0) args.push('--proxy-skip-range', settings.noProxy.join(','));
  if (proxyCertFile) args.push('--proxy-cert', proxyCertFile);
  if (settings.tags.size > 0) args.push('--tags', ...[...settings.tags].map(([key, value]) => `${key}=${value}`));
  args.push('--yes', '--output', 'none');
  return args;
}

/** The command a person would run to onboard the cluster themselves (no kubeconfig path: theirs). */
export function connectCommandLine(settings: ConnectSettings): string {
  const parts = ['az connectedk8s connect', '--name', settings.clusterName, '--resource-group', settings.resourceGroup];
  if (settings.location) parts.push('--location', settings.location);
  if (settings.distribution) parts.push('--distribution', settings.distribution);
  if (settings.infrastructure) parts.push('--infrastructure', settings.infrastructure);
  return parts.join(' ');
}

/** The environment az runs with: the job's, plus an isolated config dir, the kubeconfig, no telemetry. */
export function cliEnvironment(
  env: NodeJS.ProcessEnv,
  configDir: string,
  kubeconfigFile: string,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return {
    ...result,
    AZURE_CONFIG_DIR: configDir,
    AZURE_EXTENSION_DIR: env['AZURE_EXTENSION_DIR'] || join(homedir(), '.azure', 'cliextensions'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_SURVEY_MESSAGE: 'false',
    KUBECONFIG: kubeconfigFile,
  };
}

function writePrivate(path: string, content: string): string {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

function cliVersion(stdout: string): string {
  try {
    return String((JSON.parse(stdout) as Record<string, unknown>)['azure-cli'] ?? 'of unknown version');
  } catch {
    return 'of unknown version';
  }
}

function extensionVersion(stdout: string): string {
  try {
    return String((JSON.parse(stdout) as { version?: unknown }).version ?? '');
  } catch {
    return '';
  }
}
