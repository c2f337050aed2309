import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { type PositionedDocument, parseYaml } from './yaml-document.js';

/** A bad input value. The message names the input: `input "enable-training": "ture" is not a boolean; …`. */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly input: string;
  readonly hint: string | undefined;

  constructor(input: string, problem: string, options: { hint?: string; cause?: unknown } = {}) {
    super(`input "${input}": ${problem}`, { cause: options.cause });
    this.input = input;
    this.hint = options.hint;
  }
}

/** Where raw input strings come from. */
export interface InputSource {
  /** The trimmed value, or undefined when the input was not given. */
  get(name: string): string | undefined;
}

/** The environment variable @actions/core reads for an input: `INPUT_` + name, spaces → `_`, uppercased. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** Reads inputs from `INPUT_<NAME>` exactly as `core.getInput` does (trimmed). */
export function envInputSource(env: NodeJS.ProcessEnv = process.env): InputSource {
  return { get: (name) => env[inputVariable(name)]?.trim() };
}

/** Inputs from a plain record, keyed by input name (as a workflow's `with:` would give them). */
export function recordInputSource(values: Readonly<Record<string, string>>): InputSource {
  const byVariable = new Map(Object.entries(values).map(([name, value]) => [inputVariable(name), value.trim()]));
  return { get: (name) => byVariable.get(inputVariable(name)) };
}

/** Checks a present value; returns a problem (`"x_y" must be …`) or undefined when the value is fine. */
export type Rule = (value: string) => string | undefined;

/** The value must match `regex`; `description` completes "must be …". */
export function pattern(regex: RegExp, description: string): Rule {
  const anchored = new RegExp(regex.source, regex.flags.replace(/[gy]/g, ''));
  return (value) => (anchored.test(value) ? undefined : `${quoteValue(value)} must be ${description}`);
}

/** The value's length must be between min and max characters, inclusive. */
export function lengthBetween(min: number, max: number): Rule {
  return (value) =>
    value.length >= min && value.length <= max
      ? undefined
      : `${quoteValue(value)} is ${value.length} character${value.length === 1 ? '' : 's'} long; use ${min} to ${max}`;
}

