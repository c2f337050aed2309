// Azurite's blob service as a child process over HTTPS (the local CA's server certificate), with
// its data in the state dir. Stopped with local Azure; its pid is kept so `down` can stop it even
// when the process that started it died.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { BlobStorage } from './arm/contract.js';
import type { StateFiles } from './state-dir.js';

/** Azurite's well-known development account. */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export function blobStorage(port: number, caPem?: string): BlobStorage {
  return {
    blobEndpoint: `https://127.0.0.1:${port}/${DEV_ACCOUNT}`,
    accountName: DEV_ACCOUNT,
    accountKey: DEV_ACCOUNT_KEY,
    ...(caPem ? { caPem } : {}),
  };
}

export interface AzuriteProcess {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  readonly files: StateFiles;
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly caPem: string;
  readonly timeoutMs?: number;
}

export async function startAzurite(options: AzuriteOptions): Promise<AzuriteProcess> {
  const port = options.port || (await freePort());
  const main = join(dirname(createRequire(import.meta.url).resolve('azurite/package.json')), 'dist/src/blob/main.js');
  const log = openSync(options.files.azuriteLog, 'a');
  const child = spawn(
    process.execPath,
    [
      main,
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--location',
      options.files.azuriteData,
      '--cert',
      options.certFile,
      '--key',
      options.keyFile,
      '--skipApiVersionCheck',
      '--loose',
      '--disableProductStyleUrl',
      '--disableTelemetry',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error('Azurite did not start (no process id)');
  writeFileSync(options.files.azuritePid, `${pid}\n`);

  try {
    await waitUntilServing(child, port, options.caPem, options.timeoutMs ?? 30_000);
  } catch (error) {
    await stopChild(child);
    rmSync(options.files.azuritePid, { force: true });
    const tail = existsSync(options.files.azuriteLog)
      ? readFileSync(options.files.azuriteLog, 'utf8').split('\n').slice(-15).join('\n')
      : '';
    throw new Error(`Azurite did not start on port ${port}: ${(error as Error).message}\n${tail}`);
  }
  return {
    port,
    pid,
    stop: async () => {
      await stopChild(child);
      rmSync(options.files.azuritePid, { force: true });
    },
  };
}

async function waitUntilServing(child: ChildProcess, port: number, ca: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}`;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (await answers(port, ca)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer within ${timeoutMs} ms`);
}

function answers(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, path: `/${DEV_ACCOUNT}?comp=list`, method: 'GET', ca, timeout: 1000 },
      (res) => {
        res.resume();
        resolve(true);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
