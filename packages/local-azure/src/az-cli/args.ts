// The az command line as the real CLI reads it: command words first, then options (`--name x`,
// `--name=x`, `-n x`), flags without a value, and list options that take every following value
// up to the next option (`--tags a=b c=d`). Mistakes are usage errors (exit code 2), as in az.

/** A usage mistake: az prints it and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A command that ran and failed: az prints `ERROR: …` and exits with 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export interface OptionSpec {
  /** Long name first (`--resource-group`), then aliases (`-g`). */
  readonly names: readonly string[];
  readonly kind: 'value' | 'flag' | 'list';
  readonly required?: boolean;
}

export interface ParsedOptions {
  value(name: string): string | undefined;
  flag(name: string): boolean;
  list(name: string): readonly string[];
}

/** Options every az command accepts. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { names: ['--output', '-o'], kind: 'value' },
  { names: ['--only-show-errors'], kind: 'flag' },
  { names: ['--debug'], kind: 'flag' },
  { names: ['--verbose'], kind: 'flag' },
];

/** Splits the leading command words (`connectedk8s connect`) from the options. */
export function splitCommand(argv: readonly string[]): { words: string[]; rest: string[] } {
  const index = argv.findIndex((arg) => arg.startsWith('-'));
  const end = index < 0 ? argv.length : index;
  return { words: argv.slice(0, end), rest: argv.slice(end) };
}

export function parseOptions(args: readonly string[], specs: readonly OptionSpec[]): ParsedOptions {
  const all = [...specs, ...GLOBAL_OPTIONS];
  const byName = new Map<string, OptionSpec>();
  for (const spec of all) for (const name of spec.names) byName.set(name, spec);
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const lists = new Map<string, string[]>();
  const unrecognized: string[] = [];

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals > 0 ? arg.slice(0, equals) : arg;
    const spec = byName.get(name);
    if (!spec) {
      unrecognized.push(arg);
      continue;
    }
    const key = spec.names[0]!;
    if (spec.kind === 'flag') {
      flags.add(key);
      continue;
    }
    if (spec.kind === 'list') {
      const items = lists.get(key) ?? [];
      if (equals > 0) items.push(arg.slice(equals + 1));
      while (i + 1 < args.length && !args[i + 1]!.startsWith('-')) items.push(args[++i]!);
      lists.set(key, items);
      continue;
    }
    const value = equals > 0 ? arg.slice(equals + 1) : args[++i];
    if (value === undefined) throw new UsageError(`argument ${spec.names.join('/')}: expected one argument`);
    values.set(key, value);
  }
  if (unrecognized.length > 0) throw new UsageError(`unrecognized arguments: ${unrecognized.join(' ')}`);
  const missing = specs.filter((s) => s.required && !values.has(s.names[0]!) && !lists.has(s.names[0]!));
  if (missing.length > 0) {
    throw new UsageError(`the following arguments are required: ${missing.map((s) => s.names.join('/')).join(', ')}`);
  }
  return {
    value: (name) => values.get(name),
    flag: (name) => flags.has(name),
    list: (name) => lists.get(name) ?? [],
  };
}
