// A client of the admin API, for tests and tooling: works in-process (startLocalAzure) and against
// a running `arc-ml local up` (connectLocalAzure). It trusts the local CA itself, so it needs no
// process-wide TLS setup.

import { request } from 'node:https';
import type { RequestTokenSpec } from './auth/github-oidc.js';
import type { FaultsConfig } from './config/types.js';
import type { FaultsState } from './faults.js';

export class AdminError extends Error {
  override name = 'AdminError';

  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
  ) {
    super(message);
  }
}

export class AdminClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly caPem: string,
  ) {}

  health(): Promise<Record<string, unknown>> {
    return this.request('GET', '/health');
  }

  faults(): Promise<FaultsState> {
    return this.request('GET', '/faults');
  }

  /** Replaces every fault (counters restart). */
  setFaults(faults: FaultsConfig): Promise<FaultsState> {
    return this.request('PUT', '/faults', faults);
  }

  /** Changes only the faults given. */
  updateFaults(faults: FaultsConfig): Promise<FaultsState> {
    return this.request('PATCH', '/faults', faults);
  }

  clearFaults(): Promise<FaultsState> {
    return this.request('DELETE', '/faults');
  }

  /** A request token whose ID tokens carry other claims (branch, environment, expiry, …). */
  mintRequestToken(spec: RequestTokenSpec = {}): Promise<{ requestToken: string; requestUrl: string }> {
    return this.request('POST', '/github/request-tokens', spec);
  }

  /** A GitHub ID token directly (audience defaults to api://AzureADTokenExchange). */
  async mintIdToken(spec: RequestTokenSpec & { audience?: string } = {}): Promise<string> {
    return (await this.request<{ idToken: string }>('POST', '/github/id-tokens', spec)).idToken;
  }

  /** An access token for Resource Manager without the sign-in dance (negative lifetime: expired). */
  async mintAccessToken(options: { clientId?: string; resource?: string; lifetimeSeconds?: number } = {}) {
    return (await this.request<{ accessToken: string }>('POST', '/entra/access-tokens', options)).accessToken;
  }

  /** Any admin route, the providers' included: `path` is below /_admin. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(`/_admin${path}`, this.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<T>((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: this.caPem,
          headers: {
            'x-arc-ml-admin-token': this.token,
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {}
            const status = res.statusCode ?? 0;
            if (status >= 400) {
              const message = (parsed as { error?: { message?: string } })?.error?.message ?? text;
              reject(new AdminError(status, parsed, `${method} /_admin${path}: ${status} ${message}`));
            } else {
              resolve(parsed as T);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}
