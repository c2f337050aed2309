/**
 * Fakes for action unit tests: `import { fakeActionIO } from '@arc-ml/actions-kit/testing'`.
 * They record what an action did so a test can assert on it; nothing global is touched.
 */

import { actionInputs, recordInputSource } from './inputs.js';
import type { ActionIO } from './io.js';
import type { Logger } from './log.js';
import { formatOutput, type Outputs, type OutputValue } from './outputs.js';
import type { Clock } from './progress.js';
import type { RunActionIO } from './run-action.js';
import { redact, secretParts } from './secrets.js';
import type { StateStore } from './state.js';
import type { SummarySink } from './summary.js';
import type { Annotation } from './yaml-document.js';

export type LogLevel = 'info' | 'warning' | 'error' | 'debug' | 'group' | 'endgroup';

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly annotation?: Annotation;
}

export interface FakeLogger extends Logger {
  /** Every line in order, with secrets already replaced by `***` as the runner would. */
  readonly lines: LogLine[];
  /** Messages of one level (all levels when omitted). */
  messages(level?: LogLevel): string[];
}

/** A Logger that records lines; `secrets` (live, may grow) are redacted as the runner masks them. */
export function fakeLogger(secrets: readonly string[] = []): FakeLogger {
  const lines: LogLine[] = [];
  const record = (level: LogLevel, message: string, annotation?: Annotation) => {
    const text = redact(message, secrets);
    lines.push(annotation === undefined ? { level, message: text } : { level, message: text, annotation });
  };
  return {
    lines,
    messages: (level) => lines.filter((line) => level === undefined || line.level === level).map((l) => l.message),
    info: (message) => record('info', message),
    warning: (message, annotation) => record('warning', message, annotation),
    error: (message, annotation) => record('error', message, annotation),
    debug: (message) => record('debug', message),
    async group(name, fn) {
      record('group', name);
      try {
        return await fn();
      } finally {
        record('endgroup', name);
      }
    },
  };
}

export interface FakeOutputs extends Outputs {
  /** Values as the action passed them (undefined and null left out). */
  readonly values: Record<string, OutputValue>;
  /** The strings GitHub would see. */
  readonly text: Record<string, string>;
}

export function fakeOutputs(): FakeOutputs {
  const values: Record<string, OutputValue> = {};
  const text: Record<string, string> = {};
  return {
    values,
    text,
    set(newValues) {
      for (const [name, value] of Object.entries(newValues)) {
        const formatted = formatOutput(value);
        if (formatted === undefined) continue;
        values[name] = value;
        text[name] = formatted;
      }
    },
  };
}

export interface FakeSummarySink extends SummarySink {
  /** Everything appended so far. */
  markdown: string;
}

export function fakeSummary(): FakeSummarySink {
  const sink: FakeSummarySink = {
    markdown: '',
    async append(markdown) {
      sink.markdown += markdown;
    },
  };
  return sink;
}

export interface FakeStateStore extends StateStore {
  /** Raw saved strings (JSON for typed keys). */
  readonly values: Map<string, string>;
}

export function fakeStateStore(initial: Readonly<Record<string, string>> = {}): FakeStateStore {
  const values = new Map(Object.entries(initial));
  return {
    values,
    save: (name, value) => {
      values.set(name, value);
    },
    load: (name) => values.get(name) || undefined,
  };
}

/** A clock that moves only when told to. */
export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(start = 0): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
  };
}

export interface FakeActionIO extends ActionIO, RunActionIO {
  readonly log: FakeLogger;
  readonly outputs: FakeOutputs;
  readonly summary: FakeSummarySink;
  readonly state: FakeStateStore;
  /** Every string registered as a secret (whole values and lines of multi-line ones). */
  readonly masked: string[];
  /** What runAction failed the step with, if it did. */
  readonly failures: string[];
}

export interface FakeActionIOOptions {
  /** Input values by name, as in a step's `with:`. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** Base for relative file paths in inputs (defaults to the current directory). */
  readonly workspace?: string;
  /** State saved by an earlier (main) step, for testing a post step. */
  readonly state?: Readonly<Record<string, string>>;
}

/** A complete fake ActionIO; also usable as runAction's io. */
export function fakeActionIO(options: FakeActionIOOptions = {}): FakeActionIO {
  const masked: string[] = [];
  const failures: string[] = [];
  return {
    inputs: actionInputs(recordInputSource(options.inputs ?? {}), { workspace: options.workspace ?? process.cwd() }),
    log: fakeLogger(masked),
    outputs: fakeOutputs(),
    summary: fakeSummary(),
    state: fakeStateStore(options.state),
    masked,
    failures,
    mask(value) {
      for (const part of secretParts(value)) if (!masked.includes(part)) masked.push(part);
    },
    setFailed(message) {
      failures.push(redact(message, masked));
    },
  };
}
