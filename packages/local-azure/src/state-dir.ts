// Where local Azure keeps what outlives one start: certificates, signing keys, tokens, the env
// file, kubeconfigs, the az shim, the traffic record, Azurite's data, and the pid/log files of
// `arc-ml local up`.

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export function stateFiles(stateDir: string) {
  const dir = resolve(stateDir);
  return {
    dir,
    ca: join(dir, 'ca.pem'),
    env: join(dir, 'env'),
    kubeconfig: join(dir, 'kubeconfig'),
    kubeconfigs: join(dir, 'kubeconfigs'),
    /** The az shim (`bin/az`), first on the env file's PATH. */
    bin: join(dir, 'bin'),
    /** The az shim's AZURE_CONFIG_DIR (clouds, sign-in, extensions). */
    azureConfig: join(dir, 'azure'),
    caBundle: join(dir, 'ca-bundle.pem'),
    traffic: join(dir, 'traffic.jsonl'),
    adminToken: join(dir, 'admin-token'),
    requestToken: join(dir, 'github-request-token'),
    signingKeys: join(dir, 'signing-keys.json'),
    azuriteData: join(dir, 'azurite'),
    azuriteLog: join(dir, 'azurite.log'),
    azuritePid: join(dir, 'azurite.pid'),
    pid: join(dir, 'local-azure.pid'),
    log: join(dir, 'local-azure.log'),
    instance: join(dir, 'instance.json'),
  };
}

export type StateFiles = ReturnType<typeof stateFiles>;

/** Writes a file readable only by its owner (unless `mode` says otherwise), atomically. */
export function writePrivateFile(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  chmodSync(temp, mode);
  renameSync(temp, path);
}

/** A random secret kept in `path`: read when present, created otherwise. */
export function persistentSecret(path: string, prefix: string): string {
  if (existsSync(path)) {
    const value = readFileSync(path, 'utf8').trim();
    if (value) return value;
  }
  const value = `${prefix}${randomBytes(24).toString('base64url')}`;
  writePrivateFile(path, `${value}\n`);
  return value;
}
