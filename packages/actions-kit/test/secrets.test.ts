import { describe, expect, it } from '@jest/globals';
import { maskSecret, redact, secretParts } from '../src/index.js';

const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7',
  'VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu',
  'Qw==',
  '-----END PRIVATE KEY-----',
].join('\n');

describe('secretParts and maskSecret', () => {
  it.each([
    ['a plain value', 'p@ssw0rd-123', ['p@ssw0rd-123']],
    ['a padded value', '  token-value \n', ['token-value']],
    ['an empty value', '', []],
    ['whitespace', '   \n  ', []],
    ['a very short value', 'abc', []],
    ['undefined', undefined, []],
    ['CRLF lines', 'line-one\r\nline-two', ['line-one\r\nline-two', 'line-one', 'line-two']],
  ])('registers %s', (_case, value, parts) => {
    expect(secretParts(value)).toEqual(parts);
  });

  it('masks a PEM key as a whole and line by line', () => {
    const registered: string[] = [];
    const parts = maskSecret(PEM, (secret) => registered.push(secret));
    expect(registered).toEqual([PEM, ...PEM.split('\n')]);
    expect(parts).toEqual(registered);
  });

  it('skips short lines of a multi-line value and repeated lines', () => {
    const registered: string[] = [];
    maskSecret('long-line-1\nab\nlong-line-1', (secret) => registered.push(secret));
    expect(registered).toEqual(['long-line-1\nab\nlong-line-1', 'long-line-1']);
  });
});

describe('redact', () => {
  it.each([
    ['key=abcd1234 and again abcd1234', ['abcd1234'], 'key=*** and again ***'],
    ['nothing secret here', ['abcd1234'], 'nothing secret here'],
    ['short abc stays', ['abc'], 'short abc stays'],
    ['the longer secret-long wins over secret', ['secret', 'secret-long'], 'the longer *** wins over ***'],
    ['ignores undefined', [undefined], 'ignores undefined'],
  ])('redacts %j', (text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });

  it('redacts each line of a multi-line secret printed alone', () => {
    const log = `got key\nVJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDu\ndone`;
    expect(redact(log, [PEM])).toBe('got key\n***\ndone');
  });
});
