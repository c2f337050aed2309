// Runs a built action the way the GitHub runner does: a node process with INPUT_* variables (the
// step's inputs over action.yml's defaults) and the GITHUB_OUTPUT / GITHUB_STATE /
// GITHUB_STEP_SUMMARY files, then reads what it wrote.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface ActionRunOptions {
  /** Action folder name under actions/, e.g. 'connect-arc'. */
  readonly action: string;
  /** Inputs by their action.yml names; each becomes INPUT_<NAME>. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Extra environment (e.g. local Azure's env file values). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** 'main' runs dist/index.js, 'post' runs dist/post.js with the state the main step saved. */
  readonly entry?: 'main' | 'post';
  /** State saved by an earlier main run, for a post run. */
  readonly state?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Folder holding actions/<action>; the repository by default (tests of this harness use their own). */
  readonly root?: string;
  /** Receives the log as it is written, for callers that show a long step live (the pipeline). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

export interface Annotation {
  readonly level: 'error' | 'warning' | 'notice';
  readonly message: string;
  readonly properties: Readonly<Record<string, string>>;
}

export interface ActionRunResult {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly state: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly annotations: readonly Annotation[];
  /** The failure message set by core.setFailed, if any. */
  readonly failure?: string;
  /**
   * Inputs the step did not give whose action.yml default is a `${{ }}` expression: the runner
   * would evaluate it, this harness cannot, so their INPUT_ variable is not set at all.
   */
  readonly unevaluatedDefaults: readonly string[];
}

export interface RunnerInputs {
  /** INPUT_<NAME> → value, as the runner sets them for the step. */
  readonly environment: Readonly<Record<string, string>>;
  /** See ActionRunResult.unevaluatedDefaults. */
  readonly unevaluatedDefaults: readonly string[];
}

/**
 * The INPUT_ variables the runner sets for a step: every input action.yml declares gets one — the
 * step's value, else the declared `default:` (as written: action.yml scalars are strings to the
 * runner, so `default: 1.0` stays "1.0"), else ''. A default with a `${{ }}` expression is left
 * unset and reported. An input the step gives that action.yml does not declare is an error here
 * (the runner only warns "Unexpected input(s)", but the action would never see it documented).
 */
export function runnerInputs(actionYml: string, given: Readonly<Record<string, string>> = {}): RunnerInputs {
  const manifest = parse(actionYml, { schema: 'failsafe' }) as { inputs?: Record<string, unknown> } | null;
  const declared = manifest?.inputs ?? {};
  const unexpected = Object.keys(given).filter((name) => !Object.hasOwn(declared, name));
  if (unexpected.length) {
    throw new Error(
      `Unexpected input(s) ${unexpected.map((n) => `'${n}'`).join(', ')}; action.yml declares ${Object.keys(declared).join(', ') || 'none'}`,
    );
  }
  const environment: Record<string, string> = {};
  const unevaluatedDefaults: string[] = [];
  for (const [name, metadata] of Object.entries(declared)) {
    const value = Object.hasOwn(given, name) ? given[name] : defaultOf(metadata);
    if (value === undefined) continue;
    if (!Object.hasOwn(given, name) && value.includes('${{')) {
      unevaluatedDefaults.push(name);
      continue;
    }
    environment[inputVariable(name)] = value;
  }
  return { environment, unevaluatedDefaults };
}

function defaultOf(metadata: unknown): string {
  if (metadata && typeof metadata === 'object' && 'default' in metadata) {
    const value = (metadata as { default: unknown }).default;
    if (typeof value === 'string') return value;
    throw new Error(`an input's default must be a scalar, got ${JSON.stringify(value)}`);
  }
  return '';
}

/** The variables a hosted runner sets that the actions read; never the parent's INPUT_* or GITHUB_*. */
function baseEnvironment(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'NODE_EXTRA_CA_CERTS', 'SystemRoot'];
  const env: Record<string, string> = {};
  for (const name of keep) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

export async function runActionBundle(options: ActionRunOptions): Promise<ActionRunResult> {
  const actionDir = join(options.root ?? REPO_ROOT, 'actions', options.action);
  const inputs = runnerInputs(readFileSync(join(actionDir, 'action.yml'), 'utf8'), options.inputs);
  const work = mkdtempSync(join(tmpdir(), `run-${options.action}-`));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
    GITHUB_ENV: join(work, 'env'),
    GITHUB_PATH: join(work, 'path'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');

  const env: Record<string, string> = {
    ...baseEnvironment(),
    ...files,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: REPO_ROOT,
    GITHUB_REPOSITORY: 'arc-ml/arc-ml-actions',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
    RUNNER_TEMP: work,
    RUNNER_OS: 'Linux',
  };
  for (const [name, value] of Object.entries(options.env ?? {})) if (value !== undefined) env[name] = value;
  Object.assign(env, inputs.environment);
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;

  const script = join(actionDir, 'dist', options.entry === 'post' ? 'post.js' : 'index.js');
  try {
    const { exitCode, stdout, stderr } = await runNode(script, env, options.timeoutMs ?? 120_000, options.onOutput);
    const annotations = parseAnnotations(stdout);
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
      state: parseFileCommands(readFileSync(files.GITHUB_STATE, 'utf8')),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
      annotations,
      failure:
        exitCode === 0 ? undefined : annotations.find((a) => a.level === 'error' && !a.properties['file'])?.message,
      unevaluatedDefaults: inputs.unevaluatedDefaults,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The log a person reads: stdout without the `::add-mask::` commands (the only lines a secret may be on). */
export function visibleLog(result: Pick<ActionRunResult, 'stdout'>): string {
  return result.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** INPUT_ name exactly as @actions/core looks it up: spaces become underscores, upper case. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

function runNode(
  script: string,
  env: Record<string, string>,
  timeoutMs: number,
  onOutput?: ActionRunOptions['onOutput'],
) {
  return new Promise<{ exitCode: number | null; stdout: string; stderr: string }>((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      onOutput?.('stdout', chunk.toString());
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      onOutput?.('stderr', chunk.toString());
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolvePromise({ exitCode, stdout, stderr });
    });
  });
}

/** Parses `name<<delimiter\nvalue\ndelimiter` blocks (and legacy `name=value` lines) of GITHUB_OUTPUT/STATE. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc as unknown as [string, string, string];
      const body: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '');
      values[name] = body.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      values[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return values;
}

/** Reads `::error file=a,line=1::message` workflow commands from stdout. */
export function parseAnnotations(stdout: string): Annotation[] {
  const found: Annotation[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').trim().split(',').filter(Boolean)) {
      const at = pair.indexOf('=');
      properties[pair.slice(0, at)] = unescapeProperty(pair.slice(at + 1));
    }
    found.push({ level: match[1] as Annotation['level'], message: unescapeData(match[3] ?? ''), properties });
  }
  return found;
}

function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(value: string): string {
  return unescapeData(value).replace(/%3A/g, ':').replace(/%2C/g, ',');
}
