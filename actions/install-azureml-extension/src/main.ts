// install-azureml-extension: makes the AzureML extension on an Arc or AKS cluster what the inputs
// ask for, and does nothing (two reads) when it already is.

import { ActionError, printPlan } from '@arc-ml/actions-kit';
import { ArmRequestError } from '@arc-ml/azure';
import type { ClusterExtensionsPort, ClusterInfo, InstalledExtension, StartedOperation } from './azure-port.js';
import { describeCluster } from './azure-sdk-port.js';
import { clusterWarnings, requireUsableCluster } from './cluster-check.js';
import { compareWithInstalled, describeChanges, hasDifferences } from './compare.js';
import { type Deps, defaultDeps } from './deps.js';
import { desiredExtension } from './desired.js';
import { failureLines, likelyCause } from './failure.js';
import { getInputs, type InstallSettings } from './inputs.js';
import { planSteps, planTitle } from './plan.js';
import { type Outcome, setOutputs, writeSummary } from './report.js';
import { EXTENSION_TYPE } from './settings-names.js';
import { isSettled, waitForExtension } from './wait.js';
import { type Write, writeFor } from './write-request.js';

export async function run(deps: Deps = defaultDeps()): Promise<void> {
  const { io } = deps;
  maskSecretInputs(deps);
  const settings = getInputs(io.inputs, deps.env, deps.clock.now());
  for (const warning of settings.warnings) io.log.warning(warning);
  const desired = desiredExtension(settings);
  for (const value of Object.values(desired.protectedSettings)) io.mask(value);

  const azure = await deps.connect(settings, io.log);
  const { cluster, extension } = await readClusterAndExtension(azure, settings);
  for (const warning of clusterWarnings(cluster, settings)) io.log.warning(warning);

  const installed = await finishRunningOperation(extension, azure, settings, deps);
  requireAzureMlType(installed, settings);
  if (!installed) await requireNoOtherAzureMlExtension(azure, settings);

  const differences = installed ? compareWithInstalled(desired, installed) : undefined;
  if (installed && succeeded(installed) && differences && !hasDifferences(differences)) {
    io.log.info(
      `The extension '${installed.name}' on ${describeCluster(settings.cluster)} is already as asked (version ${installed.currentVersion ?? 'unknown'}, Succeeded); nothing to do.`,
    );
    setOutputs(io.outputs, installed, false);
    await writeSummary(io.summary, { outcome: 'unchanged', settings, cluster, extension: installed, changes: [] });
    return;
  }

  const write = writeFor(desired, installed, differences, cluster);
  printPlan(io.log, planTitle(settings), planSteps(write, desired, settings, installed, differences));
  const operation = await send(azure, settings, write);

  const started = deps.clock.now();
  const final = await waitForExtension({
    port: azure,
    cluster: settings.cluster,
    name: settings.extensionName,
    log: io.log,
    clock: deps.clock,
    sleep: deps.sleep,
    timeoutMs: settings.timeoutMs,
    ...(operation.retryAfterMs !== undefined ? { firstIntervalMs: operation.retryAfterMs } : {}),
  });
  if (!final) {
    throw new ActionError(`the extension '${settings.extensionName}' was deleted while it was being installed`, {
      hint: 'Someone (or something) deleted it meanwhile; re-run this step to install it again.',
    });
  }
  const facts = {
    settings,
    cluster,
    extension: final,
    changes: differences ? describeChanges(differences) : [],
    elapsedMs: deps.clock.now() - started,
  };
  if (!succeeded(final)) {
    await reportFailure(final, operation, facts, deps);
  }
  const outcome: Outcome = installed ? 'updated' : 'installed';
  io.log.info(
    `The extension '${final.name}' is ${outcome} on ${describeCluster(settings.cluster)}: version ${final.currentVersion ?? 'unknown'}, Succeeded.`,
  );
  setOutputs(io.outputs, final, true);
  await writeSummary(io.summary, { ...facts, outcome });
}

/** Azure leaves provisioningState out only for an extension with nothing in flight. */
function succeeded(extension: InstalledExtension): boolean {
  return (extension.provisioningState ?? 'Succeeded') === 'Succeeded';
}

/** The certificate and key are secrets from the first moment: no later message can show them. */
function maskSecretInputs(deps: Deps): void {
  for (const input of ['ssl-key-pem', 'ssl-cert-pem']) {
    const value = deps.io.inputs.optional(input);
    if (value !== undefined) deps.io.mask(value);
  }
}

