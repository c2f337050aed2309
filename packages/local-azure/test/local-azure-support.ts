// Shared by local Azure's integration tests: start an in-process local Azure in a temp state dir,
// trust its CA, sign in the way every action does — `@arc-ml/azure` (readSignInSettings →
// connectToAzure) with the variables of DIR/env, so GitHub OIDC → Entra through the official
// @azure/identity credential — and call Resource Manager with the official SDK clients that
// package hands out, or with plain fetch.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { type AzureClients, type AzureConnection, connectToAzure, readSignInSettings } from '@arc-ml/azure';
import type { TrafficExchange } from '../src/http/traffic.js';
import { type LocalAzure, type LocalAzureOptions, startLocalAzure } from '../src/local-azure.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '../../..');

export const FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';

/** Starts local Azure in a new temp state dir (zero delays, no Azurite unless asked) and trusts its CA. */
export async function startTestAzure(
  options: Partial<LocalAzureOptions> = {},
): Promise<LocalAzure & { stateDir: string }> {
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'local-azure-test-'));
  const azure = await startLocalAzure({ delays: 'zero', startAzurite: false, log: () => {}, ...options, stateDir });
  trustCa(azure.caPem);
  const stop = azure.stop;
  return Object.assign(azure, {
    stateDir,
    stop: async () => {
      await stop();
      if (!options.stateDir) rmSync(stateDir, { recursive: true, force: true });
    },
  });
}

/** Adds a CA to this process's default trust (Node 24), keeping what was trusted before. */
export function trustCa(caPem: string): void {
  const current = getCACertificates('default');
  if (!current.includes(caPem)) setDefaultCACertificates([...current, caPem]);
}

/** Asks the GitHub OIDC issuer for an ID token, as @actions/core's getIDToken does. */
export async function githubIdToken(
  azure: LocalAzure,
  requestToken = azure.idTokenRequestToken,
  audience = FEDERATION_AUDIENCE,
): Promise<string> {
  const response = await fetch(`${azure.idTokenRequestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { Authorization: `bearer ${requestToken}`, Accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`ID token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { value: string }).value;
}

/** Who signs in: another request token (other claims), another app, another ID-token audience. */
export interface SignInOptions {
  readonly requestToken?: string;
  readonly clientId?: string;
  readonly audience?: string;
}

const connections = new WeakMap<LocalAzure, Map<string, Promise<AzureConnection>>>();

/**
 * Signs in as an action does: `readSignInSettings` over DIR/env's variables (AZURE_CLIENT_ID,
 * AZURE_TENANT_ID, AZURE_SUBSCRIPTION_ID, AZURE_ARM_ENDPOINT, ACTIONS_ID_TOKEN_REQUEST_*), then
 * `connectToAzure`: cloud discovery through the metadata endpoint, the GitHub OIDC credential,
 * and the SDK client factory. One connection per local Azure and options.
 */
export function signIn(azure: LocalAzure, options: SignInOptions = {}): Promise<AzureConnection> {
  const byOptions = connections.get(azure) ?? new Map<string, Promise<AzureConnection>>();
  connections.set(azure, byOptions);
  const key = JSON.stringify([options.requestToken, options.clientId, options.audience]);
  let connection = byOptions.get(key);
  if (!connection) {
    const env: Record<string, string | undefined> = {
      ...azure.env,
      ...(options.requestToken ? { ACTIONS_ID_TOKEN_REQUEST_TOKEN: options.requestToken } : {}),
      ...(options.clientId ? { AZURE_CLIENT_ID: options.clientId } : {}),
    };
    const settings = readSignInSettings(
      { optional: (name) => (name === 'audience' ? options.audience : undefined) },
      env,
    );
    connection = connectToAzure(settings, {
      userAgent: { version: '0.0.0-test', action: 'local-azure-tests' },
      env,
      retry: { initialDelayMs: 10, maxDelayMs: 100 },
    });
    byOptions.set(key, connection);
  }
  return connection;
}

/** The SDK client factory of a signed-in connection. */
export async function clientsFor(azure: LocalAzure, options: SignInOptions = {}): Promise<AzureClients> {
  return (await signIn(azure, options)).clients;
}

export async function resourcesClient(azure: LocalAzure, options: SignInOptions = {}) {
  return (await clientsFor(azure, options)).resources();
}

export async function extensionsClient(azure: LocalAzure, options: SignInOptions = {}) {
  return (await clientsFor(azure, options)).kubernetesConfiguration();
}

/** An access token through the real sign-in path (GitHub ID token → Entra). */
export async function armToken(azure: LocalAzure, options: SignInOptions = {}): Promise<string> {
  const connection = await signIn(azure, options);
  const token = await connection.credential.getToken(`${azure.armAudience}.default`);
  if (!token) throw new Error('no access token');
  return token.token;
}

export interface ArmAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** A plain HTTPS request to local Azure (for what the SDKs never send). */
export async function call(
  azure: LocalAzure,
  method: string,
  path: string,
  options: {
    token?: string | null;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    /** The request leaves the pinned contract on purpose (the contract check then skips it). */
    deviates?: boolean;
  } = {},
): Promise<ArmAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.deviates) headers[DEVIATION_HEADER] = 'on-purpose';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(`${azure.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: response.status, headers: response.headers, body: parsed };
}

export { readTraffic } from '../src/http/traffic.js';

/** Marks requests that leave the pinned contract on purpose (a wrong api-version, a broken body, …). */
export const DEVIATION_HEADER = 'x-arc-ml-test-deviation';

/** Whether a traffic line was marked as leaving the contract on purpose. */
export function deviatesOnPurpose(traffic: readonly TrafficExchange[], line: number): boolean {
  return Boolean(traffic[line - 1]?.requestHeaders[DEVIATION_HEADER]);
}

export const CONTRACT_CHECK = resolve(REPO_ROOT, '../shared/tools/arm-contract-check');

export interface ContractFinding {
  readonly line: number;
  readonly method: string;
  readonly path: string;
  readonly operationId?: string;
  readonly where?: string;
  readonly pointer?: string;
  readonly message: string;
}

export interface ContractReport {
  readonly summary: Record<string, number | boolean>;
  readonly violations: ContractFinding[];
  readonly unmatched: ContractFinding[];
  readonly warnings: ContractFinding[];
}

let python: string | undefined | null = null;

/** A python that can import jsonschema (what the checker needs), if there is one. */
function checkerPython(): string | undefined {
  python ??= ['python3', '/usr/bin/python3'].find(
    (candidate) => spawnSync(candidate, ['-c', 'import jsonschema'], { stdio: 'ignore' }).status === 0,
  );
  return python;
}

/**
 * Whether ../shared (with the checker) sits beside the repository. When it does, the check runs:
 * a python that cannot run it fails the test instead of skipping it.
 */
export function contractCheckAvailable(): boolean {
  return existsSync(CONTRACT_CHECK);
}

/** Runs tools/arm-contract-check --json over a traffic file (undefined when ../shared is absent). */
export function contractCheck(trafficFile: string): ContractReport | undefined {
  if (!existsSync(CONTRACT_CHECK)) return undefined;
  const interpreter = checkerPython();
  if (!interpreter)
    throw new Error(`${CONTRACT_CHECK} is present but no python3 here can import jsonschema, which it needs`);
  const result = spawnSync(interpreter, [CONTRACT_CHECK, '--json', trafficFile], { encoding: 'utf8' });
  if (result.status === 2 || !result.stdout) {
    throw new Error(`arm-contract-check failed: ${result.stderr || result.stdout}`);
  }
  return JSON.parse(result.stdout) as ContractReport;
}
