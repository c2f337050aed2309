#!/usr/bin/env node
// Local Azure: `arc-ml local up` wall time (cold: a new state dir, so a new CA and keys; warm: the
// state dir kept from an earlier run) and the median latency of an authenticated ARM GET and PUT.
// Run after `pnpm run build`: node bench/local-azure.bench.mjs [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import { startLocalAzure } from '@arc-ml/local-azure';
import { median, percentile, round, timeIt } from './stats.mjs';

const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'packages/local-azure/lib/cli/main.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

function arcMl(...args) {
  const result = spawnSync(process.execPath, [cli, 'local', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`arc-ml local ${args.join(' ')} failed:\n${result.stderr}`);
}

const cold = [];
const warm = [];
for (let i = 0; i < runs; i++) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-up-'));
  try {
    cold.push((await timeIt(() => arcMl('up', '--state-dir', dir))).ms);
    arcMl('down', '--state-dir', dir);
    warm.push((await timeIt(() => arcMl('up', '--state-dir', dir))).ms);
    arcMl('down', '--state-dir', dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const stateDir = mkdtempSync(join(tmpdir(), 'bench-latency-'));
const azure = await startLocalAzure({ stateDir, delays: 'zero', startAzurite: false, recordTraffic: false });
tls.setDefaultCACertificates([...tls.getCACertificates('default'), azure.caPem]);
try {
  const idToken = (
    await (
      await fetch(`${azure.idTokenRequestUrl}&audience=api://AzureADTokenExchange`, {
        headers: { authorization: `bearer ${azure.idTokenRequestToken}` },
      })
    ).json()
  ).value;
  const tokenResponse = await fetch(`${azure.baseUrl}/${azure.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: azure.clientId,
      scope: `${azure.armAudience}.default`,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: idToken,
    }),
  });
  const { access_token: accessToken } = await tokenResponse.json();
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const group = `${azure.armEndpoint}/subscriptions/${azure.subscriptionId}/resourcegroups/arc-ml-rg?api-version=2025-04-01`;

  const measure = async (count, request) => {
    const samples = [];
    for (let i = 0; i < count; i++) {
      const { ms, value } = await timeIt(request);
      if (!value.ok) throw new Error(`request failed: ${value.status} ${await value.text()}`);
      await value.arrayBuffer();
      samples.push(ms);
    }
    return samples;
  };
  await measure(20, () => fetch(group, { headers })); // warm-up: connection, JIT
  const gets = await measure(300, () => fetch(group, { headers }));
  const puts = await measure(300, () =>
    fetch(group, { method: 'PUT', headers, body: JSON.stringify({ location: 'eastus', tags: { bench: 'yes' } }) }),
  );

  const rows = [
    ['`arc-ml local up`, cold (new state dir)', `${round(median(cold), 0)} ms`, `${runs} runs`],
    ['`arc-ml local up`, warm (state dir kept)', `${round(median(warm), 0)} ms`, `${runs} runs`],
    ['ARM GET resource group', `${round(median(gets), 2)} ms (p95 ${round(percentile(gets, 95), 2)})`, '300 requests'],
    ['ARM PUT resource group', `${round(median(puts), 2)} ms (p95 ${round(percentile(puts, 95), 2)})`, '300 requests'],
  ];
  console.log('| measurement | median | samples |\n| --- | --- | --- |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
} finally {
  await azure.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
