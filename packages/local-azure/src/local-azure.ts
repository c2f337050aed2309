// startLocalAzure: one HTTPS server with the cloud metadata, GitHub's OIDC issuer, Entra ID,
// Resource Manager (front door + providers) and the declared clusters' Kubernetes API servers,
// Azurite as a child process, and the files a shell needs (env, CA bundle, kubeconfigs, the az
// shim) in the state dir.

import { mkdirSync } from 'node:fs';
import { adminHandler } from './admin.js';
import { AdminClient } from './admin-client.js';
import type { BlobStorage, Clock, ProviderContext, ResourceProvider } from './arm/contract.js';
import { ArmFrontDoor } from './arm/front-door.js';
import { MemoryResourceStore } from './arm/memory-store.js';
import { OperationRegistry } from './arm/operations.js';
import { RoleAssignments } from './arm/rbac.js';
import { splitPath } from './arm/router.js';
import { EntraId } from './auth/entra.js';
import { GitHubOidcIssuer } from './auth/github-oidc.js';
import { loadSigningKeys } from './auth/signing-keys.js';
import { writeAzShim } from './az-cli/index.js';
import { type AzuriteProcess, blobStorage, startAzurite } from './azurite.js';
import { DEFAULT_CONFIG } from './config/default-config.js';
import { loadConfigFile, normalizeConfig, resolvePlaceholders } from './config/load.js';
import type { LocalAzureConfig } from './config/types.js';
import { environment, writeEnvironmentFiles } from './env-file.js';
import { Faults } from './faults.js';
import { startHttpsServer } from './http/server.js';
import { TrafficRecorder } from './http/traffic.js';
import { type DROP_CONNECTION, type HttpAnswer, type HttpRequest, json } from './http/types.js';
import { KUBERNETES_API_PREFIX, kubeconfigFile } from './kubeconfig.js';
import { ARM_AUDIENCE, metadataAnswer } from './metadata.js';
import { kubernetesApiHandler } from './providers/kubernetes/api-server.js';
import { kubernetesProviders } from './providers/kubernetes/index.js';
import { machineLearningProvider } from './providers/machine-learning/index.js';
import { resourcesProvider } from './providers/resources/index.js';
import { persistentSecret, stateFiles } from './state-dir.js';
import { ensureCertificates } from './tls/certificates.js';

export interface LocalAzureOptions {
  /** Where certificates, keys, tokens, the env file, the traffic record and Azurite's data live. */
  readonly stateDir: string;
  /** A YAML or JSON config file; fields it leaves out come from the default config. */
  readonly configFile?: string;
  /** A config object (wins over configFile); filled and checked like a file. */
  readonly config?: LocalAzureConfig;
  /** HTTPS port; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Provisioning delays: the config's ('default'), none ('zero', for tests), or exactly these (kinds not listed: 0 ms). */
  readonly delays?: 'default' | 'zero' | Readonly<Record<string, number>>;
  /** Resource providers next to Microsoft.Resources; defaults to the Kubernetes and Machine Learning ones. */
  readonly providers?: readonly ResourceProvider[];
  /** Start Azurite (default true). */
  readonly startAzurite?: boolean;
  /** Azurite's port; 0 (the default) picks a free one. */
  readonly blobPort?: number;
  /** Write DIR/traffic.jsonl (default true). */
  readonly recordTraffic?: boolean;
  readonly clock?: Clock;
  /** Diagnostics (unexpected errors); defaults to stderr. */
  readonly log?: (message: string) => void;
}

