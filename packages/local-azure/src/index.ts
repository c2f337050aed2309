// Local Azure: an on-machine, HTTPS stand-in for Entra ID, GitHub's OIDC issuer, Resource Manager,
// Arc and Azure ML, with Azurite blob storage.

export { AdminClient, AdminError } from './admin-client.js';
export * from './arm/contract.js';
export {
  authorizationFailed,
  describeId,
  invalidRequestContent,
  parentResourceNotFound,
  resourceGroupNotFound,
  resourceNotFound,
} from './arm/errors.js';
export { MemoryResourceStore } from './arm/memory-store.js';
export { actionMatches, BUILT_IN_ROLES, type RoleDefinition } from './arm/rbac.js';
export type { RequestTokenSpec } from './auth/github-oidc.js';
export { azShimModule, writeAzShim } from './az-cli/index.js';
export { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './azurite.js';
export { DEFAULT_CONFIG } from './config/default-config.js';
export { ConfigError, loadConfigFile, normalizeConfig } from './config/load.js';
export type * from './config/types.js';
export type { FaultsState } from './faults.js';
export { REDACTED, readTraffic, redact, type TrafficExchange } from './http/traffic.js';
export {
  connectLocalAzure,
  type InstanceInfo,
  parseEnvFile,
  type RunningLocalAzure,
  readInstance,
} from './instance.js';
export {
  clusterFromToken,
  clusterToken,
  KUBERNETES_API_PREFIX,
  kubeconfigYaml,
  kubernetesApiServer,
} from './kubeconfig.js';
export { type LocalAzure, type LocalAzureOptions, startLocalAzure } from './local-azure.js';
export { ARM_AUDIENCE, CLOUD_NAME, cloudMetadata } from './metadata.js';
export { newAgentPublicKey } from './providers/kubernetes/connected-clusters.js';
export { RESOURCES_API_VERSIONS, SUBSCRIPTIONS_API_VERSIONS } from './providers/resources/index.js';
export { stateFiles } from './state-dir.js';
