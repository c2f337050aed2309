/**
 * A small local HTTPS server for tests, with a throwaway CA made by the `openssl` CLI, and a way
 * to make this process's TLS clients (fetch, Azure SDK pipelines, MSAL) trust that CA.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export interface TestCertificate {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

let certificate: TestCertificate | undefined;

/** A CA and a `localhost`/`127.0.0.1` server certificate it signed; made once per test process. */
export function testCertificate(): TestCertificate {
  if (certificate) return certificate;
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
  } catch {
    throw new Error('These tests need the openssl CLI to make a throwaway certificate; install openssl.');
  }
  const dir = mkdtempSync(join(tmpdir(), 'arc-ml-azure-test-'));
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'];
    run([
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-subj',
      '/CN=arc-ml test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    run([
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'server.key',
      '-out',
      'server.pem',
      '-subj',
      '/CN=localhost',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
    certificate = {
      caPem: readFileSync(join(dir, 'ca.pem'), 'utf8'),
      certPem: readFileSync(join(dir, 'server.pem'), 'utf8'),
      keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
    };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Adds the test CA to this process's default trust store; returns a function that restores it. */
export function trustTestCa(): () => void {
  const before = tls.getCACertificates('default');
  tls.setDefaultCACertificates([...before, testCertificate().caPem]);
  return () => tls.setDefaultCACertificates(before);
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/metadata/endpoints?api-version=2022-09-01`. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type Handler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface TestServer {
  /** `https://localhost:<port>`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startHttpsServer(handler: Handler): Promise<TestServer> {
  const { certPem, keyPem } = testCertificate();
  const requests: RecordedRequest[] = [];
  const server: Server = createServer({ cert: certPem, key: keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, res)).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

/** A JWT-shaped token (unsigned) carrying `claims`; enough for code that only reads claims. */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'test' })}.${part(claims)}.c2lnbmF0dXJl`;
}
