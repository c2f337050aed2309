/**
 * attach-compute: makes a Kubernetes cluster (Arc or AKS) with the AzureML extension a compute of
 * an Azure ML workspace, with the namespace and instance types asked for. Already attached as
 * asked → nothing is written. Attached otherwise → detached and attached again (a Kubernetes
 * compute cannot be updated in place), unless recreate-on-change is false.
 */
import {
  ActionError,
  type ActionIO,
  ARC_ML_ACTIONS_VERSION,
  actionIO,
  createProgress,
  formatDurationInput,
  printPlan,
} from '@arc-ml/actions-kit';
import {
  type AzureSignInSettings,
  type Clock,
  connectToAzure,
  OperationFailedError,
  realSleep,
  type Sleep,
  systemClock,
  waitFor,
} from '@arc-ml/azure';
import {
  attachBody,
  attachmentDifferences,
  type ComputeState,
  type DesiredAttachment,
  TRANSIENT_STATES,
} from './attachment.js';
import { type AzurePort, type ComputeRef, sdkAzurePort } from './azure-port.js';
import { requireReadyCluster } from './cluster-check.js';
import { type AttachSettings, getInputs } from './inputs.js';
import { AZURE_DEFAULT_INSTANCE_TYPE } from './instance-types.js';
import { writeNotChangedSummary, writeSummary } from './summary.js';

export const ACTION = 'attach-compute';

export interface Deps {
  readonly io: ActionIO;
  /** Signs in and gives the Azure calls this action makes. */
  connect(signIn: AzureSignInSettings): Promise<AzurePort>;
  readonly clock: Clock;
  readonly sleep: Sleep;
}

export function defaultDeps(): Deps {
  const io = actionIO();
  return {
    io,
    clock: systemClock,
    sleep: realSleep,
    async connect(signIn) {
      const { clients } = await connectToAzure(signIn, {
        userAgent: { version: ARC_ML_ACTIONS_VERSION, action: ACTION },
        logger: io.log,
      });
      return sdkAzurePort(clients);
    },
  };
}

export async function run(deps: Deps = defaultDeps()): Promise<void> {
  const { io } = deps;
  const settings = getInputs(io.inputs);
  const deadline = deps.clock.now() + settings.timeoutMs;
  const azure = await deps.connect(settings.signIn);
  const compute: ComputeRef = { workspace: settings.workspace, name: settings.computeName };
  const desired = desiredAttachment(settings);

  const current = await settledCompute(azure, compute, deps, deadline);
  if (current) requireKubernetesCompute(current, settings);
  const differences = current ? attachmentDifferences(current, desired) : [];

  if (current && differences.length === 0) {
    io.log.info(
      `${settings.computeName} is already attached to ${settings.cluster.clusterName} as asked; nothing to do`,
    );
    io.outputs.set({ 'compute-id': current.id, changed: false });
    await writeSummary(io.summary, settings, current.id, { kind: 'unchanged' });
    return;
  }
  if (current && !settings.recreateOnChange) {
    await writeNotChangedSummary(io.summary, settings, current.id, differences);
    throw attachedOtherwise(settings, differences);
  }

  await requireReadyCluster(azure, settings.cluster);
  const location = await azure.getWorkspaceLocation(settings.workspace);
  printPlan(io.log, `${ACTION} will`, planSteps(settings, current !== undefined));

  if (current) {
    io.log.warning(
      `${settings.computeName} is attached with other settings, and a Kubernetes compute cannot be updated in place: detaching it and attaching it again.\n${bullets(differences)}`,
    );
    await detach(azure, compute, deps, deadline);
  }
  const attached = await attach(azure, compute, attachBody(desired, location), deps, deadline);

  io.outputs.set({ 'compute-id': attached.id, changed: true });
  await writeSummary(
    io.summary,
    settings,
    attached.id,
    current ? { kind: 'reattached', differences } : { kind: 'attached' },
  );
}

function desiredAttachment(settings: AttachSettings): DesiredAttachment {
  return {
    clusterId: settings.cluster.id,
    namespace: settings.namespace,
    defaultInstanceType: settings.defaultInstanceType,
    instanceTypes: settings.instanceTypes,
    identity: settings.identity,
  };
}

/** The compute as it is once any attach or detach in flight (say, from a cancelled run) has finished. */
async function settledCompute(
  azure: AzurePort,
  compute: ComputeRef,
  deps: Deps,
  deadline: number,
): Promise<ComputeState | undefined> {
  let seen = await azure.getCompute(compute);
  if (!seen || !TRANSIENT_STATES.includes(seen.provisioningState)) return seen;

  deps.io.log.info(`${compute.name} is ${seen.provisioningState}; waiting for that to finish first`);
  const progress = createProgress({ log: deps.io.log, label: `compute ${compute.name}`, clock: deps.clock });
  const result = await waitFor<ComputeState | undefined>({
    what: `compute ${compute.name} to finish ${seen.provisioningState}`,
    poll: async () => {
      const now = seen ?? (await azure.getCompute(compute));
      seen = undefined;
      const done = !now || !TRANSIENT_STATES.includes(now.provisioningState);
      return { state: now?.provisioningState ?? 'Detached', done, value: now };
    },
    intervalMs: 2000,
    maxIntervalMs: 15_000,
    timeoutMs: remaining(deadline, deps.clock),
    onStateChange: (state) => {
      if (TRANSIENT_STATES.includes(state)) progress.update(state);
    },
    clock: deps.clock,
    sleep: deps.sleep,
  });
  progress.done(result.state);
  return result.value;
}

