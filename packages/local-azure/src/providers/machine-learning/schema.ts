// A small validator for request bodies, shaped like the swagger definitions of api-version
// 2022-10-01 (mfe.json, machineLearningServices.json): required properties, types, sealed
// objects (`additionalProperties: false`), enums, patterns, formats and discriminated unions.
// It answers with ARM's error shape, naming the offending property as `target`, and returns the
// body normalized: read-only properties dropped (the service ignores them) and enum values in
// their canonical casing (the service parses enums case-insensitively).

import { ArmError } from '../../arm/contract.js';

interface Common {
  /** `x-nullable: true`: null is accepted (and dropped from the normalized body). */
  readonly nullable?: boolean;
  /** `readOnly: true`: accepted in requests and ignored. */
  readonly readOnly?: boolean;
}

export interface StringSchema extends Common {
  readonly kind: 'string';
  readonly enum?: readonly string[];
  readonly pattern?: { readonly regex: RegExp; readonly rule: string };
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly format?: 'duration' | 'uuid' | 'date-time' | 'uri';
}

export interface IntegerSchema extends Common {
  readonly kind: 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface NumberSchema extends Common {
  readonly kind: 'number';
}

export interface BooleanSchema extends Common {
  readonly kind: 'boolean';
}

export interface ObjectSchema extends Common {
  readonly kind: 'object';
  /** The swagger definition's name, for messages. */
  readonly name: string;
  readonly properties: Readonly<Record<string, Schema>>;
  readonly required: readonly string[];
  /** Schema of properties not listed; `false` seals the object; `true` accepts anything. */
  readonly additional: Schema | boolean;
}

export interface ArraySchema extends Common {
  readonly kind: 'array';
  readonly items: Schema;
}

export interface UnionSchema extends Common {
  readonly kind: 'union';
  readonly name: string;
  readonly discriminator: string;
  /** Variants by discriminator value; each lists the discriminator among its properties. */
  readonly variants: Readonly<Record<string, ObjectSchema>>;
}

export interface AnySchema extends Common {
  readonly kind: 'any';
}

export type Schema =
  | StringSchema
  | IntegerSchema
  | NumberSchema
  | BooleanSchema
  | ObjectSchema
  | ArraySchema
  | UnionSchema
  | AnySchema;

// ---- builders -------------------------------------------------------------------------------

type StringOptions = Omit<StringSchema, 'kind'>;

export const str = (options: StringOptions = {}): StringSchema => ({ kind: 'string', ...options });
export const int = (options: Omit<IntegerSchema, 'kind'> = {}): IntegerSchema => ({ kind: 'integer', ...options });
export const num = (options: Omit<NumberSchema, 'kind'> = {}): NumberSchema => ({ kind: 'number', ...options });
export const bool = (options: Omit<BooleanSchema, 'kind'> = {}): BooleanSchema => ({ kind: 'boolean', ...options });
export const any = (options: Omit<AnySchema, 'kind'> = {}): AnySchema => ({ kind: 'any', ...options });
export const arr = (items: Schema, options: Common = {}): ArraySchema => ({ kind: 'array', items, ...options });
export const enumOf = (values: readonly string[], options: StringOptions = {}): StringSchema =>
  str({ ...options, enum: values });
/** The swagger's `pattern: "[a-zA-Z0-9_]"`: at least one letter, digit or underscore. */
export const nonBlank = (options: StringOptions = {}): StringSchema =>
  str({
    ...options,
    pattern: { regex: /[a-zA-Z0-9_]/, rule: 'must contain at least one letter, digit or underscore' },
  });
export const duration = (options: StringOptions = {}): StringSchema => str({ ...options, format: 'duration' });

export function obj(
  name: string,
  properties: Readonly<Record<string, Schema>>,
  options: { readonly required?: readonly string[]; readonly additional?: Schema | boolean } & Common = {},
): ObjectSchema {
  const { required = [], additional = false, ...common } = options;
  return { kind: 'object', name, properties, required, additional, ...common };
}

/** An object whose every property has the same schema (`additionalProperties: {…}`). */
export const map = (values: Schema, options: Common = {}): ObjectSchema =>
  obj('map', {}, { additional: values, ...options });

/** Extends an object schema (swagger `allOf`), e.g. a discriminated variant of its base. */
export function extend(
  base: ObjectSchema,
  name: string,
  properties: Readonly<Record<string, Schema>>,
  options: { readonly required?: readonly string[]; readonly additional?: Schema | boolean } = {},
): ObjectSchema {
  return obj(
    name,
    { ...base.properties, ...properties },
    { required: [...base.required, ...(options.required ?? [])], additional: options.additional ?? false },
  );
}

/** A polymorphic definition: `variants` are merged with `base`, the discriminator is required. */
export function union(
  name: string,
  discriminator: string,
  base: ObjectSchema,
  variants: Readonly<
    Record<string, { readonly properties?: Readonly<Record<string, Schema>>; readonly required?: readonly string[] }>
  >,
  options: Common = {},
): UnionSchema {
  const values = Object.keys(variants);
  const built: Record<string, ObjectSchema> = {};
  for (const [value, variant] of Object.entries(variants)) {
    built[value] = obj(
      `${name} (${discriminator} ${value})`,
      { ...base.properties, [discriminator]: enumOf(values), ...variant.properties },
      { required: [...new Set([discriminator, ...base.required, ...(variant.required ?? [])])] },
    );
  }
  return { kind: 'union', name, discriminator, variants: built, ...options };
}

export const nullable = <T extends Schema>(schema: T): T => ({ ...schema, nullable: true });
export const readOnly = <T extends Schema>(schema: T): T => ({ ...schema, readOnly: true });

// ---- validation -----------------------------------------------------------------------------

export interface ValidationOptions {
  /** ARM error code of the 400 answer, e.g. 'UserError' (Azure ML's MFE) or 'BadRequest'. */
  readonly code: string;
  /** Prefix of every target, e.g. '' for the whole body. */
  readonly root?: string;
}

/** Validates `value` against `schema`; throws a 400 ArmError naming the first problem. */
export function validate<T = Record<string, unknown>>(schema: Schema, value: unknown, options: ValidationOptions): T {
  return check(schema, value, options.root ?? '', options.code) as T;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function fail(code: string, target: string, message: string): never {
  throw new ArmError(400, code, message, target ? { target } : {});
}

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

function check(schema: Schema, value: unknown, path: string, code: string): unknown {
  if (value === null) {
    if (schema.nullable || schema.readOnly) return undefined;
    fail(code, path, `'${path || 'body'}' must not be null.`);
  }
  switch (schema.kind) {
    case 'any':
      return value;
    case 'string':
      return checkString(schema, value, path, code);
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        fail(code, path, `'${path}' must be an integer; got ${describe(value)}.`);
      }
      if (schema.minimum !== undefined && value < schema.minimum) {
        fail(code, path, `'${path}' must be at least ${schema.minimum}; got ${value}.`);
      }
      if (schema.maximum !== undefined && value > schema.maximum) {
        fail(code, path, `'${path}' must be at most ${schema.maximum}; got ${value}.`);
      }
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value))
        fail(code, path, `'${path}' must be a number; got ${describe(value)}.`);
      return value;
    case 'boolean':
      if (typeof value !== 'boolean')
        fail(code, path, `'${path}' must be a boolean (true or false); got ${describe(value)}.`);
      return value;
    case 'array': {
      if (!Array.isArray(value)) fail(code, path, `'${path}' must be an array; got ${describe(value)}.`);
      return value.map((item, index) => check(schema.items, item, `${path}[${index}]`, code));
    }
    case 'object':
      return checkObject(schema, value, path, code);
    case 'union': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail(code, path, `'${path || 'body'}' must be an object (${schema.name}); got ${describe(value)}.`);
      }
      const target = join(path, schema.discriminator);
      const given = (value as Record<string, unknown>)[schema.discriminator];
      const values = Object.keys(schema.variants);
      if (given === undefined || given === null) {
        fail(code, target, `'${target}' is required: one of ${values.join(', ')}.`);
      }
      const canonical =
        typeof given === 'string' ? values.find((v) => v.toLowerCase() === given.toLowerCase()) : undefined;
      if (canonical === undefined) {
        fail(code, target, `'${target}' must be one of ${values.join(', ')}; got ${describe(given)}.`);
      }
      return checkObject(schema.variants[canonical]!, { ...value, [schema.discriminator]: canonical }, path, code);
    }
  }
}