/** Both reads at once (the already-ready path is these two requests); the cluster's answer is judged first. */
async function readClusterAndExtension(
  azure: ClusterExtensionsPort,
  settings: InstallSettings,
): Promise<{ cluster: ClusterInfo; extension: InstalledExtension | undefined }> {
  const [cluster, extension] = await Promise.allSettled([
    azure.getCluster(settings.cluster),
    azure.getExtension(settings.cluster, settings.extensionName),
  ]);
  if (cluster.status === 'rejected') throw withRoleHint(cluster.reason);
  const usable = requireUsableCluster(cluster.value, settings);
  if (extension.status === 'rejected') throw withRoleHint(extension.reason);
  return { cluster: usable, extension: extension.value };
}

/** An install, update or delete still running (another run, or `az`) is waited for before comparing. */
async function finishRunningOperation(
  extension: InstalledExtension | undefined,
  azure: ClusterExtensionsPort,
  settings: InstallSettings,
  deps: Deps,
): Promise<InstalledExtension | undefined> {
  if (!extension || isSettled(extension)) return extension;
  deps.io.log.info(
    `The extension '${extension.name}' is ${extension.provisioningState}: waiting for that operation to finish before comparing settings.`,
  );
  return waitForExtension({
    port: azure,
    cluster: settings.cluster,
    name: settings.extensionName,
    log: deps.io.log,
    clock: deps.clock,
    sleep: deps.sleep,
    timeoutMs: settings.timeoutMs,
  });
}

function requireAzureMlType(installed: InstalledExtension | undefined, settings: InstallSettings): void {
  if (!installed?.extensionType || installed.extensionType.toLowerCase() === EXTENSION_TYPE.toLowerCase()) return;
  throw new ActionError(
    `the extension '${installed.name}' on ${describeCluster(settings.cluster)} is a ${installed.extensionType}, not ${EXTENSION_TYPE}`,
    { hint: 'Choose another extension-name for the AzureML extension (the default is azureml).' },
  );
}

/** The AzureML extension is cluster-scoped: one per cluster. Say which name it has instead of a 409. */
async function requireNoOtherAzureMlExtension(azure: ClusterExtensionsPort, settings: InstallSettings): Promise<void> {
  const other = (
    await azure.listExtensions(settings.cluster).catch((error: unknown) => Promise.reject(withRoleHint(error)))
  ).find((extension) => extension.extensionType?.toLowerCase() === EXTENSION_TYPE.toLowerCase());
  if (!other) return;
  throw new ActionError(
    `the AzureML extension is already installed on ${describeCluster(settings.cluster)} as '${other.name}', and a cluster can have only one`,
    { hint: `Set extension-name: ${other.name} to manage that one.` },
  );
}

async function send(azure: ClusterExtensionsPort, settings: InstallSettings, write: Write): Promise<StartedOperation> {
  try {
    return write.kind === 'update'
      ? await azure.updateExtension(settings.cluster, settings.extensionName, write.patch)
      : await azure.createExtension(settings.cluster, settings.extensionName, write.body);
  } catch (error) {
    throw withRoleHint(error);
  }
}

async function reportFailure(
  final: InstalledExtension,
  operation: StartedOperation,
  facts: { settings: InstallSettings; cluster: ClusterInfo; changes: string[]; elapsedMs: number },
  deps: Deps,
): Promise<never> {
  const { io } = deps;
  const operationError = final.errorInfo ? undefined : await operation.operationError();
  const lines = failureLines(final, operationError);
  const cause = likelyCause(final, facts, operationError);
  io.log.info(`The extension '${final.name}' reported:`);
  for (const line of lines) io.log.info(`  ${line}`);
  setOutputs(io.outputs, final, true);
  await writeSummary(io.summary, { ...facts, extension: final, outcome: 'failed', failure: { lines, cause } });
  const code = final.errorInfo?.code ?? operationError?.code;
  throw new ActionError(
    `the extension '${final.name}' on ${describeCluster(facts.settings.cluster)} ended ${final.provisioningState ?? 'Failed'}${code ? ` (${code})` : ''}; errorInfo and statuses are above`,
    { hint: cause },
  );
}

const ROLE_HINT =
  'This action needs to read the cluster and to read and write its extensions: e.g. Reader plus "Kubernetes Extension Contributor" on the resource group (Contributor covers both).';

/** ARM refusals for lack of a role also say which roles this action needs. */
function withRoleHint(error: unknown): unknown {
  if (!(error instanceof ArmRequestError) || !/^(LinkedAuthorizationFailed|AuthorizationFailed)$/i.test(error.code)) {
    return error;
  }
  return new ActionError(error.message, { hint: `${error.hint ? `${error.hint} ` : ''}${ROLE_HINT}`, cause: error });
}