function requireKubernetesCompute(current: ComputeState, settings: AttachSettings): void {
  if (current.computeType === 'Kubernetes') return;
  throw new ActionError(
    `compute ${settings.computeName} already exists in workspace ${settings.workspace.workspaceName} as a ${current.computeType} compute, not an attached Kubernetes cluster`,
    { hint: 'Choose another compute-name: this action never detaches or deletes a compute of another type.' },
  );
}

function attachedOtherwise(settings: AttachSettings, differences: readonly string[]): ActionError {
  return new ActionError(
    `${settings.computeName} is attached with other settings than asked, and recreate-on-change is false, so nothing was changed:\n${bullets(differences)}`,
    {
      hint: 'A Kubernetes compute cannot be updated in place. Set recreate-on-change: true to detach it and attach it again with these settings, or change the inputs back to what is attached.',
    },
  );
}

function planSteps(settings: AttachSettings, detachFirst: boolean): string[] {
  const { cluster, computeName, workspace } = settings;
  const types = [...settings.instanceTypes.keys()];
  const kind = cluster.kind === 'connected' ? 'Arc connected cluster' : 'AKS cluster';
  return [
    ...(detachFirst
      ? [`detach compute ${computeName} from workspace ${workspace.workspaceName} (the cluster itself is not touched)`]
      : []),
    `attach ${kind} ${cluster.clusterName} to workspace ${workspace.workspaceName} as Kubernetes compute ${computeName}` +
      ` (namespace ${settings.namespace}; instance types ${types.length > 0 ? types.join(', ') : `Azure ML's ${AZURE_DEFAULT_INSTANCE_TYPE}`};` +
      ` default ${settings.defaultInstanceType ?? AZURE_DEFAULT_INSTANCE_TYPE}; identity ${settings.identity})`,
    `wait until the compute is Succeeded (at most ${formatDurationInput(settings.timeoutMs)} in all)`,
  ];
}

async function detach(azure: AzurePort, compute: ComputeRef, deps: Deps, deadline: number): Promise<void> {
  await deps.io.log.group(`Detach ${compute.name}`, async () => {
    const progress = operationProgress(deps, `detach ${compute.name}`);
    try {
      await azure.detach(compute, { timeoutMs: remaining(deadline, deps.clock), onProgress: progress.update });
    } catch (error) {
      throw withHint(
        error,
        `The compute may still be attached with its old settings; look at it in Azure ML studio (Compute → Kubernetes clusters) and run this step again.`,
      );
    }
    progress.done('Detached');
  });
}

async function attach(
  azure: AzurePort,
  compute: ComputeRef,
  body: ReturnType<typeof attachBody>,
  deps: Deps,
  deadline: number,
): Promise<ComputeState> {
  return deps.io.log.group(`Attach ${compute.name}`, async () => {
    const progress = operationProgress(deps, `attach ${compute.name}`);
    let attached: ComputeState;
    try {
      attached = await azure.attach(compute, body, {
        timeoutMs: remaining(deadline, deps.clock),
        onProgress: progress.update,
      });
    } catch (error) {
      throw withHint(
        error,
        'If the compute was left in state Failed, check the AzureML extension on the cluster (kubectl get pods -n azureml) and run this step again: it detaches the failed compute and attaches it again.',
      );
    }
    if (attached.provisioningState !== 'Succeeded') {
      throw new ActionError(`attach compute ${compute.name} ended with the compute ${attached.provisioningState}`, {
        hint: 'Run this step again to detach and attach it again; if it keeps failing, check the AzureML extension on the cluster.',
      });
    }
    progress.done('Succeeded');
    return attached;
  });
}

/** Progress lines of a long-running operation; its final state is printed once, with the time it took. */
function operationProgress(
  deps: Deps,
  label: string,
): { update: (state: string) => void; done: (state: string) => void } {
  const progress = createProgress({ log: deps.io.log, label, clock: deps.clock });
  return {
    update: (state) => {
      if (state !== 'Succeeded') progress.update(state);
    },
    done: (state) => {
      progress.done(state);
    },
  };
}

/** An operation failure as an ActionError: its own hint (e.g. which role is missing) or else `hint`. */
function withHint(error: unknown, hint: string): unknown {
  if (!(error instanceof OperationFailedError)) return error;
  return new ActionError(error.message, { hint: error.hint ?? hint, cause: error });
}

function remaining(deadline: number, clock: Clock): number {
  return Math.max(1, deadline - clock.now());
}

function bullets(lines: readonly string[]): string {
  return lines.map((line) => `  - ${line}`).join('\n');
}
