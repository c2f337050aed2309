// `pnpm arc-ml local up|status|down` as a person runs it: a background local Azure (with Azurite)
// in a temp state dir, the env file a shell sources, a harmless second `up`, and a `down` that
// leaves no process behind.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { connectLocalAzure, parseEnvFile, readInstance } from '../src/instance.js';
import { REPO_ROOT } from './local-azure-support.js';

const stateDir = mkdtempSync(join(tmpdir(), 'arc-ml-cli-'));

function arcMl(...args: string[]) {
  const result = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/arc-ml.mjs'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs a Node one-liner with the env file's variables, as an action step would run. */
function nodeWithEnv(env: Record<string, string>, script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

afterAll(() => {
  arcMl('local', 'down', '--state-dir', stateDir);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('arc-ml local', () => {
  it('starts in the background, writes the env file, survives a second up, and stops everything', async () => {
    const up = arcMl('local', 'up', '--state-dir', stateDir, '--port', '0');
    expect(up.stderr).not.toContain('did not start');
    expect(up.status).toBe(0);
    expect(up.stdout).toContain('Local Azure started');
    expect(up.stdout).toContain(`source ${join(stateDir, 'env')}`);
    const instance = readInstance(stateDir);
    expect(alive(instance?.pid)).toBe(true);
    expect(alive(instance?.azuritePid)).toBe(true);

    const env = parseEnvFile(readFileSync(join(stateDir, 'env'), 'utf8'));
    expect(Object.keys(env).sort()).toEqual(
      [
        'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
        'ACTIONS_ID_TOKEN_REQUEST_URL',
        'ARC_ML_CLUSTER',
        'ARC_ML_KUBECONFIG',
        'ARC_ML_LOCATION',
        'ARC_ML_RESOURCE_GROUP',
        'ARC_ML_WORKSPACE',
        'AZURE_ARM_ENDPOINT',
        'AZURE_CLIENT_ID',
        'AZURE_CONFIG_DIR',
        'AZURE_EXTENSION_DIR',
        'AZURE_SUBSCRIPTION_ID',
        'AZURE_TENANT_ID',
        'NODE_EXTRA_CA_CERTS',
        'PATH',
      ].sort(),
    );
    expect(env.PATH).toBe(`${join(stateDir, 'bin')}:${process.env.PATH}`);
    expect(env.AZURE_CONFIG_DIR).toBe(join(stateDir, 'azure'));
    expect(env).toMatchObject({
      AZURE_ARM_ENDPOINT: instance?.baseUrl,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${instance?.baseUrl}/github/token?api-version=2.0`,
      ARC_ML_RESOURCE_GROUP: 'arc-ml-rg',
      ARC_ML_WORKSPACE: 'mlw-arc',
      ARC_ML_CLUSTER: 'arc-k3s',
      ARC_ML_LOCATION: 'eastus',
      NODE_EXTRA_CA_CERTS: join(stateDir, 'ca-bundle.pem'),
    });
    const bundle = readFileSync(env.NODE_EXTRA_CA_CERTS!, 'utf8');
    expect(bundle).toContain(readFileSync(join(stateDir, 'ca.pem'), 'utf8').trim());
    const kubeconfig = parse(readFileSync(env.ARC_ML_KUBECONFIG!, 'utf8'));
    expect(kubeconfig).toMatchObject({ 'current-context': 'arc-k3s', clusters: [{ name: 'arc-k3s' }] });
    expect(kubeconfig.clusters[0].cluster.server).toContain(instance?.baseUrl);

    // a child process with only the env file trusts local Azure: ID token, then blob storage
    const child = nodeWithEnv(
      env,
      `const r = await fetch(process.env.ACTIONS_ID_TOKEN_REQUEST_URL + '&audience=api://AzureADTokenExchange',
         { headers: { Authorization: 'bearer ' + process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN } });
       const { value } = await r.json();
       const blob = await fetch(${JSON.stringify(`${instance?.blobEndpoint}?comp=list`)});
       console.log(value.split('.').length, blob.status);`,
    );
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toMatch(/^3 (200|403)$/);

    const connected = await connectLocalAzure(stateDir);
    expect(connected.env).toEqual(env);
    expect(await connected.admin.health()).toMatchObject({ status: 'ok', pid: instance?.pid });

    const again = arcMl('local', 'up', '--state-dir', stateDir);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`already runs (pid ${instance?.pid})`);
    expect(readInstance(stateDir)?.pid).toBe(instance?.pid);

    const status = arcMl('local', 'status', '--state-dir', stateDir);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('Local Azure is running');
    expect(status.stdout).toContain(instance?.baseUrl);

    const down = arcMl('local', 'down', '--state-dir', stateDir);
    expect(down.status).toBe(0);
    expect(down.stdout).toContain('Local Azure stopped (2 processes)');
    expect(alive(instance?.pid)).toBe(false);
    expect(alive(instance?.azuritePid)).toBe(false);
    expect(existsSync(join(stateDir, 'instance.json'))).toBe(false);

    const stopped = arcMl('local', 'status', '--state-dir', stateDir);
    expect(stopped.status).toBe(3);
    expect(stopped.stdout).toContain('not running');
  }, 180_000);

  it('keeps its state in the git-ignored .arc-ml/local of the repository when no --state-dir is given', () => {
    const status = arcMl('local', 'status');
    expect([0, 3]).toContain(status.status); // whether or not someone runs local Azure there now
    expect(status.stdout).toContain(join(REPO_ROOT, '.arc-ml', 'local'));
    const ignored = spawnSync('git', ['check-ignore', '-q', join('.arc-ml', 'local', 'env')], { cwd: REPO_ROOT });
    expect(ignored.status).toBe(0);
  });

  it('explains its usage for an unknown command', () => {
    const result = arcMl('local', 'sideways');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('unknown command "local sideways"');
    expect(result.stderr).toContain('Usage: pnpm arc-ml local <command>');
  });
});
