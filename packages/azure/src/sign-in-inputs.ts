/**
 * The sign-in inputs every action shares: `client-id`, `tenant-id`, `subscription-id`,
 * `environment`, `arm-endpoint`, `audience` — with the `AZURE_*` environment variables as defaults.
 */
import { type AzureEnvironmentName, azureEnvironmentNames } from './clouds.js';
import { defaultOidcAudience } from './credential.js';

/** The one thing needed from an input reader (structural, so this package does not depend on actions-kit). */
export interface OptionalInputReader {
  /** The input's value, or `undefined` when it is absent or empty. */
  optional(name: string): string | undefined;
}

export interface AzureSignInSettings {
  readonly clientId: string;
  /** A GUID or a verified domain (`contoso.onmicrosoft.com`). */
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly environment: AzureEnvironmentName;
  /** A custom cloud's Resource Manager (Azure Stack Hub, local Azure); wins over `environment`. */
  readonly armEndpoint?: string;
  /** Audience of the GitHub ID token; must match the federated credential. */
  readonly audience: string;
}

/** An input is missing or malformed; names the input and says what would fix it. */
export class SignInInputError extends Error {
  override readonly name = 'SignInInputError';
  constructor(
    readonly input: string,
    message: string,
    readonly hint?: string,
  ) {
    super(`Input '${input}': ${message}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const domain = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export function readSignInSettings(read: OptionalInputReader, env: Env = process.env): AzureSignInSettings {
  const value = (input: string, variable?: string): string | undefined => {
    const fromInput = read.optional(input)?.trim();
    if (fromInput) return fromInput;
    const fromEnv = variable ? env[variable]?.trim() : undefined;
    return fromEnv || undefined;
  };

  const clientId = required(
    value('client-id', 'AZURE_CLIENT_ID'),
    'client-id',
    'AZURE_CLIENT_ID',
    'the application (client) id of the app registration or managed identity that trusts this repository',
  );
  if (!guid.test(clientId))
    throw new SignInInputError(
      'client-id',
      `"${clientId}" is not a GUID`,
      'Copy the "Application (client) ID" from the app registration\'s Overview page.',
    );

  const tenantId = required(
    value('tenant-id', 'AZURE_TENANT_ID'),
    'tenant-id',
    'AZURE_TENANT_ID',
    'the directory (tenant) id',
  );
  if (!guid.test(tenantId) && !domain.test(tenantId)) {
    throw new SignInInputError(
      'tenant-id',
      `"${tenantId}" is neither a GUID nor a domain name`,
      'Copy the "Directory (tenant) ID" from the app registration\'s Overview page.',
    );
  }

  const subscriptionId = required(
    value('subscription-id', 'AZURE_SUBSCRIPTION_ID'),
    'subscription-id',
    'AZURE_SUBSCRIPTION_ID',
    'the subscription that holds the cluster and the workspace',
  );
  if (!guid.test(subscriptionId))
    throw new SignInInputError(
      'subscription-id',
      `"${subscriptionId}" is not a GUID`,
      'az account show --query id prints it.',
    );

  const environmentText = value('environment') ?? 'azurecloud';
  const environment = azureEnvironmentNames.find((name) => name === environmentText.toLowerCase());
  if (!environment) {
    throw new SignInInputError(
      'environment',
      `"${environmentText}" is not one of ${azureEnvironmentNames.join(', ')}`,
      'For Azure Stack Hub or local Azure, set arm-endpoint instead.',
    );
  }

  const armEndpointText = value('arm-endpoint', 'AZURE_ARM_ENDPOINT');
  let armEndpoint: string | undefined;
  if (armEndpointText) {
    let url: URL | undefined;
    try {
      url = new URL(armEndpointText);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:') {
      throw new SignInInputError(
        'arm-endpoint',
        `"${armEndpointText}" is not an https URL`,
        'Use the Resource Manager endpoint, e.g. https://management.local.azurestack.external; the SDKs send tokens only over https.',
      );
    }
    armEndpoint = armEndpointText.replace(/\/+$/, '');
  }

  const audience = value('audience') ?? defaultOidcAudience;
  return { clientId, tenantId, subscriptionId, environment, ...(armEndpoint ? { armEndpoint } : {}), audience };
}

function required(found: string | undefined, input: string, variable: string, what: string): string {
  if (found) return found;
  throw new SignInInputError(
    input,
    `is required: ${what}`,
    `Set the ${input} input, or the ${variable} environment variable (e.g. from a repository variable: ${input}: \${{ vars.${variable} }}).`,
  );
}
