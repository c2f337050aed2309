/** The usual start of every action: settings → cloud → credential → clients. */
import { type AzureClients, type AzureLogger, createClients } from './clients.js';
import { type AzureCloud, type FetchLike, resolveCloud } from './clouds.js';
import { type AzureCredential, type CredentialDeps, createCredential } from './credential.js';
import type { RetryOptions } from './retry.js';
import type { AzureSignInSettings } from './sign-in-inputs.js';

export interface ConnectOptions {
  /** `arc-ml-actions/<version> <action>` in every request's user agent. */
  readonly userAgent: { readonly version: string; readonly action: string };
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly fetch?: FetchLike;
  readonly retry?: RetryOptions;
  readonly logger?: AzureLogger;
  readonly credentialDeps?: CredentialDeps;
  /** Only when a secret is given explicitly; otherwise sign-in is federated. */
  readonly clientSecret?: string;
}

export interface AzureConnection {
  readonly cloud: AzureCloud;
  readonly credential: AzureCredential;
  readonly clients: AzureClients;
}

/** Resolves the cloud (discovering a custom one), builds the credential and the client factory. Sends no token request yet. */
export async function connectToAzure(settings: AzureSignInSettings, options: ConnectOptions): Promise<AzureConnection> {
  const cloud = await resolveCloud(
    { environment: settings.environment, ...(settings.armEndpoint ? { armEndpoint: settings.armEndpoint } : {}) },
    options.fetch,
  );
  const credential = createCredential(
    {
      tenantId: settings.tenantId,
      clientId: settings.clientId,
      cloud,
      audience: settings.audience,
      ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    },
    options.env,
    {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
      ...options.credentialDeps,
    },
  );
  const clients = await createClients({
    credential,
    cloud,
    subscriptionId: settings.subscriptionId,
    userAgent: options.userAgent,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  options.logger?.debug(
    `Azure: ${cloud.name} (${cloud.resourceManagerEndpoint}), signing in with ${credential.description}`,
  );
  return { cloud, credential, clients };
}
