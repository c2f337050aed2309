// The local certificate authority: created on first start and kept in the state dir, so clients
// that trust it once (NODE_EXTRA_CA_CERTS) keep trusting every later start. The server
// certificate for 127.0.0.1/localhost is signed by it and renewed when it nears its end.

import { webcrypto } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as X509 from '@peculiar/x509';
import { writePrivateFile } from '../state-dir.js';

type X509Module = typeof X509;
let loaded: Promise<X509Module> | undefined;

/** @peculiar/x509, loaded once the Reflect metadata API it needs is in place. */
function loadX509(): Promise<X509Module> {
  loaded ??= (async () => {
    await import('./reflect-metadata.js');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return loaded;
}

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 24 * 60 * 60 * 1000;

export interface LocalCertificates {
  readonly caPem: string;
  readonly caFile: string;
  readonly certPem: string;
  readonly certFile: string;
  readonly keyPem: string;
  readonly keyFile: string;
}

/** Reads the CA and server certificate from `stateDir`, creating or renewing what is missing. */
export async function ensureCertificates(stateDir: string): Promise<LocalCertificates> {
  const x509 = await loadX509();
  const files = {
    caFile: join(stateDir, 'ca.pem'),
    caKeyFile: join(stateDir, 'ca-key.pem'),
    certFile: join(stateDir, 'server.pem'),
    keyFile: join(stateDir, 'server-key.pem'),
  };
  let ca = await readCa(x509, files.caFile, files.caKeyFile);
  if (!ca) {
    ca = await createCa(x509);
    writePrivateFile(files.caKeyFile, ca.keyPem);
    writePrivateFile(files.caFile, ca.certPem, 0o644);
  }
  let server = readServer(x509, files.certFile, files.keyFile, ca.cert);
  if (!server) {
    server = await createServerCertificate(x509, ca);
    writePrivateFile(files.keyFile, server.keyPem);
    writePrivateFile(files.certFile, server.certPem, 0o644);
  }
  return {
    caPem: ca.certPem,
    caFile: files.caFile,
    certPem: server.certPem,
    certFile: files.certFile,
    keyPem: server.keyPem,
    keyFile: files.keyFile,
  };
}

interface Ca {
  readonly cert: X509.X509Certificate;
  readonly certPem: string;
  readonly keyPem: string;
  readonly keys: CryptoKeyPair;
}

async function createCa(x509: X509Module): Promise<Ca> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=Arc ML local Azure CA, O=Arc ML Actions',
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 10 * 365 * DAY),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey), keys };
}

async function readCa(x509: X509Module, certFile: string, keyFile: string): Promise<Ca | undefined> {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  const certPem = readFileSync(certFile, 'utf8');
  const keyPem = readFileSync(keyFile, 'utf8');
  const cert = new x509.X509Certificate(certPem);
  if (cert.notAfter.getTime() < Date.now() + 30 * DAY) return undefined;
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pemBody(keyPem), EC, true, ['sign']);
  const publicKey = (await cert.publicKey.export(EC, ['verify'])) as unknown as CryptoKey;
  return { cert, certPem, keyPem, keys: { privateKey, publicKey } };
}

function readServer(x509: X509Module, certFile: string, keyFile: string, ca: X509.X509Certificate) {
  if (!existsSync(certFile) || !existsSync(keyFile)) return undefined;
  const certPem = readFileSync(certFile, 'utf8');
  const cert = new x509.X509Certificate(certPem);
  if (cert.issuer !== ca.subject || cert.notAfter.getTime() < Date.now() + 7 * DAY) return undefined;
  const akid = cert.getExtension(x509.AuthorityKeyIdentifierExtension);
  const skid = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  if (akid?.keyId && skid && akid.keyId !== skid.keyId) return undefined;
  return { certPem, keyPem: readFileSync(keyFile, 'utf8') };
}

async function createServerCertificate(x509: X509Module, ca: Ca): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=localhost, O=Arc ML Actions',
    issuer: ca.cert.subject,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 365 * DAY),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'localhost' },
        { type: 'ip', value: '127.0.0.1' },
        { type: 'ip', value: '::1' },
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function pemBody(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

/** Splits a PEM bundle into its certificates (normalised, so equal certificates compare equal). */
export function pemCertificates(bundle: string): string[] {
  return (bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
    (pem) => `${pem.replace(/\r\n/g, '\n').trim()}\n`,
  );
}
