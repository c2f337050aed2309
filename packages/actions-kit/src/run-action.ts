import * as core from '@actions/core';
import { actionsLogger, type Logger } from './log.js';
import { reportAnnotation, SourceError } from './yaml-document.js';

/** An expected failure with advice: `throw new ActionError('no such workspace', { hint: 'check …' })`. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
  }
}

/** What runAction reports through. */
export interface RunActionIO {
  readonly log: Logger;
  /** Fails the step: an error annotation plus a non-zero exit code. */
  setFailed(message: string): void;
}

export function actionsRunIO(): RunActionIO {
  return { log: actionsLogger(), setFailed: (message) => core.setFailed(message) };
}

/**
 * Runs an action's `run()` and owns the one catch: any thrown value becomes `setFailed("<name>: <message>")`,
 * with a `hint: …` line when the error carries one, an annotation at the file and line for a SourceError,
 * and the stack only in the debug log. Never throws; resolves true when `run()` succeeded.
 */
export async function runAction(name: string, run: () => unknown, io: RunActionIO = actionsRunIO()): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (thrown) {
    try {
      reportFailure(name, thrown, io);
    } catch {
      process.exitCode = 1;
    }
    return false;
  }
}

function reportFailure(name: string, thrown: unknown, io: RunActionIO): void {
  const message = errorMessage(thrown);
  const hint = hintOf(thrown);
  const prefixed = message.startsWith(`${name}: `) ? message : `${name}: ${message}`;
  if (thrown instanceof SourceError && thrown.isFile) reportAnnotation(thrown, io.log, name);
  for (const stack of stacks(thrown)) io.log.debug(stack);
  io.setFailed(hint ? `${prefixed}\nhint: ${hint}` : prefixed);
}

/**
 * A one-line account of any thrown value: its message, then what each cause down the chain adds
 * (`fetch failed: connect ECONNREFUSED …`). A cause whose message is already in what was said is left
 * out, so a wrapper that repeats its cause (`reading x failed: <cause>`) says it once at any depth; so is
 * the cause of an error that wrote its message from it (`messageIncludesCause: true`, as ARM errors
 * explained by @arc-ml/azure do). An AggregateError lists its errors. Stacks are not part of it.
 */
export function errorMessage(thrown: unknown): string {
  let message = ownMessage(thrown);
  const seen = new Set<unknown>([thrown]);
  let current = thrown;
  for (let depth = 0; depth < MAX_CAUSES && current instanceof Error; depth++) {
    const { cause } = current;
    if (cause === undefined || seen.has(cause)) break;
    seen.add(cause);
    const told = includesCause(current);
    current = cause;
    if (told) continue;
    const text = ownMessage(cause).trim();
    if (text !== '' && !message.includes(text)) message += `: ${text}`;
  }
  return message;
}

const MAX_CAUSES = 8;

/** An error that wrote its message from its cause says so; its cause then adds nothing a person needs. */
function includesCause(error: Error): boolean {
  return (error as { messageIncludesCause?: unknown }).messageIncludesCause === true;
}

/** The value's own message, without its causes. */
function ownMessage(thrown: unknown): string {
  if (thrown instanceof Error) {
    const message = thrown.message || thrown.name;
    if (thrown instanceof AggregateError && thrown.errors.length > 0) {
      return `${message}: ${thrown.errors.map(errorMessage).join('; ')}`;
    }
    return message;
  }
  if (typeof thrown === 'string') return thrown;
  if (typeof thrown === 'object' && thrown !== null && typeof (thrown as { message?: unknown }).message === 'string') {
    return (thrown as { message: string }).message;
  }
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

/** The `hint` a thrown value carries (InputError, ActionError, SourceError, or any error with one). */
export function hintOf(thrown: unknown): string | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const hint = (thrown as { hint?: unknown }).hint;
  return typeof hint === 'string' && hint.trim() !== '' ? hint : undefined;
}

function stacks(thrown: unknown): string[] {
  const result: string[] = [];
  let current: unknown = thrown;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    result.push(`${depth === 0 ? '' : 'caused by: '}${current.stack ?? current.message}`);
    current = current.cause;
  }
  return result;
}
