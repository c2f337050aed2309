export interface CliArgs {
  readonly positional: readonly string[];
  readonly stateDir?: string;
  readonly config?: string;
  readonly port?: number;
  readonly help: boolean;
}

/** Parses `--state-dir DIR`, `--config FILE`, `--port N` (also `--name=value`) and `--help`. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [name = '', inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!['state-dir', 'config', 'port'].includes(name)) {
      throw new UsageError(`unknown option --${name} (options: --state-dir DIR, --config FILE, --port N)`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    values[name] = value;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--port: "${values.port}" is not a port number (0–65535)`);
    }
  }
  return {
    positional,
    help,
    ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
    ...(values.config ? { config: values.config } : {}),
    ...(port === undefined ? {} : { port }),
  };
}

export class UsageError extends Error {
  override name = 'UsageError';
}
