/**
 * One factory for every Azure Resource Manager client the actions use: endpoint and token scope
 * from the cloud, one cached credential for all of them, our user agent, our retry policy, and a
 * debug line per request.
 */
import type { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import type { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import type {
  Pipeline,
  PipelinePolicy,
  PipelineRequest,
  PipelineResponse,
  SendRequest,
} from '@azure/core-rest-pipeline';
import { type AzureCloud, armScope } from './clouds.js';
import { createRetryPolicy, type RetryOptions, retryPolicyName } from './retry.js';
import { type Clock, formatDuration, systemClock } from './time.js';
import { withTokenCache } from './token-cache.js';

export const requestLogPolicyName = 'arcMlRequestLogPolicy';

/** Where client diagnostics go; `info` (when given) gets retries, `debug` every request. */
export interface AzureLogger {
  debug(message: string): void;
  info?(message: string): void;
}

export interface ClientsOptions {
  /** Wrapped with `withTokenCache()`: concurrent requests of all clients share one token request per scope. */
  readonly credential: TokenCredential;
  readonly cloud: AzureCloud;
  /** Default subscription; each getter can be asked for another. */
  readonly subscriptionId: string;
  /** Becomes the user agent prefix `arc-ml-actions/<version> <action>`. */
  readonly userAgent: { readonly version: string; readonly action: string };
  readonly retry?: RetryOptions;
  readonly logger?: AzureLogger;
  readonly clock?: Clock;
}

export interface AzureClients {
  readonly cloud: AzureCloud;
  readonly subscriptionId: string;
  /** Resource groups, generic resources, providers (`@azure/arm-resources`). */
  resources(subscriptionId?: string): ResourceManagementClient;
  /** Workspaces, computes, jobs, endpoints… (`@azure/arm-machinelearning`). */
  machineLearning(subscriptionId?: string): AzureMachineLearningWorkspaces;
  /** Arc connected clusters (`@azure/arm-hybridkubernetes`). */
  connectedClusters(subscriptionId?: string): ConnectedKubernetesClient;
  /** Cluster extensions (`@azure/arm-kubernetesconfiguration`). */
  kubernetesConfiguration(subscriptionId?: string): SourceControlConfigurationClient;
}

/** The SDK client classes. */
export interface SdkClientClasses {
  readonly ResourceManagementClient: typeof ResourceManagementClient;
  readonly AzureMachineLearningWorkspaces: typeof AzureMachineLearningWorkspaces;
  readonly ConnectedKubernetesClient: typeof ConnectedKubernetesClient;
  readonly SourceControlConfigurationClient: typeof SourceControlConfigurationClient;
}

let sdkClasses: Promise<SdkClientClasses> | undefined;

/**
 * Loads the SDK packages on first use. Three of them are CommonJS that `require()` an ES-module-only
 * dependency (https-proxy-agent); loading them after the importing module graph has finished keeps
 * that legal in Jest's ESM runtime, which refuses `require(esm)` into a graph still being loaded.
 * `webpackMode: "eager"` keeps them inside the ncc bundle instead of a separate chunk.
 */
export function loadSdkClientClasses(): Promise<SdkClientClasses> {
  sdkClasses ??= Promise.all([
    import(/* webpackMode: "eager" */ '@azure/arm-resources'),
    import(/* webpackMode: "eager" */ '@azure/arm-machinelearning'),
    import(/* webpackMode: "eager" */ '@azure/arm-hybridkubernetes'),
    import(/* webpackMode: "eager" */ '@azure/arm-kubernetesconfiguration'),
  ]).then(([resources, ml, arc, k8sConfig]) => ({
    ResourceManagementClient: resources.ResourceManagementClient,
    AzureMachineLearningWorkspaces: ml.AzureMachineLearningWorkspaces,
    ConnectedKubernetesClient: arc.ConnectedKubernetesClient,
    SourceControlConfigurationClient: k8sConfig.SourceControlConfigurationClient,
  }));
  return sdkClasses;
}

/** Creates clients lazily, one per kind and subscription. Async only to load the SDK packages once. */
export async function createClients(options: ClientsOptions): Promise<AzureClients> {
  const {
    ResourceManagementClient,
    AzureMachineLearningWorkspaces,
    ConnectedKubernetesClient,
    SourceControlConfigurationClient,
  } = await loadSdkClientClasses();
  const endpoint = options.cloud.resourceManagerEndpoint;
  const scope = armScope(options.cloud);
  const userAgentPrefix = `arc-ml-actions/${options.userAgent.version} ${options.userAgent.action}`;
  const clock = options.clock ?? systemClock;
  const log = options.logger;
  const retry: RetryOptions = {
    clock,
    ...options.retry,
    onRetry: (info) => {
      const line = `${info.method} ${redactUrl(info.url)}: ${info.reason}; retry ${info.attempt} of ${info.maxRetries} in ${formatDuration(info.delayMs)}`;
      (log?.info ?? log?.debug)?.call(log, line);
      options.retry?.onRetry?.(info);
    },
  };
  // Options understood by both client generations: core-client (`endpoint`, `$host`, `credentialScopes`)
  // and the TypeSpec clients (`endpoint`, `credentials.scopes`). Old clients build URLs from `$host`.
  const clientOptions = {
    endpoint,
    $host: endpoint,
    credentialScopes: [scope],
    credentials: { scopes: [scope] },
    userAgentOptions: { userAgentPrefix },
  };

  const cache = new Map<string, unknown>();
  function lazy<C extends { pipeline: Pipeline }>(
    kind: string,
    subscriptionId: string | undefined,
    make: (sub: string) => C,
  ): C {
    const sub = subscriptionId ?? options.subscriptionId;
    const key = `${kind}:${sub.toLowerCase()}`;
    let client = cache.get(key) as C | undefined;
    if (!client) {
      client = make(sub);
      configurePipeline(client.pipeline, retry, log, clock);
      cache.set(key, client);
    }
    return client;
  }

  // One credential for all clients, asked once per scope at a time (each client's own policy would ask it again).
  const credential = withTokenCache(options.credential, { clock });
  return {
    cloud: options.cloud,
    subscriptionId: options.subscriptionId,
    resources: (sub) => lazy('resources', sub, (s) => new ResourceManagementClient(credential, s, clientOptions)),
    machineLearning: (sub) => lazy('ml', sub, (s) => new AzureMachineLearningWorkspaces(credential, s, clientOptions)),
    connectedClusters: (sub) => lazy('arc', sub, (s) => new ConnectedKubernetesClient(credential, s, clientOptions)),
    kubernetesConfiguration: (sub) =>
      lazy('k8sconfig', sub, (s) => new SourceControlConfigurationClient(credential, s, clientOptions)),
  };
}

/** Replaces the SDK's retry policy with ours and adds the request log next to the wire. */
export function configurePipeline(
  pipeline: Pipeline,
  retry: RetryOptions,
  logger: AzureLogger | undefined,
  clock: Clock = systemClock,
): void {
  pipeline.removePolicy({ phase: 'Retry' });
  pipeline.removePolicy({ name: retryPolicyName });
  pipeline.addPolicy(createRetryPolicy(retry), { phase: 'Retry' });
  if (logger) {
    pipeline.removePolicy({ name: requestLogPolicyName });
    pipeline.addPolicy(
      requestLogPolicy((line) => logger.debug(line), clock),
      { afterPhase: 'Sign' },
    );
  }
}

/** Logs `METHOD URL -> status (duration) x-ms-request-id` per attempt; never headers or bodies. */
export function requestLogPolicy(log: (line: string) => void, clock: Clock = systemClock): PipelinePolicy {
  return {
    name: requestLogPolicyName,
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      const start = clock.now();
      const what = `${request.method} ${redactUrl(request.url)}`;
      try {
        const response = await next(request);
        const requestId = response.headers.get('x-ms-request-id');
        log(`${what} -> ${response.status} (${clock.now() - start} ms)${requestId ? ` ${requestId}` : ''}`);
        return response;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        log(`${what} -> ${typeof code === 'string' ? code : 'error'} (${clock.now() - start} ms)`);
        throw error;
      }
    },
  };
}

const secretParameters = new Set([
  'sig',
  'signature',
  'code',
  'client_secret',
  'client_assertion',
  'access_token',
  'refresh_token',
  'token',
  'password',
  'key',
]);

/** The URL with secret query values (SAS `sig` and the like) replaced by `REDACTED`. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/([?&](?:sig|signature|code|token|key)=)[^&#]*/gi, '$1REDACTED');
  }
  let changed = false;
  for (const name of [...parsed.searchParams.keys()]) {
    if (secretParameters.has(name.toLowerCase())) {
      parsed.searchParams.set(name, 'REDACTED');
      changed = true;
    }
  }
  return changed ? parsed.toString() : url;
}
