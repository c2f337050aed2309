// `arc-ml local up|down|status`: starts local Azure in the background (once), stops every process
// it started, and tells whether it runs and where.

import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { healthPid, type InstanceInfo, readInstance } from '../instance.js';
import { stateFiles } from '../state-dir.js';
import { type CliArgs, parseArgs } from './args.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** packages/local-azure/lib/cli → the repository root. */
const REPO_ROOT = resolve(HERE, '../../../..');
const DEFAULT_STATE_DIR = '.arc-ml/local';
const START_TIMEOUT_MS = 90_000;

const USAGE = `Usage: pnpm arc-ml local <command> [options]

Commands:
  up       start local Azure in the background (harmless when it already runs), print its endpoints
           and write DIR/env (source it to run actions by hand)
  down     stop local Azure and every process it started
  status   tell whether local Azure runs, and its endpoints (exit 0 running, 3 stopped)

Options:
  --state-dir DIR   where local Azure keeps its state (default: ${DEFAULT_STATE_DIR} in the repository)
  --config FILE     YAML or JSON config (up only; default: the built-in config)
  --port N          HTTPS port (up only; default 47443)
`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.err(`arc-ml: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [group, command, ...rest] = args.positional;
  if (args.help || !group) {
    io.out(USAGE);
    return args.help ? 0 : 2;
  }
  if (group !== 'local' || !command || rest.length > 0 || !['up', 'down', 'status'].includes(command)) {
    io.err(`arc-ml: unknown command "${args.positional.join(' ')}"\n\n${USAGE}`);
    return 2;
  }
  const base = process.env.INIT_CWD ?? process.cwd();
  const stateDir = args.stateDir
    ? isAbsolute(args.stateDir)
      ? args.stateDir
      : resolve(base, args.stateDir)
    : join(REPO_ROOT, DEFAULT_STATE_DIR);
  try {
    if (command === 'up') return await up(stateDir, args, base, io);
    if (command === 'down') return await down(stateDir, io);
    return await status(stateDir, io);
  } catch (error) {
    io.err(`arc-ml local ${command}: ${(error as Error).message}\n`);
    return 1;
  }
}

async function up(stateDir: string, args: CliArgs, base: string, io: CliIo): Promise<number> {
  const files = stateFiles(stateDir);
  const running = await runningInstance(stateDir);
  if (running) {
    io.out(`Local Azure already runs (pid ${running.pid}); nothing started.\n`);
    io.out(describe(running, stateDir));
    return 0;
  }
  await cleanUpStale(stateDir);
  mkdirSync(files.dir, { recursive: true });

  const daemon = join(HERE, 'daemon.js');
  const daemonArgs = [daemon, '--state-dir', files.dir];
  if (args.config) daemonArgs.push('--config', isAbsolute(args.config) ? args.config : resolve(base, args.config));
  if (args.port !== undefined) daemonArgs.push('--port', String(args.port));
  const log = openSync(files.log, 'a');
  const child = spawn(process.execPath, daemonArgs, { detached: true, stdio: ['ignore', log, log], env: process.env });
  closeSync(log);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = signal ? `was killed by ${signal}` : `exited with status ${code}`;
  });
  child.unref();

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit) {
      io.err(`Local Azure did not start: it ${exit}. Last lines of ${files.log}:\n${tail(files.log, 20)}\n`);
      return 1;
    }
    const info = readInstance(stateDir);
    if (info && info.pid === child.pid && (await healthPid(info.baseUrl, caPem(stateDir))) === child.pid) {
      io.out(`Local Azure started (pid ${info.pid}).\n`);
      io.out(describe(info, stateDir));
      return 0;
    }
    await sleep(100);
  }
  io.err(`Local Azure did not answer within ${START_TIMEOUT_MS / 1000} s; see ${files.log}\n`);
  return 1;
}

async function down(stateDir: string, io: CliIo): Promise<number> {
  const files = stateFiles(stateDir);
  const info = readInstance(stateDir);
  const daemonPid = info?.pid ?? readPid(files.pid);
  const azuritePid = readPid(files.azuritePid) ?? info?.azuritePid;
  const running = [
    ...(daemonPid && isOurs(daemonPid, 'daemon.js') ? [daemonPid] : []),
    ...(azuritePid && isOurs(azuritePid, 'azurite') ? [azuritePid] : []),
  ];
  // the daemon stops Azurite itself; whatever still runs afterwards (a crashed daemon's child) is stopped here
  for (const pid of running) await terminate(pid);
  const stopped = running.length;
  for (const file of [files.instance, files.pid, files.azuritePid]) rmSync(file, { force: true });
  io.out(
    stopped
      ? `Local Azure stopped (${stopped} process${stopped > 1 ? 'es' : ''}).\n`
      : 'Local Azure was not running.\n',
  );
  return 0;
}

async function status(stateDir: string, io: CliIo): Promise<number> {
  const running = await runningInstance(stateDir);
  if (!running) {
    io.out(`Local Azure is not running (state dir ${stateFiles(stateDir).dir}).\n`);
    return 3;
  }
  io.out(`Local Azure is running (pid ${running.pid}, since ${running.startedAt}).\n`);
  io.out(describe(running, stateDir));
  return 0;
}

/** The instance in `stateDir` when it is alive and answers as itself. */
async function runningInstance(stateDir: string): Promise<InstanceInfo | undefined> {
  const info = readInstance(stateDir);
  if (!info || !isAlive(info.pid)) return undefined;
  const ca = caPem(stateDir);
  return ca && (await healthPid(info.baseUrl, ca)) === info.pid ? info : undefined;
}

/** Stops what a crashed or killed instance left behind, so a new one can start. */
async function cleanUpStale(stateDir: string): Promise<void> {
  const files = stateFiles(stateDir);
  const info = readInstance(stateDir);
  const daemonPid = info?.pid ?? readPid(files.pid);
  if (daemonPid && isOurs(daemonPid, 'daemon.js')) await terminate(daemonPid);
  const azuritePid = readPid(files.azuritePid);
  if (azuritePid && isOurs(azuritePid, 'azurite')) await terminate(azuritePid);
  for (const file of [files.instance, files.pid, files.azuritePid]) rmSync(file, { force: true });
}

function describe(info: InstanceInfo, stateDir: string): string {
  const files = stateFiles(stateDir);
  const rows: [string, string][] = [
    ['Resource Manager', `${info.baseUrl}   (arm-endpoint input, AZURE_ARM_ENDPOINT)`],
    ['Cloud metadata', `${info.baseUrl}/metadata/endpoints?api-version=2022-09-01`],
    ['Entra ID', `${info.baseUrl}/${info.tenantId}`],
    ['GitHub OIDC issuer', `${info.baseUrl}/github`],
    ['Blob storage', info.blobEndpoint],
    ['Subscription', info.subscriptionId],
    ['Clusters', `${info.baseUrl}/kubernetes/{resourceGroup}/{cluster}   (kubeconfigs in ${files.kubeconfigs})`],
    ['az shim', `${join(files.bin, 'az')}   (first on PATH after source)`],
    ['CA certificate', `${files.ca}   (NODE_EXTRA_CA_CERTS=${files.caBundle})`],
    ['Traffic record', files.traffic],
    ['Log', files.log],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  return `${rows.map(([name, value]) => `  ${name.padEnd(width)}  ${value}`).join('\n')}\n\nUse it from a shell:  source ${files.env}\n`;
}

function caPem(stateDir: string): string {
  const file = stateFiles(stateDir).ca;
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `pid` is alive and (where /proc tells) runs our program; pids get reused. */
function isOurs(pid: number, marker: string): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync('/proc/self/cmdline')) return true;
  try {
    return readFileSync(cmdline, 'utf8').includes(marker);
  } catch {
    return false;
  }
}

async function terminate(pid: number, timeoutMs = 15_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

function tail(file: string, lines: number): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '(no log)';
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
