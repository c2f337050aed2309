// A local Azure started in the background by `arc-ml local up`: what it wrote about itself in the
// state dir, and a way for tools and tests to use it (connectLocalAzure).

import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { AdminClient } from './admin-client.js';
import { stateFiles, writePrivateFile } from './state-dir.js';

export interface InstanceInfo {
  readonly pid: number;
  readonly baseUrl: string;
  readonly blobEndpoint: string;
  readonly azuritePid?: number;
  readonly stateDir: string;
  readonly startedAt: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
}

export function writeInstance(stateDir: string, info: InstanceInfo): void {
  writePrivateFile(stateFiles(stateDir).instance, `${JSON.stringify(info, null, 2)}\n`, 0o644);
  writePrivateFile(stateFiles(stateDir).pid, `${info.pid}\n`, 0o644);
}

export function readInstance(stateDir: string): InstanceInfo | undefined {
  const file = stateFiles(stateDir).instance;
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as InstanceInfo;
  } catch {
    return undefined;
  }
}

/** Asks a running instance for its health; answers its pid, or undefined when nothing answers. */
export function healthPid(baseUrl: string, caPem: string, timeoutMs = 2000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(new URL('/_admin/health', baseUrl), { ca: caPem, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: string; pid?: number };
          resolve(body.status === 'ok' ? body.pid : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
    req.end();
  });
}

export interface RunningLocalAzure {
  readonly info: InstanceInfo;
  readonly caPem: string;
  /** The variables of DIR/env. */
  readonly env: Readonly<Record<string, string>>;
  readonly admin: AdminClient;
}

/** Connects to the local Azure `arc-ml local up` runs in `stateDir`; throws when none answers. */
export async function connectLocalAzure(stateDir: string): Promise<RunningLocalAzure> {
  const files = stateFiles(stateDir);
  const info = readInstance(stateDir);
  if (!info || !existsSync(files.ca)) {
    throw new Error(`no local Azure in ${files.dir}; start one with: pnpm arc-ml local up --state-dir ${stateDir}`);
  }
  const caPem = readFileSync(files.ca, 'utf8');
  const pid = await healthPid(info.baseUrl, caPem);
  if (pid !== info.pid) {
    throw new Error(`local Azure in ${files.dir} does not answer at ${info.baseUrl}; run: pnpm arc-ml local up`);
  }
  return {
    info,
    caPem,
    env: parseEnvFile(readFileSync(files.env, 'utf8')),
    admin: new AdminClient(info.baseUrl, readFileSync(files.adminToken, 'utf8').trim(), caPem),
  };
}

/**
 * Reads the `export NAME=…` lines of an env file as a shell would: '…' values as they are, "…"
 * values with their escapes undone and `$NAME` / `${NAME}` taken from `inherited` (PATH's line
 * puts the az shim's folder in front of `$PATH`).
 */
export function parseEnvFile(text: string, inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) continue;
    const raw = match[2];
    env[match[1]] = /^".*"$/.test(raw)
      ? raw
          .slice(1, -1)
          .replace(
            /\\([\\"$`])|\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g,
            (_all, escaped?: string, braced?: string, bare?: string) =>
              escaped ?? inherited[braced ?? bare ?? ''] ?? '',
          )
      : raw.replace(/^'|'$/g, '').replaceAll(`'\\''`, "'");
  }
  return env;
}
