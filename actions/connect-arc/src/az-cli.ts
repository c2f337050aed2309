// Running the Azure CLI: a small interface (tests pass a fake) and its implementation over
// @actions/exec. Commands run silently — @actions/exec would echo the command line with its
// secrets — and we print our own line with secret arguments as ***; output lines are passed on,
// redacted, when asked. A failed command becomes an ActionError naming the step.

import { getExecOutput } from '@actions/exec';
import { ActionError, type Logger, redact } from '@arc-ml/actions-kit';

/** An argument that must never be printed (a token). */
export interface SecretArg {
  readonly secret: string;
}

export type AzArg = string | SecretArg;

export interface AzCommand {
  /** What this command does, for the log and errors: `sign the Azure CLI in`. */
  readonly step: string;
  readonly args: readonly AzArg[];
  /** Pass its output lines to the log as they come (long commands). */
  readonly stream?: boolean;
}

export interface AzResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AzCli {
  /** Runs `az …` with `env` as its whole environment; resolves with any exit code. */
  run(command: AzCommand, env: Readonly<Record<string, string>>): Promise<AzResult>;
}

export function argText(arg: AzArg): string {
  return typeof arg === 'string' ? arg : arg.secret;
}

/** The values of a command's secret arguments. */
export function secretArgs(command: AzCommand): string[] {
  return command.args.filter((a): a is SecretArg => typeof a !== 'string').map((a) => a.secret);
}

/** `az login … --federated-token ***`: the command line as it may be printed. */
export function printable(command: AzCommand): string {
  return ['az', ...command.args.map((arg) => (typeof arg === 'string' ? quoteArg(arg) : '***'))].join(' ');
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** The real CLI through @actions/exec; `secrets` are redacted from everything printed or thrown. */
export function execAzCli(log: Pick<Logger, 'info'>, secrets: () => readonly string[]): AzCli {
  return {
    async run(command, env) {
      const all = () => [...secrets(), ...secretArgs(command)];
      log.info(`[command]${printable(command)}`);
      const pass = (line: string) => {
        if (command.stream && line.trim() !== '') log.info(redact(line, all()));
      };
      try {
        return await getExecOutput('az', command.args.map(argText), {
          env: { ...env },
          silent: true,
          ignoreReturnCode: true,
          listeners: { stdline: pass, errline: pass },
        });
      } catch (error) {
        const message = redact((error as Error).message ?? String(error), all());
        if (/Unable to locate executable file/i.test(message)) {
          throw new ActionError(
            'the Azure CLI (az) is not installed on this runner, and onboarding runs az connectedk8s connect',
            {
              hint: 'GitHub-hosted Ubuntu and Windows runners have it. On a self-hosted runner install it first: https://learn.microsoft.com/cli/azure/install-azure-cli-linux',
              cause: error,
            },
          );
        }
        throw new ActionError(`${command.step} failed: could not run ${printable(command)}: ${message}`);
      }
    },
  };
}

/** Runs a command that must succeed; a non-zero exit is an ActionError with the last lines of stderr. */
export async function runOrFail(
  az: AzCli,
  command: AzCommand,
  env: Readonly<Record<string, string>>,
  options: { hint: string; secrets: readonly string[] },
): Promise<AzResult> {
  const result = await az.run(command, env);
  if (result.exitCode === 0) return result;
  const secrets = [...options.secrets, ...secretArgs(command)];
  throw new ActionError(
    `${command.step} failed: \`${printable(command)}\` exited with code ${result.exitCode}${tail(result.stderr, secrets)}`,
    { hint: options.hint },
  );
}

/** The last lines of a command's error output, redacted, as an indented block. */
export function tail(stderr: string, secrets: readonly string[], lines = 15): string {
  const kept = redact(stderr, secrets)
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-lines);
  return kept.length === 0 ? '' : `:\n${kept.map((line) => `  ${line}`).join('\n')}`;
}
