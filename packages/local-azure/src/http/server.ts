// The one HTTPS server of local Azure: reads each request, hands it to the dispatcher, writes the
// answer, and records the exchange in the traffic file before the answer leaves.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TrafficRecorder } from './traffic.js';
import { DROP_CONNECTION, type HttpAnswer, type HttpHandler, type HttpRequest } from './types.js';

const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export interface HttpsServerOptions {
  readonly port: number;
  readonly certPem: string;
  readonly keyPem: string;
  readonly traffic: TrafficRecorder;
  /** Whether an exchange goes into the traffic record (admin requests do not). */
  readonly records: (path: string) => boolean;
  readonly log: (message: string) => void;
}

export interface RunningServer {
  readonly port: number;
  readonly baseUrl: string;
  /** Set once everything behind the server is ready; requests before that get 503. */
  setHandler(handler: HttpHandler): void;
  close(): Promise<void>;
}

export async function startHttpsServer(options: HttpsServerOptions): Promise<RunningServer> {
  let handler: HttpHandler | undefined;
  let baseUrl = '';
  const server: Server = createServer({ cert: options.certPem, key: options.keyPem }, (req, res) => {
    void serve(req, res);
  });
  server.keepAliveTimeout = 5000;

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const target = req.url ?? '/';
    const url = requestUrl(target, baseUrl);
    const record = options.records(url.pathname);
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      res.writeHead(413, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: { code: 'RequestEntityTooLarge', message: (error as Error).message } }));
      return;
    }
    const request: HttpRequest = { method: (req.method ?? 'GET').toUpperCase(), url, headers: req.headers, body };
    let answer: HttpAnswer | typeof DROP_CONNECTION;
    try {
      answer = handler
        ? await handler(request)
        : { status: 503, json: { error: { code: 'ServiceUnavailable', message: 'Local Azure is starting.' } } };
    } catch (error) {
      options.log(`${request.method} ${url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
      answer = {
        status: 500,
        json: { error: { code: 'InternalServerError', message: 'Local Azure failed on this request.' } },
      };
    }
    const raw = {
      started,
      method: request.method,
      url: target.startsWith('/') ? `${baseUrl}${target}` : target,
      requestHeaders: req.headers,
      requestBody: body,
    };
    if (answer === DROP_CONNECTION) {
      if (record) options.traffic.record({ ...raw, status: 0, responseHeaders: {}, responseBody: null });
      req.socket.destroy();
      return;
    }
    const payload = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
    const headers: Record<string, string> = {
      ...(answer.json !== undefined ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...(answer.headers ?? {}),
    };
    if (record) {
      options.traffic.record({
        ...raw,
        status: answer.status,
        responseHeaders: headers,
        responseBody: answer.json !== undefined ? answer.json : answer.text || null,
      });
    }
    res.writeHead(answer.status, { ...headers, 'Content-Length': String(Buffer.byteLength(payload)) });
    res.end(request.method === 'HEAD' ? undefined : payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;

  return {
    port,
    baseUrl,
    setHandler: (h) => {
      handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * The request target as a URL on local Azure's host. The target is a path (and query), never a
 * host: `//subscriptions/…` (what @azure/arm-resources' getById sends for an id with its leading
 * slash) is the path `/subscriptions/…`, because duplicate slashes are collapsed as Resource Manager
 * tolerates them. An absolute-form target (`https://host/path`) gives its path and query.
 */
export function requestUrl(target: string, baseUrl: string): URL {
  const url = new URL(baseUrl);
  const absolute = /^[a-z][a-z\d+.-]*:\/\//i.test(target) ? URL.parse(target) : null;
  const queryAt = target.indexOf('?');
  const path = absolute ? absolute.pathname : queryAt < 0 ? target : target.slice(0, queryAt);
  url.pathname = path; // the pathname setter never reads a host, and reads a backslash as a slash
  url.pathname = url.pathname.replace(/\/{2,}/g, '/');
  url.search = absolute ? absolute.search : queryAt < 0 ? '' : target.slice(queryAt);
  return url;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new Error(`request body larger than ${MAX_REQUEST_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
