// Local Azure's az shim (packages/local-azure/src/az-cli), run as a process the way connect-arc
// runs az: exit codes and messages like az, state in AZURE_CONFIG_DIR, sign-in through Entra,
// and connectedk8s connect against local Azure.

import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { ARM_AUDIENCE, DEFAULT_CONFIG } from '@arc-ml/local-azure';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { arcCluster, type Fixture, RG, startFixture } from './local-azure-fixture.js';

let f: Fixture;

beforeAll(async () => {
  f = await startFixture([arcCluster('arc-shim', false), arcCluster('arc-throttled', false)], { connectivity: 0 });
}, 60_000);

afterAll(async () => {
  await f?.stop();
});

interface AzRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `az …` from the shim on PATH (asynchronously: local Azure answers from this process); extensions in the config dir. */
function az(configDir: string, ...args: string[]): Promise<AzRun> {
  return new Promise((resolve) => {
    execFile(
      'az',
      args,
      { env: { ...f.env, AZURE_CONFIG_DIR: configDir, AZURE_EXTENSION_DIR: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function configDir(): string {
  return mkdtempSync(join(f.stateDir, 'azure-config-'));
}

/** Registers local Azure as the custom cloud `Local` and selects it. */
async function useLocalCloud(dir: string): Promise<void> {
  for (const args of [
    ['cloud', 'register', '--name', 'Local', '--endpoint-resource-manager', f.azure.armEndpoint],
    ['cloud', 'set', '--name', 'Local'],
  ]) {
    expect(await az(dir, ...args)).toMatchObject({ code: 0 });
  }
}

/** `az login` as the app, with a federated token, as connect-arc signs the CLI in. */
function login(dir: string, token: string, ...extra: string[]): Promise<AzRun> {
  const app = ['-u', f.azure.clientId, '-t', f.azure.tenantId];
  return az(dir, 'login', '--service-principal', ...app, '--federated-token', token, ...extra);
}

/** A config dir signed in to local Azure (custom cloud registered and selected, subscription set). */
async function signedIn(): Promise<string> {
  const dir = configDir();
  await useLocalCloud(dir);
  const token = await f.azure.admin.mintIdToken();
  expect(await login(dir, token, '--allow-no-subscriptions', '-o', 'none')).toMatchObject({ code: 0, stdout: '' });
  expect(await az(dir, 'account', 'set', '--subscription', f.azure.subscriptionId)).toMatchObject({ code: 0 });
  return dir;
}

/** `az connectedk8s connect` for a declared cluster, with the kubeconfig local Azure wrote for it. */
function connect(dir: string, cluster: string, group: string, ...extra: string[]): Promise<AzRun> {
  const kubeconfig = f.kubeconfigFor(cluster);
  return az(dir, 'connectedk8s', 'connect', '-n', cluster, '-g', group, '--kube-config', kubeconfig, ...extra);
}

describe("local Azure's az shim", () => {
  it('reports its version and keeps extensions in its config dir', async () => {
    const dir = configDir();
    const version = await az(dir, 'version', '-o', 'json');
    expect(version.code).toBe(0);
    expect(JSON.parse(version.stdout)).toMatchObject({ 'azure-cli': expect.any(String) });
    expect((await az(dir, '--version')).stdout).toMatch(/^azure-cli\s+\d+\.\d+\.\d+/);

    const missing = await az(dir, 'extension', 'show', '--name', 'not-an-extension');
    expect(missing).toMatchObject({ code: 1, stderr: 'ERROR: The extension not-an-extension is not installed.\n' });
    expect(await az(dir, 'extension', 'add', '--name', 'connectedk8s', '--yes')).toMatchObject({ code: 0 });
    const shown = await az(dir, 'extension', 'show', '--name', 'connectedk8s');
    expect(JSON.parse(shown.stdout)).toMatchObject({
      name: 'connectedk8s',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    expect(JSON.parse((await az(dir, 'extension', 'list')).stdout)).toHaveLength(1);
    expect(await az(dir, 'extension', 'add', '--name', 'no-such-extension')).toMatchObject({ code: 1 });
  });

  it.each([
    ['a missing required argument', ['cloud', 'set'], /^ERROR: the following arguments are required: --name\/-n\n$/],
    ['an unknown argument', ['version', '--frobnicate'], /^ERROR: unrecognized arguments: --frobnicate\n$/],
    ['an unknown command', ['vm', 'list'], /^ERROR: 'vm list' is misspelled or not recognized by the system/],
    ['an option without its value', ['login', '--service-principal', '-u'], /expected one argument/],
  ])('exits with 2 on %s, as az does', async (_case, args, message) => {
    const result = await az(configDir(), ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('registers a custom cloud from its metadata endpoint', async () => {
    const dir = configDir();
    await useLocalCloud(dir);

    const shown = JSON.parse((await az(dir, 'cloud', 'show')).stdout) as {
      name: string;
      isActive: boolean;
      endpoints: Record<string, unknown>;
    };
    expect(shown).toMatchObject({ name: 'Local', isActive: true });
    expect(shown.endpoints).toMatchObject({
      activeDirectory: f.azure.baseUrl,
      activeDirectoryResourceId: ARM_AUDIENCE,
      resourceManager: `${f.azure.baseUrl}/`,
    });
    expect(
      await az(dir, 'cloud', 'register', '--name', 'Local', '--endpoint-resource-manager', f.azure.armEndpoint),
    ).toMatchObject({
      code: 1,
      stderr: "ERROR: The cloud 'Local' is already registered.\n",
    });
    const unreachable = await az(
      dir,
      'cloud',
      'register',
      '--name',
      'Nowhere',
      '--endpoint-resource-manager',
      'https://127.0.0.1:9',
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^ERROR: Unable to get endpoints from the cloud/);
  });

  it('signs in with a federated token and selects the subscription', async () => {
    const dir = await signedIn();
    const account = JSON.parse((await az(dir, 'account', 'show')).stdout) as Record<string, unknown>;
    expect(account).toMatchObject({
      id: f.azure.subscriptionId,
      tenantId: f.azure.tenantId,
      isDefault: true,
      user: { name: f.azure.clientId, type: 'servicePrincipal' },
    });
    expect(await az(dir, 'account', 'set', '--subscription', '00000000-0000-4000-8000-000000000bad')).toMatchObject({
      code: 1,
      stderr: "ERROR: The subscription of '00000000-0000-4000-8000-000000000bad' doesn't exist in cloud 'Local'.\n",
    });
  });

  it.each([
    [
      'a subject no federated credential names',
      { claims: { ref: 'refs/heads/feature' } },
      /^ERROR: AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:arc-ml\/arc-ml-actions:ref:refs\/heads\/feature'/,
    ],
    [
      'an expired token',
      { lifetimeSeconds: -900 },
      /^ERROR: AADSTS700024: Client assertion is not within its valid time range/,
    ],
  ])('fails to sign in with %s, printing Entra refusal', async (_case, spec, message) => {
    const dir = configDir();
    await useLocalCloud(dir);
    const token = await f.azure.admin.mintIdToken(spec);

    const result = await login(dir, token);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain(token);
  });

  it('refuses connectedk8s before the extension is added, and before sign-in', async () => {
    const dir = configDir();
    const withoutExtension = await connect(dir, 'arc-shim', RG);
    expect(withoutExtension).toMatchObject({ code: 2 });
    expect(withoutExtension.stderr).toContain('az extension add -n connectedk8s');

    await az(dir, 'extension', 'add', '--name', 'connectedk8s');
    const notSignedIn = await connect(dir, 'arc-shim', RG);
    expect(notSignedIn).toMatchObject({ code: 1, stderr: "ERROR: Please run 'az login' to setup account.\n" });
  });

  it('connects a cluster: RSA agent key, the resource, its operation followed through throttling, then the agents', async () => {
    const dir = await signedIn();
    await az(dir, 'extension', 'add', '--name', 'connectedk8s');
    await f.azure.admin.setFaults({
      throttle: { path: 'connectedClusters/arc-throttled$', times: 1, retryAfterSeconds: 1 },
    });
    const before = f.mark();
    let result: AzRun;
    try {
      result = await connect(dir, 'arc-throttled', RG, '--tags', 'a=1', 'b=2');
    } finally {
      await f.azure.admin.clearFaults();
    }

    expect(result.stderr).toContain('This operation might take a while');
    expect(result.code).toBe(0);
    const cluster = JSON.parse(result.stdout) as {
      name: string;
      location: string;
      tags: unknown;
      properties: Record<string, unknown>;
    };
    expect(cluster).toMatchObject({
      name: 'arc-throttled',
      location: DEFAULT_CONFIG.location,
      tags: { a: '1', b: '2' },
    });
    expect(cluster.properties['provisioningState']).toBe('Succeeded');
    const calls = f.armRequestsSince(before).map((t) => `${t.method} ${t.status}`);
    expect(calls.slice(0, 4)).toEqual(['GET 200', 'GET 429', 'GET 404', 'PUT 201']);
    expect(f.clusterApiCalls()).toContainEqual({
      cluster: 'arc-throttled',
      body: { running: true, agentVersion: '1.21.10' },
    });

    const again = await connect(dir, 'arc-throttled', RG);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^ERROR: The connected cluster resource arc-throttled already exists in the resource group arc-ml-rg/m,
    );
  });

  it('prints ARM errors as az does, e.g. a resource group the caller may not read', async () => {
    const dir = await signedIn();
    await az(dir, 'extension', 'add', '--name', 'connectedk8s');

    const result = await connect(dir, 'arc-shim', 'no-access-rg');

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^ERROR: \(AuthorizationFailed\) The client '.+' with object id '.+' does not have authorization/m,
    );
    expect(result.stderr).toContain('Code: AuthorizationFailed');
  });
});
