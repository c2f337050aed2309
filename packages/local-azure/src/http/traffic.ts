// The traffic record: one JSON line per request and answer, secrets redacted, in the format
// `tools/arm-contract-check` reads ({time, method, url, status, durationMs, requestHeaders,
// requestBody, responseHeaders, responseBody}). Written before the answer leaves, so a client
// that has its answer also finds it in the file.

import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { dirname } from 'node:path';

export const REDACTED = '[REDACTED]';

export interface TrafficExchange {
  readonly time: string;
  readonly method: string;
  readonly url: string;
  /** 0 when no answer was sent (a dropped connection). */
  readonly status: number;
  readonly durationMs: number;
  readonly requestHeaders: Record<string, string | string[]>;
  readonly requestBody: unknown;
  readonly responseHeaders: Record<string, string | string[]>;
  readonly responseBody: unknown;
}

export interface RawExchange {
  readonly started: number;
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly requestHeaders: IncomingHttpHeaders | Record<string, string>;
  readonly requestBody: Buffer | string | undefined;
  readonly responseHeaders: Record<string, string>;
  readonly responseBody: unknown;
}

/** Appends redacted exchanges to a JSON Lines file; a recorder without a file records nothing. */
export class TrafficRecorder {
  constructor(readonly file: string | undefined) {
    if (file) mkdirSync(dirname(file), { recursive: true });
  }

  record(raw: RawExchange): void {
    if (!this.file) return;
    appendFileSync(this.file, `${JSON.stringify(redactExchange(raw))}\n`);
  }
}

/** The exchanges of a traffic record (DIR/traffic.jsonl), oldest first; none while the file does not exist. */
export function readTraffic(file: string): TrafficExchange[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TrafficExchange);
}

export function redactExchange(raw: RawExchange): TrafficExchange {
  return {
    time: new Date(raw.started).toISOString(),
    method: raw.method,
    url: redactString(raw.url),
    status: raw.status,
    durationMs: Math.max(0, Date.now() - raw.started),
    requestHeaders: redactHeaders(raw.requestHeaders),
    requestBody: redactBody(raw.requestBody, headerValue(raw.requestHeaders, 'content-type')),
    responseHeaders: redactHeaders(raw.responseHeaders),
    responseBody:
      typeof raw.responseBody === 'string' ? redactBody(raw.responseBody, undefined) : redact(raw.responseBody),
  };
}

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-ms-authorization-auxiliary',
  'x-arc-ml-admin-token',
  'ocp-apim-subscription-key',
  'azureml-model-key',
]);

function redactHeaders(headers: IncomingHttpHeaders | Record<string, string>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lower = name.toLowerCase();
    if (SECRET_HEADERS.has(lower)) {
      const scheme = typeof value === 'string' ? /^(bearer|basic)\s/i.exec(value)?.[1] : undefined;
      out[lower] = scheme ? `${scheme} ${REDACTED}` : REDACTED;
    } else {
      out[lower] = Array.isArray(value) ? value.map(redactString) : redactString(String(value));
    }
  }
  return out;
}

function headerValue(headers: IncomingHttpHeaders | Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Form fields that carry credentials (Entra token requests). */
const SECRET_FORM_FIELDS = new Set([
  'client_assertion',
  'client_secret',
  'assertion',
  'refresh_token',
  'password',
  'code',
]);

function redactBody(body: Buffer | string | undefined, contentType: string | undefined): unknown {
  if (body === undefined) return null;
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (text.length === 0) return null;
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text);
    for (const key of [...form.keys()]) if (SECRET_FORM_FIELDS.has(key)) form.set(key, REDACTED);
    return redactString(form.toString());
  }
  try {
    return redact(JSON.parse(text));
  } catch {
    return redactString(text);
  }
}

/** Property names whose values are secrets wherever they appear (compared case-insensitively). */
const SECRET_PROPERTIES = new Set(
  [
    'access_token',
    'id_token',
    'refresh_token',
    'client_assertion',
    'client_secret',
    'accessToken',
    'token',
    'primaryKey',
    'secondaryKey',
    // regenerateKeys: a key the client chooses itself
    'keyValue',
    'key',
    'key1',
    'key2',
    'accountKey',
    'sasToken',
    'password',
    'adminUserPassword',
    'clientSecret',
    'connectionString',
    'privateKey',
    'certificate',
  ].map((name) => name.toLowerCase()),
);

/** Objects whose every value is secret (keys stay: they say which settings were sent). */
const SECRET_MAPS = new Set(['configurationprotectedsettings', 'protectedsettings']);

/** Returns a copy of a JSON value with every secret replaced by "[REDACTED]". */
export function redact(value: unknown, parentKey = ''): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, parentKey));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (SECRET_MAPS.has(lower) && item && typeof item === 'object') {
      out[key] = Object.fromEntries(Object.keys(item).map((k) => [k, REDACTED]));
    } else if (typeof item === 'string' && isSecretProperty(lower, parentKey)) {
      out[key] = REDACTED;
    } else {
      out[key] = redact(item, lower);
    }
  }
  return out;
}

function isSecretProperty(key: string, parentKey: string): boolean {
  if (SECRET_PROPERTIES.has(key)) return true;
  // datastore secrets ({secretsType, key|sasToken|clientSecret|certificate}) and kubeconfigs ([{name, value}])
  if (parentKey === 'secrets') return !key.endsWith('type');
  if (parentKey === 'kubeconfigs') return key === 'value';
  return false;
}

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g;
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g;
const SAS_SIGNATURE = /([?&]sig=)[^&"'\s]+/gi;
const CONNECTION_STRING_KEY = /((?:AccountKey|SharedAccessKey|SharedAccessSignature)=)[^;"'\s]+/gi;

/** Redacts secrets that are recognisable inside any string: JWTs, private keys, SAS signatures. */
export function redactString(text: string): string {
  return text
    .replace(JWT, REDACTED)
    .replace(PRIVATE_KEY, REDACTED)
    .replace(SAS_SIGNATURE, `$1${REDACTED}`)
    .replace(CONNECTION_STRING_KEY, `$1${REDACTED}`);
}