/** All rules must pass; the first problem is reported. */
export function allOf(...rules: Rule[]): Rule {
  return (value) => {
    for (const rule of rules) {
      const problem = rule(value);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

export interface NumberOptions {
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface ListOptions {
  /** Split on commas as well as newlines (default true). Turn off when items may contain commas. */
  readonly commas?: boolean;
}

export interface RuleOptions {
  /** What to do about a value `rule` refuses: the InputError's hint (`Use a name like azureml.`). */
  readonly hint?: string;
}

/** Typed, validated access to an action's inputs. `''` always means "not given". */
export interface InputReader {
  /** A value that must be given; `rule` checks it. */
  required(name: string, rule?: Rule, options?: RuleOptions): string;
  /** A value or undefined; `rule` checks it when given, failing with `options.hint`. */
  optional(name: string, rule?: Rule, options?: RuleOptions): string | undefined;
  /** Strict YAML 1.2 core boolean: true|True|TRUE|false|False|FALSE; anything else is an error. */
  boolean(name: string, defaultValue: boolean): boolean;
  /** Items separated by newlines or commas, trimmed, empty items dropped. */
  list(name: string, options?: ListOptions): string[];
  /** Milliseconds from `90s`, `30m`, `6h`, `1d`, `500ms`, `1h30m` or ISO 8601 `PT1H30M`. */
  duration(name: string, defaultValue: string | number): number;
  integer(name: string, options: NumberOptions & { readonly default: number }): number;
  integer(name: string, options?: NumberOptions): number | undefined;
  number(name: string, options: NumberOptions & { readonly default: number }): number;
  number(name: string, options?: NumberOptions): number | undefined;
  /** One of `allowed`, matched case-insensitively, returned in its canonical spelling. */
  enumOf<const T extends string>(name: string, allowed: readonly T[], defaultValue: T): T;
  enumOf<const T extends string>(name: string, allowed: readonly T[]): T | undefined;
  /** `key=value` lines; blank lines and `#` comments are skipped. */
  keyValues(name: string): Map<string, string>;
  /** A path to a YAML/JSON file (relative to the workspace) or inline YAML/JSON, parsed with positions. */
  document(name: string, options: { readonly required: true }): PositionedDocument;
  document(name: string, options?: { readonly required?: boolean }): PositionedDocument | undefined;
}

export interface InputReaderOptions {
  /** Base for relative file paths; defaults to GITHUB_WORKSPACE, then the current directory. */
  readonly workspace?: string;
}

const TRUE_VALUES = ['true', 'True', 'TRUE'];
const FALSE_VALUES = ['false', 'False', 'FALSE'];

/** The input reader every action uses; reads `INPUT_*` variables unless given another source. */
export function actionInputs(source: InputSource = envInputSource(), options: InputReaderOptions = {}): InputReader {
  const workspace = options.workspace ?? (process.env['GITHUB_WORKSPACE'] || process.cwd());

  const get = (name: string): string | undefined => {
    const value = source.get(name);
    return value === undefined || value === '' ? undefined : value;
  };
  const check = (name: string, value: string, rule: Rule | undefined, hint: string | undefined): string => {
    const problem = rule?.(value);
    if (problem !== undefined) throw new InputError(name, problem, hint === undefined ? {} : { hint });
    return value;
  };
  const numeric = (name: string, options: NumberOptions, kind: 'integer' | 'number'): number | undefined => {
    const raw = get(name);
    if (raw === undefined) return options.default;
    const syntax = kind === 'integer' ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
    const value = Number(raw);
    if (!syntax.test(raw) || !Number.isFinite(value) || (kind === 'integer' && !Number.isSafeInteger(value))) {
      throw new InputError(name, `${quoteValue(raw)} is not ${kind === 'integer' ? 'an integer' : 'a number'}`);
    }
    const { min, max } = options;
    if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
      throw new InputError(name, `${quoteValue(raw)} is out of range; use ${rangeText(min, max)}`);
    }
    return value;
  };

  const reader = {
    required(name: string, rule?: Rule, ruleOptions: RuleOptions = {}): string {
      const value = get(name);
      if (value === undefined) {
        throw new InputError(name, 'a value is required', { hint: `set "${name}" under "with:" in the step` });
      }
      return check(name, value, rule, ruleOptions.hint);
    },

    optional(name: string, rule?: Rule, ruleOptions: RuleOptions = {}): string | undefined {
      const value = get(name);
      return value === undefined ? undefined : check(name, value, rule, ruleOptions.hint);
    },

    boolean(name: string, defaultValue: boolean): boolean {
      const value = get(name);
      if (value === undefined) return defaultValue;
      if (TRUE_VALUES.includes(value)) return true;
      if (FALSE_VALUES.includes(value)) return false;
      throw new InputError(name, `${quoteValue(value)} is not a boolean; use true or false`, {
        hint: `accepted values: ${[...TRUE_VALUES, ...FALSE_VALUES].join(', ')}`,
      });
    },

    list(name: string, listOptions: ListOptions = {}): string[] {
      const value = get(name);
      if (value === undefined) return [];
      const separator = listOptions.commas === false ? /\r?\n/ : /\r?\n|,/;
      return value
        .split(separator)
        .map((item) => item.trim())
        .filter((item) => item !== '');
    },

    duration(name: string, defaultValue: string | number): number {
      const value = get(name);
      if (value === undefined) return typeof defaultValue === 'number' ? defaultValue : parseDuration(defaultValue);
      try {
        return parseDuration(value);
      } catch (error) {
        throw new InputError(name, (error as Error).message);
      }
    },

    integer(name: string, numberOptions: NumberOptions = {}): number | undefined {
      return numeric(name, numberOptions, 'integer');
    },

    number(name: string, numberOptions: NumberOptions = {}): number | undefined {
      return numeric(name, numberOptions, 'number');
    },

    enumOf<const T extends string>(name: string, allowed: readonly T[], defaultValue?: T): T | undefined {
      const value = get(name);
      if (value === undefined) return defaultValue;
      const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
      if (match === undefined) throw new InputError(name, `${quoteValue(value)} is not one of ${allowed.join(', ')}`);
      return match;
    },

    keyValues(name: string): Map<string, string> {
      const result = new Map<string, string>();
      const firstSeen = new Map<string, number>();
      const value = get(name);
      if (value === undefined) return result;
      value.split(/\r?\n/).forEach((rawLine, index) => {
        const line = rawLine.trim();
        const lineNumber = index + 1;
        if (line === '' || line.startsWith('#')) return;
        const equals = line.indexOf('=');
        if (equals < 0)
          throw new InputError(name, `line ${lineNumber} ${quoteValue(line)} has no "="; write key=value`);
        const key = line.slice(0, equals).trim();
        if (key === '') throw new InputError(name, `line ${lineNumber} ${quoteValue(line)} has no key before "="`);
        const earlier = firstSeen.get(key);
        if (earlier !== undefined) {
          throw new InputError(name, `line ${lineNumber} sets "${key}" again (first set on line ${earlier})`);
        }
        firstSeen.set(key, lineNumber);
        result.set(key, line.slice(equals + 1).trim());
      });
      return result;
    },

    document(name: string, documentOptions: { readonly required?: boolean } = {}): PositionedDocument | undefined {
      const value = get(name);
      if (value === undefined) {
        if (documentOptions.required) {
          throw new InputError(name, 'a value is required', {
            hint: 'give a path to a YAML or JSON file in the repository, or the YAML itself',
          });
        }
        return undefined;
      }
      return readDocument(name, value, workspace);
    },
  };
  return reader as InputReader;
}

const FILE_EXTENSION = /\.(ya?ml|json)$/i;

function readDocument(name: string, value: string, workspace: string): PositionedDocument {
  if (!value.includes('\n')) {
    const path = resolve(workspace, value);
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats?.isFile()) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        throw new InputError(name, `cannot read ${quoteValue(value)}: ${(error as Error).message}`, { cause: error });
      }
      return parseYaml(text, { source: displayPath(workspace, path), isFile: true, directory: dirname(path) });
    }
    if (stats?.isDirectory())
      throw new InputError(name, `${quoteValue(value)} is a directory; give a YAML or JSON file`);
    if (FILE_EXTENSION.test(value)) {
      throw new InputError(name, `file ${quoteValue(value)} was not found in ${workspace}`, {
        hint: 'paths are relative to the repository root; check out the repository (actions/checkout) first',
      });
    }
  }
  return parseYaml(value, { source: `input "${name}"`, isFile: false, directory: workspace });
}

