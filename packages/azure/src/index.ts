export {
  type ArmErrorDetail,
  type ArmErrorExplanation,
  ArmRequestError,
  type AuthorizationProblem,
  explainArmError,
  formatArmError,
  isNotFound,
  roleFor,
  toArmError,
} from './arm-errors.js';
export {
  type AzureClients,
  type AzureLogger,
  type ClientsOptions,
  configurePipeline,
  createClients,
  loadSdkClientClasses,
  redactUrl,
  requestLogPolicy,
  requestLogPolicyName,
  type SdkClientClasses,
} from './clients.js';
export {
  AzureChinaCloud,
  AzureCloud,
  type AzureEnvironmentName,
  AzureUSGovernment,
  armScope,
  azureEnvironmentNames,
  builtInCloud,
  builtInClouds,
  CloudDiscoveryError,
  cloudFromMetadata,
  cloudMetadataApiVersion,
  type FetchLike,
  type ResolveCloudOptions,
  resolveCloud,
} from './clouds.js';
export { type AzureConnection, type ConnectOptions, connectToAzure } from './connect.js';
export {
  type AzureCredential,
  type CredentialDeps,
  type CredentialKind,
  type CredentialSettings,
  createCredential,
  decodeJwtClaims,
  defaultOidcAudience,
  type FederatedCredentialSpec,
  FederatedSignInError,
  GitHubIdTokenError,
  GitHubIdTokenProvider,
  type GitHubIdTokenProviderOptions,
  matchingFederatedCredential,
  SignInConfigurationError,
  type TokenClaims,
} from './credential.js';
export {
  type AnyPoller,
  describeState,
  type MethodPoller,
  OperationFailedError,
  type OperationStateLike,
  type PropertyPoller,
  type WaitForOperationOptions,
  waitForOperation,
} from './lro.js';
export * from './resource-id.js';
export {
  getManagedCluster,
  getResourceById,
  type ManagedClusterInfo,
  managedClusterApiVersion,
  managedClusterInfo,
} from './resources.js';
export {
  createRetryPolicy,
  isRetryableError,
  type RetryInfo,
  type RetryOptions,
  retryAfterMs,
  retryableStatusCodes,
  retryPolicyName,
} from './retry.js';
export {
  type AzureSignInSettings,
  type OptionalInputReader,
  readSignInSettings,
  SignInInputError,
} from './sign-in-inputs.js';
export { type Clock, type ErrorWithHint, formatDuration, realSleep, type Sleep, systemClock } from './time.js';
export { type TokenCacheOptions, withTokenCache } from './token-cache.js';
export {
  type PollResult,
  TimeoutError,
  WaitAbortedError,
  type WaitForOptions,
  type WaitResult,
  waitFor,
} from './wait-for.js';