export interface LocalAzure {
  /** https://127.0.0.1:PORT — ARM, Entra, metadata and the OIDC issuer share it. */
  readonly baseUrl: string;
  /** What the actions' `arm-endpoint` input (and AZURE_ARM_ENDPOINT) takes: the base URL. */
  readonly armEndpoint: string;
  readonly metadataUrl: string;
  /** The audience of Resource Manager tokens (scope `${armAudience}.default`). */
  readonly armAudience: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
  /** The first app registration's client id. */
  readonly clientId: string;
  /** GitHub's OIDC issuer (`iss` of ID tokens). */
  readonly oidcIssuer: string;
  readonly idTokenRequestUrl: string;
  readonly idTokenRequestToken: string;
  readonly caPem: string;
  readonly caFile: string;
  /** System roots + the local CA: what NODE_EXTRA_CA_CERTS points child processes at. */
  readonly caBundleFile: string;
  readonly trafficFile: string;
  readonly envFile: string;
  /** The kubeconfig of the first Arc cluster (ARC_ML_KUBECONFIG). */
  readonly kubeconfigFile: string;
  /** The kubeconfig file of any declared cluster; throws for a name the config does not declare. */
  kubeconfigFor(clusterName: string): string;
  /** DIR/bin, where the az shim is: first on the env file's PATH and on `env.PATH`. */
  readonly azBinDir: string;
  readonly storage: BlobStorage;
  /** The config as served (defaults filled, placeholders replaced). */
  readonly config: LocalAzureConfig;
  /** The variables of DIR/env, for child processes. */
  readonly env: Readonly<Record<string, string>>;
  readonly admin: AdminClient;
  /** Process ids of the children local Azure started (Azurite). */
  readonly childPids: readonly number[];
  stop(): Promise<void>;
}