/** Workspace-relative with forward slashes (what annotations need); absolute when outside the workspace. */
function displayPath(workspace: string, path: string): string {
  const fromWorkspace = relative(workspace, path);
  if (fromWorkspace === '' || fromWorkspace.startsWith('..') || isAbsolute(fromWorkspace)) return path;
  return fromWorkspace.split(sep).join('/');
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};
const COMPACT = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d)\s*)+$/i;
const COMPACT_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gi;
const ISO =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?=\d)(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const DURATION_FORMS = 'use forms like 90s, 30m, 6h, 1d, 500ms, 1h30m or PT1H30M';

/**
 * Milliseconds from `90s`, `30m`, `6h`, `1d`, `500ms`, combinations like `1h30m`, or ISO 8601 like
 * `PT1H30M` / `P1DT2H`. A bare number other than 0 is refused: its unit would be a guess.
 * Throws a RangeError whose message suits `input "x": …`.
 */
export function parseDuration(text: string): number {
  const value = text.trim();
  if (/^0+(\.0+)?$/.test(value)) return 0;
  if (/^\d+(\.\d+)?$/.test(value)) {
    throw new RangeError(`${quoteValue(value)} has no unit; use ${value}s, ${value}m or ${value}h`);
  }
  if (COMPACT.test(value)) {
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(COMPACT_PART)) {
      ms += Number(amount) * (UNIT_MS[unit!.toLowerCase()] ?? Number.NaN);
    }
    return Math.round(ms);
  }
  const iso = ISO.exec(value);
  if (iso && value.length > 1) {
    const [, weeks, days, hours, minutes, seconds] = iso.map((part) => Number(part ?? 0));
    const ms =
      weeks! * 7 * UNIT_MS['d']! +
      days! * UNIT_MS['d']! +
      hours! * UNIT_MS['h']! +
      minutes! * UNIT_MS['m']! +
      seconds! * UNIT_MS['s']!;
    return Math.round(ms);
  }
  if (/^P(?:\d+(?:\.\d+)?[YMWD])*?\d+(?:\.\d+)?[YM]/i.test(value)) {
    throw new RangeError(`${quoteValue(value)} uses years or months, which have no fixed length; use days (P30D)`);
  }
  throw new RangeError(`${quoteValue(value)} is not a duration; ${DURATION_FORMS}`);
}

const FORMAT_UNITS: readonly (readonly [string, number])[] = [
  ['h', UNIT_MS['h']!],
  ['m', UNIT_MS['m']!],
  ['s', UNIT_MS['s']!],
  ['ms', 1],
];

/**
 * A duration as an input spells it, the way back from parseDuration: `20m`, `1h30m`, `90s` → `1m30s`,
 * `500ms`; `0` for none. For plans and messages that repeat a timeout the way a person wrote it.
 */
export function formatDurationInput(ms: number): string {
  let rest = Number.isFinite(ms) ? Math.max(0, Math.round(ms)) : 0;
  let text = '';
  for (const [unit, size] of FORMAT_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * size;
  }
  return text || '0';
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  if (min !== undefined) return `at least ${min}`;
  return `at most ${max}`;
}

/**
 * Quotes a value for an error message. Long or multi-line values are described, not echoed: they may be
 * secrets, and a truncated secret would slip past the log masking.
 */
export function quoteValue(value: string): string {
  if (value.length > 80 || /[\r\n]/.test(value)) {
    return `the ${/[\r\n]/.test(value) ? 'multi-line ' : ''}value (${value.length} characters)`;
  }
  return JSON.stringify(value);
}
