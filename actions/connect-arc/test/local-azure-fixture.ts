// The integration fixture: local Azure in-process (temp state dir, port 0, no Azurite), its `az`
// shim on PATH, kubeconfigs for its clusters, and a runner for the built bundle that returns the
// traffic the run produced.
//
// Cluster API stand-in: `az connectedk8s connect` installs the agents with `POST {server}/agents`
// on the kubeconfig's API server. Local Azure does not serve `{base}/kubernetes/{rg}/{name}` yet,
// so the kubeconfigs here point at a small HTTP server in this process that checks the kubeconfig
// token the same way (clusterFromToken) and starts the agents through local Azure's admin API
// (`POST /_admin/clusters/{name}/agents`). When local Azure serves it, use its own kubeconfig
// (la.kubeconfigFile) and drop the stand-in.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClusterConfig,
  clusterFromToken,
  clusterToken,
  DEFAULT_CONFIG,
  type LocalAzure,
  type LocalAzureConfig,
  startLocalAzure,
  type TrafficExchange,
} from '@arc-ml/local-azure';
import { type ActionRunResult, REPO_ROOT, runActionBundle } from '@arc-ml/test-support';
import { writeAzShim } from '../../../packages/local-azure/src/az-cli/index.js';

export const RG = 'arc-ml-rg';

export interface StepRun {
  readonly result: ActionRunResult;
  /** What reached local Azure during the run. */
  readonly traffic: readonly TrafficExchange[];
}

export interface Fixture {
  readonly la: LocalAzure;
  readonly stateDir: string;
  /** Where the az shim's extensions live (AZURE_EXTENSION_DIR of every run). */
  readonly extensionDir: string;
  /** RUNNER_TEMP of every run: onboarding must leave it empty. */
  readonly runnerTemp: string;
  /** Environment of every run: local Azure's env file, the az shim first on PATH. */
  readonly env: Readonly<Record<string, string>>;
  /** Requests the cluster API stand-in answered. */
  readonly clusterApiCalls: { cluster: string; body: unknown }[];
  run(inputs: Readonly<Record<string, string>>, env?: Readonly<Record<string, string | undefined>>): Promise<StepRun>;
  /** A kubeconfig (YAML text) for a declared cluster, with its token and the stand-in API server. */
  kubeconfig(clusterName: string): string;
  traffic(): TrafficExchange[];
  stop(): Promise<void>;
}

export function arcCluster(name: string, connected: boolean): ClusterConfig {
  const base = DEFAULT_CONFIG.clusters.find((c) => c.kind === 'arc')!;
  return { ...base, name, connected };
}

export async function startFixture(
  clusters: readonly ClusterConfig[],
  delays: Record<string, number>,
): Promise<Fixture> {
  const bundle = join(REPO_ROOT, 'actions', 'connect-arc', 'dist', 'index.js');
  if (!existsSync(bundle))
    throw new Error(`${bundle} is missing: run node scripts/build-actions.mjs connect-arc first`);
  const stateDir = mkdtempSync(join(tmpdir(), 'connect-arc-it-'));
  const config: LocalAzureConfig = { ...DEFAULT_CONFIG, clusters: [...clusters] };
  const la = await startLocalAzure({ stateDir, port: 0, delays, startAzurite: false, config, log: () => {} });
  const binDir = join(stateDir, 'bin');
  writeAzShim(binDir);
  const extensionDir = join(stateDir, 'cliextensions');
  const runnerTemp = join(stateDir, 'runner-temp');
  mkdirSync(runnerTemp);

  const clusterApiCalls: { cluster: string; body: unknown }[] = [];
  const api = await startClusterApiStandIn(la, clusterApiCalls);
  const apiBase = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  const env = {
    ...la.env,
    PATH: `${binDir}:${process.env['PATH'] ?? ''}`,
    AZURE_EXTENSION_DIR: extensionDir,
    RUNNER_TEMP: runnerTemp,
  };

  const traffic = (): TrafficExchange[] =>
    existsSync(la.trafficFile)
      ? readFileSync(la.trafficFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as TrafficExchange)
      : [];

  return {
    la,
    stateDir,
    extensionDir,
    runnerTemp,
    env,
    clusterApiCalls,
    traffic,
    async run(inputs, extraEnv = {}) {
      const before = traffic().length;
      const result = await runActionBundle({ action: 'connect-arc', inputs, env: { ...env, ...extraEnv } });
      return { result, traffic: traffic().slice(before) };
    },
    kubeconfig(clusterName) {
      const cluster = config.clusters.find((c) => c.name === clusterName);
      if (!cluster) throw new Error(`no cluster ${clusterName} in the fixture's config`);
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: ${cluster.name}`,
        '  cluster:',
        `    server: ${apiBase}/kubernetes/${cluster.resourceGroup}/${cluster.name}`,
        'users:',
        `- name: ${cluster.name}-admin`,
        '  user:',
        `    token: ${clusterToken(la.config, cluster)}`,
        'contexts:',
        `- name: ${cluster.name}`,
        '  context:',
        `    cluster: ${cluster.name}`,
        `    user: ${cluster.name}-admin`,
        `current-context: ${cluster.name}`,
        '',
      ].join('\n');
    },
    async stop() {
      await new Promise<void>((resolve) => api.close(() => resolve()));
      await la.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** `POST /kubernetes/{rg}/{name}/agents` with the kubeconfig token → the admin API's agents route. */
async function startClusterApiStandIn(la: LocalAzure, calls: { cluster: string; body: unknown }[]): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const answer = (status: number, body: unknown) => {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        };
        const match = /^\/kubernetes\/([^/]+)\/([^/]+)\/agents$/.exec(req.url ?? '');
        const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const owner = token ? clusterFromToken(token) : undefined;
        if (req.method !== 'POST' || !match) return answer(404, { message: `no route ${req.method} ${req.url}` });
        if (!owner || owner.name !== match[2] || owner.resourceGroup !== match[1]) {
          return answer(401, { kind: 'Status', message: 'Unauthorized' });
        }
        const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        calls.push({ cluster: owner.name, body });
        try {
          answer(200, await la.admin.request('POST', `/clusters/${owner.name}/agents`, body));
        } catch (error) {
          answer(500, { message: (error as Error).message });
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Exchanges with Resource Manager (paths under /subscriptions). */
export function armExchanges(traffic: readonly TrafficExchange[]): TrafficExchange[] {
  return traffic.filter((t) => new URL(t.url).pathname.toLowerCase().startsWith('/subscriptions'));
}

/** Resource Manager writes: PUT, PATCH, DELETE and POST actions other than list* reads. */
export function armWrites(traffic: readonly TrafficExchange[]): TrafficExchange[] {
  return armExchanges(traffic).filter(
    (t) =>
      ['PUT', 'PATCH', 'DELETE'].includes(t.method) ||
      (t.method === 'POST' && !/\/list\w*$/i.test(new URL(t.url).pathname)),
  );
}
