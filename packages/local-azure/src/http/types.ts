import type { IncomingHttpHeaders } from 'node:http';

/** A request as every local Azure service sees it: the body already read. */
export interface HttpRequest {
  readonly method: string;
  /** Absolute URL on local Azure's own host. */
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** An answer: a JSON value (serialised by the server), a text, or nothing. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
  readonly text?: string;
}

/** A fault that closes the connection without any answer. */
export const DROP_CONNECTION = Symbol('drop connection');

export type HttpHandler = (req: HttpRequest) => Promise<HttpAnswer | typeof DROP_CONNECTION>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return { status, json: body, headers };
}

export function header(req: HttpRequest, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
