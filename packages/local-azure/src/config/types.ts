// What a local Azure declares: one tenant and subscription, its resource groups, the app
// registration the actions sign in as (with federated credentials and role assignments),
// Azure ML workspaces and Kubernetes clusters. Loaded from a YAML/JSON file or the default below.

export interface LocalAzureConfig {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly subscriptionName: string;
  /** Default Azure region for everything declared without one. */
  readonly location: string;
  readonly resourceGroups: readonly ResourceGroupConfig[];
  readonly apps: readonly AppRegistrationConfig[];
  /** Default claims of GitHub ID tokens minted for the request token in the env file. */
  readonly github: GitHubClaimsConfig;
  readonly workspaces: readonly WorkspaceConfig[];
  readonly clusters: readonly ClusterConfig[];
  /** Provisioning delays in ms per kind ('extension', 'compute', 'connectivity', 'endpoint', 'deployment', …). */
  readonly delays: Readonly<Record<string, number>>;
  /** Custom role definitions, next to the built-in ones (Owner, Contributor, Reader, …). */
  readonly roleDefinitions?: readonly RoleDefinitionConfig[];
  /** Faults active from the start; the admin API (`/_admin/faults`) changes them at run time. */
  readonly faults?: FaultsConfig;
  /** Ports for `arc-ml local up` (tests pass their own, usually 0). */
  readonly ports?: { readonly https?: number; readonly blob?: number };
}

export interface RoleDefinitionConfig {
  readonly name: string;
  /** Action patterns where `*` matches any text, e.g. 'Microsoft.MachineLearningServices/workspaces/jobs/*'. */
  readonly actions: readonly string[];
  readonly notActions?: readonly string[];
}

/**
 * Faults on demand. Path patterns are regular expressions matched (case-insensitively) against the
 * request path of ARM requests; each fault with `times` fires that many times, then stays quiet.
 */
export interface FaultsConfig {
  /** 429 with Retry-After for every Nth ARM request, or for every request matching `path`. */
  readonly throttle?: {
    readonly everyNth?: number;
    readonly path?: string;
    readonly times?: number;
    readonly retryAfterSeconds?: number;
  };
  /** The next `times` ARM requests (matching `path`) answer 500 or 503. */
  readonly serverErrors?: {
    readonly status?: 500 | 503;
    readonly times: number;
    readonly path?: string;
    readonly retryAfterSeconds?: number;
  };
  /** The next `times` ARM requests (matching `path`) lose their connection without an answer. */
  readonly dropConnections?: { readonly times: number; readonly path?: string };
  /** The next `times` long-running operations (of `kind`, on a resource id matching `path`) end Failed. */
  readonly failOperations?: {
    readonly times?: number;
    readonly kind?: string;
    readonly path?: string;
    readonly code: string;
    readonly message: string;
  };
  /** Multiplies every provisioning delay (2 = twice as slow, 0 = instant). */
  readonly delayFactor?: number;
}

export interface ResourceGroupConfig {
  readonly name: string;
  readonly location?: string;
}

export interface AppRegistrationConfig {
  readonly displayName: string;
  readonly clientId: string;
  /** Object id of the app's service principal: what role assignments name. */
  readonly objectId: string;
  readonly federatedCredentials: readonly FederatedCredentialConfig[];
  readonly roleAssignments: readonly RoleAssignmentConfig[];
}

export interface FederatedCredentialConfig {
  readonly name: string;
  readonly issuer: string; // the literal '{github}' is replaced by local Azure's own OIDC issuer URL
  readonly subject: string; // e.g. repo:OWNER/REPO:ref:refs/heads/main
  readonly audiences: readonly string[]; // usually ['api://AzureADTokenExchange']
}

export interface RoleAssignmentConfig {
  /** Built-in role name, e.g. 'Contributor', 'Reader', 'AzureML Data Scientist'. */
  readonly role: string;
  /** ARM scope: '/subscriptions/{id}', '/subscriptions/{id}/resourceGroups/{rg}', or a resource id. '{subscription}' is replaced. */
  readonly scope: string;
}

export interface GitHubClaimsConfig {
  readonly repository: string; // OWNER/REPO
  readonly ref: string; // refs/heads/main
  readonly environment?: string;
  readonly sha: string;
  readonly workflow: string; // file name under .github/workflows
}

export interface WorkspaceConfig {
  readonly name: string;
  readonly resourceGroup: string;
  readonly location?: string;
}

export type ClusterKind = 'arc' | 'aks';

export interface ClusterConfig {
  readonly name: string;
  readonly resourceGroup: string;
  readonly kind: ClusterKind;
  readonly location?: string;
  readonly kubernetesVersion: string;
  /** Arc distribution, e.g. 'k3s', 'aks_hci', 'openshift'; AKS clusters leave it out. */
  readonly distribution?: string;
  readonly infrastructure?: string;
  /** Arc only: whether the connected cluster resource exists (and its agents run) at start. */
  readonly connected: boolean;
  /** Kubernetes namespaces that exist in the cluster. */
  readonly namespaces: readonly string[];
  readonly nodes: readonly NodeConfig[];
}

export interface NodeConfig {
  readonly name: string;
  readonly cpu: number; // cores
  readonly memoryGi: number;
  readonly gpu: number;
  readonly os: 'linux' | 'windows';
  readonly labels: Readonly<Record<string, string>>;
}