function checkString(schema: StringSchema, value: unknown, path: string, code: string): string {
  if (typeof value !== 'string') fail(code, path, `'${path}' must be a string; got ${describe(value)}.`);
  if (schema.enum) {
    const canonical = schema.enum.find((v) => v.toLowerCase() === value.toLowerCase());
    if (canonical === undefined)
      fail(code, path, `'${path}' must be one of ${schema.enum.join(', ')}; got '${value}'.`);
    return canonical;
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    fail(code, path, `'${path}' must not be empty.`);
  }
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    fail(code, path, `'${path}' must be at most ${schema.maxLength} characters long.`);
  }
  if (schema.pattern && !schema.pattern.regex.test(value)) {
    fail(code, path, `'${path}' ${schema.pattern.rule}; got '${value}'.`);
  }
  switch (schema.format) {
    case 'duration':
      if (!DURATION.test(value))
        fail(code, path, `'${path}' must be an ISO 8601 duration such as PT30S or PT1H; got '${value}'.`);
      break;
    case 'uuid':
      if (!UUID.test(value)) fail(code, path, `'${path}' must be a GUID; got '${value}'.`);
      break;
    case 'date-time':
      if (Number.isNaN(Date.parse(value))) fail(code, path, `'${path}' must be an ISO 8601 date-time; got '${value}'.`);
      break;
    case 'uri':
      if (!URL.canParse(value)) fail(code, path, `'${path}' must be an absolute URI; got '${value}'.`);
      break;
    case undefined:
      break;
  }
  return value;
}

function checkObject(schema: ObjectSchema, value: unknown, path: string, code: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(code, path, `'${path || 'body'}' must be an object (${schema.name}); got ${describe(value)}.`);
  }
  const input = value as Record<string, unknown>;
  for (const name of schema.required) {
    const property = schema.properties[name];
    if (property?.readOnly) continue;
    if (input[name] === undefined || input[name] === null) {
      fail(code, join(path, name), `'${join(path, name)}' is required.`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(input)) {
    if (entry === undefined) continue;
    const property = schema.properties[name] ?? (typeof schema.additional === 'object' ? schema.additional : undefined);
    if (!property) {
      if (schema.additional === true) {
        out[name] = entry;
        continue;
      }
      fail(
        code,
        join(path, name),
        `'${join(path, name)}' is not a property of ${schema.name} in api-version 2022-10-01.`,
      );
    }
    if (property.readOnly) continue;
    const checked = check(property, entry, join(path, name), code);
    if (checked !== undefined) out[name] = checked;
  }
  return out;
}
