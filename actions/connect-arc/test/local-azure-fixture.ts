// What connect-arc's integration tests add to the shared local Azure harness: clusters to declare,
// the az shim's extensions and RUNNER_TEMP in a folder of their own (onboarding must leave
// RUNNER_TEMP empty), and the agent installs `az connectedk8s connect` sent to the clusters' API
// servers (their kubeconfigs point at local Azure).

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ClusterConfig, DEFAULT_CONFIG, type TrafficExchange } from '@arc-ml/local-azure';
import { type ActionRunResult, type ActionTestAzure, startActionTestAzure } from '@arc-ml/test-support';

export const RG = 'arc-ml-rg';

export interface StepRun {
  readonly result: ActionRunResult;
  /** What reached local Azure during the run. */
  readonly traffic: readonly TrafficExchange[];
}

export interface Fixture extends ActionTestAzure {
  /** Where the az shim's extensions live (AZURE_EXTENSION_DIR of every run). */
  readonly extensionDir: string;
  /** RUNNER_TEMP of every run: onboarding must leave it empty. */
  readonly runnerTemp: string;
  /** Environment of every run: local Azure's (the az shim first on PATH), the two folders above. */
  readonly env: Readonly<Record<string, string>>;
  /** The agent installs the clusters' API servers accepted: `POST {server}/agents`. */
  clusterApiCalls(): { cluster: string; body: unknown }[];
  run(inputs: Readonly<Record<string, string>>, env?: Readonly<Record<string, string | undefined>>): Promise<StepRun>;
  /** The kubeconfig (YAML text) local Azure wrote for a declared cluster. */
  kubeconfig(clusterName: string): string;
}

export function arcCluster(name: string, connected: boolean): ClusterConfig {
  const base = DEFAULT_CONFIG.clusters.find((c) => c.kind === 'arc')!;
  return { ...base, name, connected };
}

export async function startFixture(
  clusters: readonly ClusterConfig[],
  delays: Record<string, number>,
): Promise<Fixture> {
  const azure = await startActionTestAzure({
    label: 'connect-arc-it',
    actions: ['connect-arc'],
    config: { ...DEFAULT_CONFIG, clusters: [...clusters] },
    delays,
  });
  const extensionDir = join(azure.stateDir, 'cliextensions');
  const runnerTemp = join(azure.stateDir, 'runner-temp');
  mkdirSync(runnerTemp);
  const env = { ...azure.env, AZURE_EXTENSION_DIR: extensionDir, RUNNER_TEMP: runnerTemp };

  return {
    ...azure,
    extensionDir,
    runnerTemp,
    env,
    clusterApiCalls: () =>
      azure
        .traffic()
        .filter((t) => t.method === 'POST' && t.status === 200)
        .flatMap((t) => {
          const cluster = /^\/kubernetes\/[^/]+\/([^/]+)\/agents$/.exec(new URL(t.url).pathname)?.[1];
          return cluster ? [{ cluster, body: t.requestBody }] : [];
        }),
    async run(inputs, extraEnv = {}) {
      const result = await azure.runAction('connect-arc', inputs, { env: { ...env, ...extraEnv } });
      return { result, traffic: result.traffic };
    },
    kubeconfig: (clusterName) => readFileSync(azure.kubeconfigFor(clusterName), 'utf8'),
  };
}
