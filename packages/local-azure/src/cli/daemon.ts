// The background process `arc-ml local up` starts: runs local Azure until SIGTERM/SIGINT, then
// stops it (Azurite included) and removes its instance files.

import { rmSync } from 'node:fs';
import { DEFAULT_CONFIG } from '../config/default-config.js';
import { loadConfigFile, normalizeConfig } from '../config/load.js';
import { writeInstance } from '../instance.js';
import { startLocalAzure } from '../local-azure.js';
import { stateFiles } from '../state-dir.js';
import { parseArgs } from './args.js';
import { DEFAULT_BLOB_PORT, DEFAULT_HTTPS_PORT, isPortFree } from './ports.js';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const stateDir = args.stateDir;
  if (!stateDir) throw new Error('daemon: --state-dir is required');
  const config = args.config ? loadConfigFile(args.config) : normalizeConfig(DEFAULT_CONFIG);
  const port = args.port ?? config.ports?.https ?? DEFAULT_HTTPS_PORT;
  const wantedBlobPort = config.ports?.blob ?? DEFAULT_BLOB_PORT;
  const blobPort = (await isPortFree(wantedBlobPort)) ? wantedBlobPort : 0;

  const azure = await startLocalAzure({ stateDir, config, port, blobPort, startAzurite: true }).catch((error) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`port ${port} is in use by another program; choose another with --port N`);
    }
    throw error;
  });
  const files = stateFiles(stateDir);
  writeInstance(stateDir, {
    pid: process.pid,
    baseUrl: azure.baseUrl,
    blobEndpoint: azure.storage.blobEndpoint,
    ...(azure.childPids[0] ? { azuritePid: azure.childPids[0] } : {}),
    stateDir: files.dir,
    startedAt: new Date().toISOString(),
    tenantId: azure.tenantId,
    subscriptionId: azure.subscriptionId,
  });
  process.stdout.write(`local Azure listening at ${azure.baseUrl} (pid ${process.pid})\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping local Azure\n`);
    try {
      await azure.stop();
    } finally {
      rmSync(files.instance, { force: true });
      rmSync(files.pid, { force: true });
      process.exit(0);
    }
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void stop(signal));
}

main().catch((error: unknown) => {
  process.stderr.write(`local Azure failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