export async function startLocalAzure(options: LocalAzureOptions): Promise<LocalAzure> {
  const files = stateFiles(options.stateDir);
  mkdirSync(files.dir, { recursive: true });
  const log = options.log ?? ((message: string) => process.stderr.write(`local-azure: ${message}\n`));
  const clock = options.clock ?? { now: () => Date.now() };
  const declared = options.config
    ? normalizeConfig(options.config)
    : options.configFile
      ? loadConfigFile(options.configFile)
      : normalizeConfig(DEFAULT_CONFIG);

  const certificates = await ensureCertificates(files.dir);
  const keys = await loadSigningKeys(files.signingKeys);
  const adminToken = persistentSecret(files.adminToken, 'arcml-admin-');
  const requestToken = persistentSecret(files.requestToken, 'ghrt_');
  const traffic = new TrafficRecorder(options.recordTraffic === false ? undefined : files.traffic);

  const server = await startHttpsServer({
    port: options.port ?? 0,
    certPem: certificates.certPem,
    keyPem: certificates.keyPem,
    traffic,
    records: (path) => !path.startsWith('/_admin'),
    log,
  });
  const baseUrl = server.baseUrl;
  let azurite: AzuriteProcess | undefined;
  try {
    const oidcIssuer = `${baseUrl}/github`;
    const config = resolvePlaceholders(declared, oidcIssuer);
    if (options.startAzurite !== false) {
      azurite = await startAzurite({
        files,
        port: options.blobPort ?? 0,
        certFile: certificates.certFile,
        keyFile: certificates.keyFile,
        caPem: certificates.caPem,
      });
    }
    const storage = blobStorage(azurite?.port ?? options.blobPort ?? 10000, certificates.caPem);

    const faults = new Faults(config.faults ?? {});
    const delays = delaysFrom(options.delays ?? 'default', config);
    const delayMs = (kind: string) => (delays[kind] ?? delays.default ?? 0) * faults.delayFactor;
    const store = new MemoryResourceStore();
    const others = options.providers ?? [...kubernetesProviders(), machineLearningProvider()];
    const resources = resourcesProvider(others);
    const providers = [resources, ...others];
    const operations = new OperationRegistry({
      baseUrl,
      subscriptionId: config.subscriptionId,
      defaultLocation: config.location,
      store,
      clock,
      faults,
      delayMs,
      apiVersionFor: (namespace) => newestApiVersion(providers, namespace),
      log,
    });
    const ctx: ProviderContext = { store, operations, clock, config, baseUrl, delayMs, storage };
    for (const provider of providers) provider.seed?.(ctx);

    const github = new GitHubOidcIssuer(oidcIssuer, keys.github, config.github, clock, requestToken);
    const entra = new EntraId({
      baseUrl,
      config,
      key: keys.entra,
      github,
      clock,
      armAudiences: [ARM_AUDIENCE, `${baseUrl}/`],
      otherResources: ['https://storage.azure.com/', 'https://ml.azure.com/'],
    });
    const frontDoor = new ArmFrontDoor({
      ctx,
      providers,
      entra,
      rbac: new RoleAssignments(config),
      faults,
      operations,
      log,
    });
    const kubernetes = kubernetesApiHandler(ctx);
    const admin = adminHandler({
      token: adminToken,
      faults,
      github,
      entra,
      providers,
      ctx,
      health: () => ({ status: 'ok', pid: process.pid, baseUrl, stateDir: files.dir }),
    });

    server.setHandler(async (req: HttpRequest): Promise<HttpAnswer | typeof DROP_CONNECTION> => {
      const path = req.url.pathname;
      if (path === '/_admin' || path.startsWith('/_admin/')) return admin(req, path.slice('/_admin'.length) || '/');
      if (path === '/metadata/endpoints') return metadataAnswer(req, baseUrl);
      if (path === '/github' || path.startsWith('/github/')) return github.handle(req, path.slice('/github'.length));
      if (path.startsWith(`${KUBERNETES_API_PREFIX}/`))
        return kubernetes(req, path.slice(KUBERNETES_API_PREFIX.length));
      if (ArmFrontDoor.serves(path)) return frontDoor.handle(req);
      const entraAnswer = await entra.handle(req, splitPath(path));
      return (
        entraAnswer ?? json(404, { error: { code: 'NotFound', message: `Local Azure serves nothing at ${path}.` } })
      );
    });

    const envInputs = {
      baseUrl,
      config,
      files,
      idTokenRequestUrl: github.requestUrl,
      idTokenRequestToken: requestToken,
    };
    const env = environment(envInputs);
    writeAzShim(files.bin);
    writeEnvironmentFiles(envInputs, certificates.caPem, env);

    let stopped: Promise<void> | undefined;
    return {
      baseUrl,
      armEndpoint: baseUrl,
      metadataUrl: `${baseUrl}/metadata/endpoints?api-version=2022-09-01`,
      armAudience: ARM_AUDIENCE,
      tenantId: config.tenantId,
      subscriptionId: config.subscriptionId,
      clientId: config.apps[0]?.clientId ?? '',
      oidcIssuer,
      idTokenRequestUrl: github.requestUrl,
      idTokenRequestToken: requestToken,
      caPem: certificates.caPem,
      caFile: certificates.caFile,
      caBundleFile: files.caBundle,
      trafficFile: files.traffic,
      envFile: files.env,
      kubeconfigFile: files.kubeconfig,
      kubeconfigFor: (clusterName) => {
        const cluster = config.clusters.find((c) => c.name.toLowerCase() === clusterName.toLowerCase());
        if (!cluster) {
          const declared = config.clusters.map((c) => c.name).join(', ') || 'none';
          throw new Error(`local Azure declares no cluster '${clusterName}' (declared: ${declared})`);
        }
        return kubeconfigFile(files.kubeconfigs, cluster.name);
      },
      azBinDir: files.bin,
      storage,
      config,
      env,
      admin: new AdminClient(baseUrl, adminToken, certificates.caPem),
      childPids: azurite ? [azurite.pid] : [],
      stop: () => {
        stopped ??= (async () => {
          await operations.stop();
          await server.close();
          await azurite?.stop();
        })();
        return stopped;
      },
    };
  } catch (error) {
    await server.close();
    await azurite?.stop();
    throw error;
  }
}

function delaysFrom(
  delays: NonNullable<LocalAzureOptions['delays']>,
  config: LocalAzureConfig,
): Readonly<Record<string, number>> {
  if (delays === 'zero') return {};
  if (delays === 'default') return config.delays;
  return delays;
}

function newestApiVersion(providers: readonly ResourceProvider[], namespace: string): string {
  const provider = providers.find((p) => p.namespace.toLowerCase() === namespace.toLowerCase());
  const versions = provider?.resourceTypes.flatMap((t) => t.apiVersions).filter((v) => !v.includes('preview')) ?? [];
  return versions.sort().at(-1) ?? '2025-04-01';
}
