// The Shared Key signed container creation against a real Azurite (plain HTTP, in memory), and
// the account-URL convention of local Azure's AzureBlob datastores.

import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accountUrl, createContainer, datastoreEndpoint } from '../src/providers/machine-learning/index.js';
import { sharedKey } from '../src/providers/machine-learning/storage.js';
import { STORAGE } from './machine-learning-harness.js';

/** Azurite's blob server: a dependency of local Azure, so always installed (never a reason to skip). */
function azuriteMain(): string {
  const require = createRequire(fileURLToPath(new URL('../package.json', import.meta.url)));
  return join(dirname(require.resolve('azurite/package.json')), 'dist/src/blob/main.js');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(`http://127.0.0.1:${port}/devstoreaccount1?comp=list`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`Azurite did not listen on ${port} within ${timeoutMs} ms`);
}

const main = azuriteMain();

describe('Shared Key container creation against Azurite', () => {
  let child: ChildProcess | undefined;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    child = spawn(
      process.execPath,
      [
        main,
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
        '--inMemoryPersistence',
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--silent',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(port, 20_000);
  });

  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill();
    await exited;
  });

  it('creates a container, accepts an existing one, and is refused with a wrong key', async () => {
    const storage = { ...STORAGE, blobEndpoint: `http://127.0.0.1:${port}/devstoreaccount1` };
    await createContainer(storage, 'azureml-blobstore-test');
    await createContainer(storage, 'azureml-blobstore-test');
    const wrongKey = { ...storage, accountKey: Buffer.from('not the key').toString('base64') };
    await expect(createContainer(wrongKey, 'other')).rejects.toThrow(/answered 403/);
    const properties = async (container: string) => {
      const url = new URL(`${storage.blobEndpoint}/${container}?restype=container`);
      const headers: Record<string, string> = { 'x-ms-date': new Date().toUTCString(), 'x-ms-version': '2021-10-04' };
      headers['authorization'] = sharedKey(storage, 'GET', url, headers);
      const response = await fetch(url, { headers });
      await response.body?.cancel();
      return response.status;
    };
    expect(await properties('azureml-blobstore-test')).toBe(200);
    expect(await properties('other')).toBe(404);
  });
});

describe('AzureBlob datastore endpoint convention', () => {
  it.each([
    [
      { accountName: 'devstoreaccount1', endpoint: '127.0.0.1:47444', protocol: 'https' },
      'https://127.0.0.1:47444/devstoreaccount1',
    ],
    [
      { accountName: 'devstoreaccount1', endpoint: 'localhost:10000', protocol: 'http' },
      'http://localhost:10000/devstoreaccount1',
    ],
    [
      { accountName: 'mlstore', endpoint: 'core.windows.net', protocol: 'https' },
      'https://mlstore.blob.core.windows.net',
    ],
    [
      { accountName: 'hub', endpoint: 'local.azurestack.external', protocol: 'https' },
      'https://hub.blob.local.azurestack.external',
    ],
  ])('builds the account URL of %o', (datastore, url) => {
    expect(accountUrl(datastore)).toBe(url);
  });

  it('describes the storage local Azure runs as host:port and protocol', () => {
    expect(datastoreEndpoint(STORAGE)).toEqual({ endpoint: '127.0.0.1:47444', protocol: 'https' });
  });
});
