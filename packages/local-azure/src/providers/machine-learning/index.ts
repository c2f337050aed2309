// The Microsoft.MachineLearningServices resource provider of local Azure, at api-version
// 2022-10-01 (what @azure/arm-machinelearning 2.1.1 sends): workspaces, Kubernetes computes,
// datastores on Azurite, versioned assets, jobs, online and batch endpoints and deployments.

import type { ProviderContext, ResourceProvider } from '../../arm/contract.js';
import { assetRoutes } from './assets.js';
import { API_VERSIONS, NAMESPACE } from './common.js';
import { type ClusterNamespaces, computeRoutes } from './computes.js';
import { datastoreRoutes, seedDatastores, WorkspaceContainers } from './datastores.js';
import { deploymentRoutes } from './deployments.js';
import { endpointRoutes } from './endpoints.js';
import { jobRoutes } from './jobs.js';
import { controlPlaneDeploymentRuntime, type DeploymentRuntime, type JobRuntime, queuedJobRuntime } from './runtime.js';
import { type CreateContainer, createContainer } from './storage.js';
import { seedWorkspaces, workspaceRoutes } from './workspaces.js';

export { API_VERSION } from './common.js';
export { DEFAULT_INSTANCE_TYPE, parseQuantity } from './computes.js';
export { DEFAULT_DATASTORE, defaultContainerName } from './datastores.js';
export { endpointKeys, isEndpointToken, parseScoringPath, scoringUri, swaggerUri } from './endpoints.js';
export {
  type ContainerType,
  controlPlaneDeploymentRuntime,
  type DeploymentRuntime,
  type JobRuntime,
  type JobRuntimeHost,
  type JobStatus,
  queuedJobRuntime,
  TERMINAL_JOB_STATUSES,
} from './runtime.js';
export {
  accountUrl,
  type CreateContainer,
  createContainer,
  datastoreEndpoint,
  type StorageInfo,
  storageOf,
} from './storage.js';

export interface MachineLearningProviderOptions {
  /** Runs training jobs; the default queues them and waits (there is no training runtime yet). */
  readonly jobRuntime?: JobRuntime;
  /** Decides online deployment readiness and serves their logs; the default is control plane only. */
  readonly deploymentRuntime?: DeploymentRuntime;
  /** Namespaces that exist in a cluster now (from the cluster runtime); the default reads the config. */
  readonly clusterNamespaces?: ClusterNamespaces;
  /** Creates blob containers for the workspace datastores; the default signs REST calls to `ctx.storage`. */
  readonly createContainer?: CreateContainer;
}

const RESOURCE_TYPES = [
  'workspaces',
  'workspaces/computes',
  'workspaces/datastores',
  'workspaces/codes',
  'workspaces/codes/versions',
  'workspaces/environments',
  'workspaces/environments/versions',
  'workspaces/models',
  'workspaces/models/versions',
  'workspaces/data',
  'workspaces/data/versions',
  'workspaces/components',
  'workspaces/components/versions',
  'workspaces/jobs',
  'workspaces/onlineEndpoints',
  'workspaces/onlineEndpoints/deployments',
  'workspaces/batchEndpoints',
  'workspaces/batchEndpoints/deployments',
];

export function machineLearningProvider(options: MachineLearningProviderOptions = {}): ResourceProvider {
  const jobRuntime = options.jobRuntime ?? queuedJobRuntime;
  const deploymentRuntime = options.deploymentRuntime ?? controlPlaneDeploymentRuntime;
  const containers = new WorkspaceContainers(options.createContainer ?? createContainer);
  return {
    namespace: NAMESPACE,
    resourceTypes: RESOURCE_TYPES.map((resourceType) => ({ resourceType, apiVersions: API_VERSIONS })),
    routes: [
      ...workspaceRoutes(),
      ...computeRoutes(options.clusterNamespaces),
      ...datastoreRoutes(containers),
      ...assetRoutes(),
      ...jobRoutes(jobRuntime),
      ...endpointRoutes(deploymentRuntime),
      ...deploymentRoutes(deploymentRuntime),
    ],
    seed(ctx: ProviderContext) {
      for (const workspace of seedWorkspaces(ctx)) seedDatastores(ctx, workspace, containers);
    },
  };
}
