#!/usr/bin/env node
// Local Azure's `az`: the commands the Arc ML actions run, against local Azure (or any cloud that
// speaks the same protocols). Exit codes as az: 0 success, 1 a command that failed, 2 a usage error.
// writeAzShim() (index.ts) puts an `az` launcher for this module on a PATH directory.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { CliError, splitCommand, UsageError } from './args.js';
import { type AzIo, COMMANDS, versionText } from './commands.js';

export async function runAz(argv: readonly string[], io: AzIo): Promise<number> {
  const { words, rest } = splitCommand(argv);
  if (words.length === 0) {
    if (rest.includes('--version') || rest.includes('-v')) {
      io.out(versionText(io.env));
      return 0;
    }
    io.err('ERROR: the following arguments are required: command\n');
    return 2;
  }
  const command = COMMANDS.get(words.join(' '));
  if (!command) {
    if (words[0] === 'connectedk8s') {
      io.err(`ERROR: 'connectedk8s ${words.slice(1).join(' ')}' is misspelled or not recognized by the system.\n`);
      return 2;
    }
    io.err(
      `ERROR: '${words.join(' ')}' is misspelled or not recognized by the system (local Azure's az shim implements: ${[...COMMANDS.keys()].join(', ')}).\n`,
    );
    return 2;
  }
  if (words[0] === 'connectedk8s') {
    const { AzProfile } = await import('./profile.js');
    if (!new AzProfile(io.env).extensionVersion('connectedk8s')) {
      io.err(
        "ERROR: The command requires the extension connectedk8s. To install, run 'az extension add -n connectedk8s'.\n",
      );
      return 2;
    }
  }
  try {
    await command(rest, io);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`ERROR: ${error.message}\n`);
      return 2;
    }
    if (error instanceof CliError) {
      io.err(`ERROR: ${error.message}\n`);
      return 1;
    }
    io.err(
      `ERROR: The command failed with an unexpected error. Here is the traceback:\n${(error as Error)?.stack ?? String(error)}\n`,
    );
    return 1;
  }
}

function isMainModule(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

const isMain = isMainModule();
if (isMain) {
  const code = await runAz(process.argv.slice(2), {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exitCode = code;
}
