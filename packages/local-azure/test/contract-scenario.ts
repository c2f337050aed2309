// A scenario driven straight through resource providers (no HTTP), recorded as the traffic lines
// ../shared/tools/arm-contract-check reads, then checked against the official swagger. Requests
// that leave the contract on purpose are marked: only their responses must follow it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpMethod } from '../src/arm/contract.js';
import type { DispatchResult, TestContext } from '../src/providers/test-context.js';
import { type ContractFinding, contractCheck } from './local-azure-support.js';

export interface ScenarioHarness {
  readonly ctx: TestContext;
  send(method: HttpMethod, path: string, body?: unknown): Promise<DispatchResult>;
}

export class RecordedScenario {
  readonly lines: string[] = [];
  /** Lines (1-based) whose request is wrong on purpose. */
  readonly #deliberate = new Set<number>();

  constructor(private readonly h: ScenarioHarness) {}

  /** Sends a request (with `apiVersion` unless the path has one) and records the exchange. */
  async send(
    method: HttpMethod,
    path: string,
    apiVersion: string,
    body?: unknown,
    wrongOnPurpose = false,
  ): Promise<DispatchResult> {
    const url = new URL(path, this.h.ctx.baseUrl);
    if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', apiVersion);
    const result = await this.h.send(method, `${url.pathname}${url.search}`, body);
    this.lines.push(
      JSON.stringify({
        time: new Date(this.h.ctx.clock.now()).toISOString(),
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
    if (wrongOnPurpose) this.#deliberate.add(this.lines.length);
    return result;
  }

  /** The checker's findings, but for the requests sent wrong on purpose. */
  check(): { violations: ContractFinding[]; unmatched: ContractFinding[] } {
    const dir = mkdtempSync(join(tmpdir(), 'contract-scenario-'));
    try {
      const traffic = join(dir, 'traffic.jsonl');
      writeFileSync(traffic, `${this.lines.join('\n')}\n`);
      const report = contractCheck(traffic);
      if (!report) throw new Error('the contract checker is not available');
      return {
        violations: report.violations.filter((v) => !(v.where === 'request' && this.#deliberate.has(v.line))),
        unmatched: report.unmatched,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
