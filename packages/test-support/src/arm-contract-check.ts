// Runs ../shared/tools/arm-contract-check over recorded traffic: the official swagger is the
// judge of every ARM request the actions send and every answer local Azure gives.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './run-action-bundle.js';

export const CONTRACT_CHECKER = join(REPO_ROOT, '..', 'shared', 'tools', 'arm-contract-check');

export interface ContractCheckResult {
  readonly exitCode: number | null;
  /** The checker's text report: VIOLATION/UNMATCHED lines and the summary line. */
  readonly report: string;
  readonly summary: string;
}

/** True when ../shared (with the checker and the specs) sits beside the repository, as in CI. */
export function contractCheckerAvailable(): boolean {
  return existsSync(CONTRACT_CHECKER);
}

export function runArmContractCheck(trafficFile: string, extraArgs: readonly string[] = []): ContractCheckResult {
  const python = execFileSync('bash', [join(REPO_ROOT, 'scripts', 'python-with-jsonschema.sh')], {
    encoding: 'utf8',
  }).trim();
  const result = spawnSync(python, [CONTRACT_CHECKER, '--no-warnings', ...extraArgs, trafficFile], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const report = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  const summary = report.trim().split('\n').at(-1) ?? '';
  return { exitCode: result.status, report, summary };
}
