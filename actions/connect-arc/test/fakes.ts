// Fakes of connect-arc's small interfaces: the cluster port (Resource Manager), the Azure CLI, and
// the Deps that tie them to a fake ActionIO and fake time.

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FakeActionIO, fakeActionIO } from '@arc-ml/actions-kit/testing';
import { AzureCloud, type AzureCloud as Cloud, connectedClusterId, managedClusterId } from '@arc-ml/azure';
import { type FakeTime, fakeTime } from '@arc-ml/azure/testing';
import { type AzCli, type AzCommand, type AzResult, argText } from '../src/az-cli.js';
import type { ClusterPort, ConnectedCluster, ManagedCluster } from '../src/azure-port.js';
import type { Deps } from '../src/main.js';

export const SUB = '00000000-0000-4000-8000-000000000001';
export const TENANT = '00000000-0000-4000-8000-000000000002';
export const CLIENT = '00000000-0000-4000-8000-000000000003';
export const RG = 'ml-rg';
export const NAME = 'edge-k3s';
export const ID_TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmEvYjpyZWY6cmVmcy9oZWFkcy9tYWluIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
export const KUBE_TOKEN = 'kube-token-0123456789';

export const SIGN_IN = { 'client-id': CLIENT, 'tenant-id': TENANT, 'subscription-id': SUB };
export const BASE_INPUTS = { ...SIGN_IN, 'resource-group': RG, 'cluster-name': NAME };

export const KUBECONFIG = [
  'apiVersion: v1',
  'kind: Config',
  'clusters:',
  '- name: edge',
  '  cluster:',
  '    server: https://10.0.0.10:6443',
  'users:',
  '- name: admin',
  '  user:',
  `    token: ${KUBE_TOKEN}`,
  'contexts:',
  '- name: edge',
  '  context: { cluster: edge, user: admin }',
  'current-context: edge',
  '',
].join('\n');

export function connected(overrides: Partial<ConnectedCluster> = {}): ConnectedCluster {
  return {
    id: connectedClusterId(SUB, RG, NAME),
    name: NAME,
    location: 'eastus',
    tags: {},
    provisioningState: 'Succeeded',
    connectivityStatus: 'Connected',
    kubernetesVersion: '1.30.4',
    agentVersion: '1.21.10',
    distribution: 'k3s',
    infrastructure: 'generic',
    totalNodeCount: 3,
    totalCoreCount: 12,
    ...overrides,
  };
}

export function managed(overrides: Partial<ManagedCluster> = {}): ManagedCluster {
  return {
    id: managedClusterId(SUB, RG, NAME),
    name: NAME,
    location: 'eastus',
    provisioningState: 'Succeeded',
    powerState: 'Running',
    kubernetesVersion: '1.30.4',
    nodeCount: 3,
    ...overrides,
  };
}

/** Resource Manager as the action sees it: each read of a cluster takes the next of its states (the last one stays). */
export class FakeAzure implements ClusterPort {
  readonly reads: string[] = [];
  readonly writes: { op: string; tags?: Record<string, string> }[] = [];
  #connected: (ConnectedCluster | undefined)[] = [undefined];
  #managed: (ManagedCluster | undefined)[] = [undefined];
  /** Called on every write with the log so far (to check the plan came first). */
  onWrite: (() => void) | undefined;

  withConnected(...states: (ConnectedCluster | undefined)[]): this {
    this.#connected = states;
    return this;
  }

  withManaged(...states: (ManagedCluster | undefined)[]): this {
    this.#managed = states;
    return this;
  }

  async getConnectedCluster(resourceGroup: string, name: string): Promise<ConnectedCluster | undefined> {
    this.reads.push(`connected ${resourceGroup}/${name}`);
    return this.#connected.length > 1 ? this.#connected.shift() : this.#connected[0];
  }

  async getManagedCluster(resourceGroup: string, name: string): Promise<ManagedCluster | undefined> {
    this.reads.push(`managed ${resourceGroup}/${name}`);
    return this.#managed.length > 1 ? this.#managed.shift() : this.#managed[0];
  }

  async setConnectedClusterTags(
    _rg: string,
    _name: string,
    tags: Readonly<Record<string, string>>,
  ): Promise<ConnectedCluster> {
    this.onWrite?.();
    this.writes.push({ op: 'tags', tags: { ...tags } });
    return connected({ ...(this.#connected.at(-1) ?? {}), tags: { ...tags } });
  }
}

export interface RecordedCommand {
  readonly args: readonly string[];
  readonly printed: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The Azure CLI: answers by the first two words (`connectedk8s connect`); records what ran. */
export class FakeAz implements AzCli {
  readonly commands: RecordedCommand[] = [];
  readonly answers = new Map<string, Partial<AzResult>>([
    ['version --output', { stdout: '{"azure-cli": "2.67.0"}' }],
    ['extension show', { exitCode: 1, stderr: 'ERROR: The extension connectedk8s is not installed.\n' }],
  ]);
  /** Runs when `az connectedk8s connect` runs (e.g. to look at the kubeconfig file). */
  onConnect: ((command: RecordedCommand) => void) | undefined;

  answer(words: string, result: Partial<AzResult>): this {
    this.answers.set(words, result);
    return this;
  }

  async run(command: AzCommand, env: Readonly<Record<string, string>>): Promise<AzResult> {
    const args = command.args.map(argText);
    const recorded = { args, printed: command.args.map((a) => (typeof a === 'string' ? a : '***')).join(' '), env };
    this.commands.push(recorded);
    if (args[0] === 'connectedk8s') this.onConnect?.(recorded);
    const answer = this.answers.get(args.slice(0, 2).join(' ')) ?? {};
    return { exitCode: answer.exitCode ?? 0, stdout: answer.stdout ?? '', stderr: answer.stderr ?? '' };
  }

  /** The commands as `az` word lists without option values: `login`, `extension add`, … */
  get words(): string[] {
    return this.commands.map((c) =>
      c.args.filter((a, i) => !a.startsWith('-') && !c.args[i - 1]?.startsWith('-')).join(' '),
    );
  }
}

const tempDirs: string[] = [];

/** Removes the RUNNER_TEMP folders testDeps made (call from afterAll). */
export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface TestDeps extends Deps {
  readonly io: FakeActionIO;
  readonly az: FakeAz;
  readonly time: FakeTime;
  readonly runnerTemp: string;
}

export function testDeps(
  inputs: Readonly<Record<string, string>>,
  azure: FakeAzure,
  az: FakeAz = new FakeAz(),
  cloud: Cloud = AzureCloud,
): TestDeps {
  const io = fakeActionIO({ inputs });
  const time = fakeTime();
  const runnerTemp = mkdtempSync(join(tmpdir(), 'connect-arc-unit-'));
  tempDirs.push(runnerTemp);
  return {
    io,
    time,
    runnerTemp,
    env: { RUNNER_TEMP: runnerTemp, PATH: '/usr/bin', HOME: '/home/runner', GITHUB_WORKSPACE: process.cwd() },
    clock: time.clock,
    sleep: time.sleep,
    connect: async () => ({ cloud, clusters: azure, idToken: async () => ID_TOKEN }),
    az,
    pollIntervalMs: 2000,
  };
}

/** The mode of a file, or undefined when it does not exist. */
export function fileMode(path: string): number | undefined {
  return existsSync(path) ? statSync(path).mode & 0o777 : undefined;
}
