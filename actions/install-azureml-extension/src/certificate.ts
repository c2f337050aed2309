// The scoring endpoint's TLS certificate and key: parsed and checked the way the AzureML
// extension's pre-install health check checks them, so a bad pair fails before anything is written.

import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { InputError } from '@arc-ml/actions-kit';

/** A checked certificate and key pair, with what the action needs to know about it. */
export interface TlsPair {
  readonly certPem: string;
  readonly keyPem: string;
  /** SHA-256 of the certificate's DER, lowercase hex: a public value that tells one certificate from another. */
  readonly fingerprint: string;
  readonly subject: string;
  /** ISO time the certificate stops being valid. */
  readonly validTo: string;
  /** Problems that do not stop the install (expired, CNAME not covered). */
  readonly warnings: readonly string[];
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----/;

/**
 * Checks `ssl-cert-pem` and `ssl-key-pem` together: both PEM, the key unencrypted and matching the
 * certificate; an expired certificate or one that does not cover `cname` is only a warning, as the
 * extension installs anyway.
 */
export function checkTlsPair(certPem: string, keyPem: string, cname: string | undefined, now: number): TlsPair {
  const certificate = readCertificate(certPem);
  const key = readPrivateKey(keyPem);
  const subject = certificate.subject.replaceAll('\n', ', ');
  if (!certificate.checkPrivateKey(key)) {
    throw new InputError('ssl-key-pem', `the private key does not match the certificate in ssl-cert-pem (${subject})`, {
      hint: 'Give the key the certificate was issued for; `openssl x509 -noout -pubkey -in cert.pem` and `openssl pkey -pubout -in key.pem` must print the same public key.',
    });
  }
  const warnings: string[] = [];
  if (Date.parse(certificate.validTo) < now) {
    warnings.push(
      `the certificate in ssl-cert-pem (${subject}) expired on ${certificate.validTo}; clients will refuse the scoring endpoint until it is renewed`,
    );
  }
  if (cname && certificate.checkHost(cname) === undefined) {
    warnings.push(
      `the certificate in ssl-cert-pem (${subject}) does not cover ssl-cname "${cname}"; clients that check the host name will refuse the scoring endpoint`,
    );
  }
  return {
    // Inputs arrive trimmed; PEM files end with a newline, and the extension writes these to files.
    certPem: `${certPem.trim()}\n`,
    keyPem: `${keyPem.trim()}\n`,
    fingerprint: createHash('sha256').update(certificate.raw).digest('hex'),
    subject,
    validTo: certificate.validTo,
    warnings,
  };
}

function readCertificate(pem: string): X509Certificate {
  if (!PEM_BLOCK.test(pem)) {
    throw new InputError('ssl-cert-pem', 'is not PEM text (no "-----BEGIN CERTIFICATE-----" line)', {
      hint: `Give the certificate itself, not a path: e.g. ssl-cert-pem: \${{ secrets.SCORING_TLS_CERT }}.`,
    });
  }
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw new InputError('ssl-cert-pem', 'is not a PEM-encoded X.509 certificate', {
      hint: 'It must start with "-----BEGIN CERTIFICATE-----"; a certificate chain is fine, the server certificate first.',
      cause: error,
    });
  }
}

function readPrivateKey(pem: string): KeyObject {
  if (!PEM_BLOCK.test(pem)) {
    throw new InputError('ssl-key-pem', 'is not PEM text (no "-----BEGIN … PRIVATE KEY-----" line)', {
      hint: `Give the key itself, not a path: e.g. ssl-key-pem: \${{ secrets.SCORING_TLS_KEY }}.`,
    });
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new InputError('ssl-key-pem', 'is an encrypted private key; the extension needs it unencrypted', {
      hint: 'Decrypt it once (openssl pkey -in key.pem -out plain.pem) and store the result as a secret.',
    });
  }
  try {
    return createPrivateKey(pem);
  } catch (error) {
    throw new InputError('ssl-key-pem', 'is not a PEM-encoded private key', {
      hint: 'It must start with "-----BEGIN PRIVATE KEY-----" (or RSA/EC PRIVATE KEY).',
      cause: error,
    });
  }
}
