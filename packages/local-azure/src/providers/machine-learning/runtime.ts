// Hooks for what runs behind the control plane. Jobs and online deployments are ARM resources
// here; training processes and scoring servers arrive with later work and plug in through these
// interfaces. The defaults are honest about having no runtime: a job waits Queued (never a fake
// Completed), and a deployment is provisioned in the control plane only.

import type { OperationOutcome, ProviderContext, ResourceJson } from '../../arm/contract.js';
import type { JOB_STATUSES } from './schemas.js';

export type JobStatus = (typeof JOB_STATUSES)[number];

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['Completed', 'Failed', 'Canceled'];

/** What a job runtime may do to the job it runs. */
export interface JobRuntimeHost {
  readonly ctx: ProviderContext;
  /** The job as stored now; undefined once it was deleted. */
  current(): ResourceJson | undefined;
  /** Moves the job to `status` (NotStarted → Queued → Running → Completed, …); ignored once the job is gone. */
  setStatus(status: JobStatus): void;
}

export interface JobRuntime {
  /** A job was created: its PUT answers status NotStarted, then this moves it on through `host`. */
  start(job: ResourceJson, host: JobRuntimeHost): void | Promise<void>;
  /**
   * Cancel was requested (status CancelRequested). The job becomes Canceled when this resolves
   * (the cancel operation then succeeds); a rejection fails the cancel operation.
   */
  cancel(job: ResourceJson, host: JobRuntimeHost): void | Promise<void>;
}

/** No training runtime: a job is accepted and queued, and waits there until a runtime runs it. */
export const queuedJobRuntime: JobRuntime = {
  start(_job, host) {
    host.setStatus('Queued');
  },
  cancel() {
    // Nothing runs, so nothing has to stop.
  },
};

export type ContainerType = 'StorageInitializer' | 'InferenceServer';

export interface DeploymentRuntime {
  /**
   * Decides whether a created or updated online deployment becomes ready; runs once the
   * provisioning delay passed. `Succeeded` makes the deployment Succeeded; `Failed` makes it Failed.
   */
  provision(deployment: ResourceJson, ctx: ProviderContext): OperationOutcome | Promise<OperationOutcome>;
  /** The deployment is being deleted: stop what serves it. */
  remove(deployment: ResourceJson, ctx: ProviderContext): void | Promise<void>;
  /** The text getLogs answers for one of the deployment's containers (before `tail` is applied). */
  logs(deployment: ResourceJson, containerType: ContainerType, ctx: ProviderContext): string;
}

/** No scoring runtime: deployments are provisioned in the control plane only and say so in their logs. */
export const controlPlaneDeploymentRuntime: DeploymentRuntime = {
  provision: () => ({ status: 'Succeeded' }),
  remove: () => undefined,
  logs: (deployment, containerType) => {
    const endpoint = deployment.id.split('/').at(-3) ?? '';
    return [
      `local Azure: no scoring runtime is attached, so no ${containerType} container runs for deployment '${deployment.name}' of endpoint '${endpoint}'.`,
      'The deployment exists in the control plane only; requests to its scoring URI are not served yet.',
      '',
    ].join('\n');
  },
};
