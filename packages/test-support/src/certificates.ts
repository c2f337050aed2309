// Real certificate/key pairs for tests (an HTTPS certificate and key, a proxy's CA), made with
// openssl: no network, a few ms each.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPair {
  readonly certPem: string;
  readonly keyPem: string;
}

/** A self-signed EC P-256 certificate for `host` (CN and DNS SAN) and its private key. */
export function selfSigned(host: string, options: { days?: number } = {}): TestPair {
  const dir = mkdtempSync(join(tmpdir(), 'cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        String(options.days ?? 30),
        '-subj',
        `/CN=${host}`,
        '-addext',
        `subjectAltName=DNS:${host}`,
      ],
      { stdio: 'ignore' },
    );
    return {
      certPem: readFileSync(join(dir, 'cert.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The key encrypted with a passphrase (what the extension cannot use). */
export function encrypted(keyPem: string): string {
  return execFileSync('openssl', ['pkey', '-aes256', '-passout', 'pass:secret'], { input: keyPem, encoding: 'utf8' });
}
