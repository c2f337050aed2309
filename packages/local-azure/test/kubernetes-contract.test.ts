// Runs a scenario through the Kubernetes providers, records it as traffic lines, and checks them
// with ../shared/tools/arm-contract-check against the official swagger (connected clusters
// 2021-10-01, extensions 2023-05-01). Managed clusters have no swagger there and are left out.
// Skipped when ../shared or a python with jsonschema is not available.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { HttpMethod } from '../src/arm/contract.js';
import {
  AKS_ID,
  ARC,
  ARC_ID,
  clusterPath,
  extensionBody,
  extensionPath,
  harness,
  INSECURE_INFERENCE,
  onboardingBody,
  RG,
  SUB,
  selfSigned,
} from './kubernetes-harness.js';

const CHECKER = resolve(process.cwd(), '../shared/tools/arm-contract-check');

function python(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    if (spawnSync(candidate, ['-c', 'import jsonschema'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

const py = existsSync(CHECKER) ? python() : undefined;

(py ? describe : describe.skip)('Kubernetes providers against the ARM contract', () => {
  it('answer every exchange of the scenario as the swagger declares', async () => {
    const h = harness();
    const lines: string[] = [];
    /** Lines (1-based) whose request is wrong on purpose: only their responses are checked. */
    const deliberate = new Set<number>();
    const exchange = async (method: HttpMethod, path: string, apiVersion: string, body?: unknown) => {
      const url = new URL(path, h.ctx.baseUrl);
      if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
      const result = await h.send(method, `${url.pathname}${url.search}`, body);
      lines.push(
        JSON.stringify({
          time: new Date(h.ctx.clock.now()).toISOString(),
          method,
          url: url.toString(),
          status: result.status,
          durationMs: 1,
          requestHeaders: { 'content-type': 'application/json' },
          requestBody: body ?? null,
          responseHeaders: { 'content-type': 'application/json', ...(result.headers ?? {}) },
          responseBody: result.body ?? null,
        }),
      );
      return result;
    };
    const arc = (method: HttpMethod, path: string, body?: unknown) => exchange(method, path, '2021-10-01', body);
    const ext = (method: HttpMethod, path: string, body?: unknown) => exchange(method, path, '2023-05-01', body);
    const { certPem, keyPem } = selfSigned('ml.contoso.com');

    // onboarding and the connected cluster's life
    await arc('GET', clusterPath());
    await arc('PUT', clusterPath(), onboardingBody({ identity: undefined }));
    deliberate.add(lines.length);
    await arc('PUT', clusterPath(), onboardingBody({ tags: { team: 'ml' } }));
    await arc('GET', clusterPath());
    await h.admin('POST', `/clusters/${ARC}/agents`, { running: true });
    h.ctx.clock.advance(h.ctx.delayMs('connectivity'));
    await arc('GET', clusterPath());
    await arc('PATCH', clusterPath(), { tags: { team: 'ml', env: 'ci' } });
    await arc('GET', `/subscriptions/${SUB}/resourcegroups/${RG}/providers/Microsoft.Kubernetes/connectedClusters`);
    await arc('GET', `/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters`);
    await arc('POST', `${clusterPath()}/listClusterUserCredential`, { authenticationMethod: 'AAD', clientProxy: true });
    await arc('POST', `${clusterPath()}/listClusterUserCredential`, {
      authenticationMethod: 'Token',
      clientProxy: false,
    });
    await arc('GET', '/providers/Microsoft.Kubernetes/operations');

    // extensions on the Arc cluster and on AKS
    const arcExt = extensionPath(ARC_ID);
    const settings = { ...INSECURE_INFERENCE, allowInsecureConnections: 'False', sslCname: 'ml.contoso.com' };
    await ext('PUT', extensionPath(`${ARC_ID}-missing`), extensionBody(INSECURE_INFERENCE));
    await ext('PUT', arcExt, extensionBody(settings, { sslCertPemFile: certPem, sslKeyPemFile: keyPem }));
    await ext('GET', `${arcExt}/operations/${h.ctx.operations.last!.id}`);
    await ext('GET', arcExt);
    await ext('PATCH', arcExt, { properties: { configurationSettings: { inferenceRouterHA: 'False' } } });
    await ext('PATCH', arcExt, { properties: { configurationSettings: { inferenceRouterHA: 'False' } } });
    await ext('GET', `${ARC_ID}/providers/Microsoft.KubernetesConfiguration/extensions`);
    await ext(
      'PUT',
      extensionPath(AKS_ID),
      extensionBody({ ...INSECURE_INFERENCE, inferenceRouterServiceType: 'Bogus' }),
    );
    await ext('GET', extensionPath(AKS_ID));
    await ext('GET', `${extensionPath(AKS_ID)}/operations/${h.ctx.operations.last!.id}`);
    await ext('DELETE', extensionPath(AKS_ID));
    await ext('DELETE', extensionPath(AKS_ID));
    await ext('DELETE', `${arcExt}?forceDelete=true`);

    await arc('DELETE', clusterPath());
    await arc('DELETE', clusterPath());

    const dir = mkdtempSync(join(tmpdir(), 'k8s-contract-'));
    const traffic = join(dir, 'traffic.jsonl');
    writeFileSync(traffic, `${lines.join('\n')}\n`);
    let output = '';
    try {
      output = execFileSync(py!, [CHECKER, '--json', traffic], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    const report = JSON.parse(output) as {
      violations: { line: number; where: string }[];
      unmatched: unknown[];
      summary: unknown;
    };
    expect(report.violations.filter((v) => !(v.where === 'request' && deliberate.has(v.line)))).toEqual([]);
    expect(report.unmatched).toEqual([]);
  });
});
