// The admin API under /_admin: faults, minting GitHub request tokens (another branch, environment,
// an expired token) and access tokens, and the providers' own test hooks. Guarded by the admin
// token kept in the state dir; not part of the traffic record.

import { timingSafeEqual } from 'node:crypto';
import type { AdminRoute, ProviderContext, ResourceProvider } from './arm/contract.js';
import { ArmError } from './arm/contract.js';
import { RouteTable } from './arm/router.js';
import type { EntraId } from './auth/entra.js';
import type { GitHubOidcIssuer, RequestTokenSpec } from './auth/github-oidc.js';
import type { FaultsConfig } from './config/types.js';
import type { Faults } from './faults.js';
import { type HttpAnswer, type HttpRequest, header, json } from './http/types.js';
import { ARM_AUDIENCE } from './metadata.js';

export interface AdminDeps {
  readonly token: string;
  readonly faults: Faults;
  readonly github: GitHubOidcIssuer;
  readonly entra: EntraId;
  readonly providers: readonly ResourceProvider[];
  readonly ctx: ProviderContext;
  health(): Record<string, unknown>;
}

type Handler = (params: Readonly<Record<string, string>>, body: unknown) => HttpAnswer | Promise<HttpAnswer>;

interface Entry {
  readonly method: string;
  readonly path: string;
  readonly handle: Handler;
}

export function adminHandler(deps: AdminDeps): (req: HttpRequest, subPath: string) => Promise<HttpAnswer> {
  const table = new RouteTable<Entry>([...builtInRoutes(deps), ...providerRoutes(deps)]);
  return async (req, subPath) => {
    if (subPath === '/health' && req.method === 'GET') return json(200, deps.health());
    if (!authorized(req, deps.token)) {
      return json(401, {
        error: { code: 'Unauthorized', message: 'The admin API needs the admin token of this state dir.' },
      });
    }
    const match = table.match(req.method, subPath);
    if (match.kind === 'none') return json(404, { error: { code: 'NotFound', message: `No admin route ${subPath}.` } });
    if (match.kind === 'method') {
      return json(405, { error: { code: 'MethodNotAllowed', message: `Use ${match.allowed.join(' or ')}.` } });
    }
    let body: unknown;
    try {
      body = req.body.length ? JSON.parse(req.body.toString('utf8')) : undefined;
    } catch (error) {
      return json(400, { error: { code: 'InvalidRequestContent', message: (error as Error).message } });
    }
    try {
      return await match.value.handle(match.params, body);
    } catch (error) {
      if (error instanceof ArmError) return json(error.status, error.toBody());
      return json(400, { error: { code: 'BadRequest', message: (error as Error).message } });
    }
  };
}

function builtInRoutes(deps: AdminDeps): Entry[] {
  const faults =
    (f: () => unknown): Handler =>
    () =>
      json(200, f());
  return [
    { method: 'GET', path: '/faults', handle: faults(() => deps.faults.state()) },
    {
      method: 'PUT',
      path: '/faults',
      handle: (_p, body) => json(200, deps.faults.replace((body ?? {}) as FaultsConfig)),
    },
    {
      method: 'PATCH',
      path: '/faults',
      handle: (_p, body) => json(200, deps.faults.merge((body ?? {}) as FaultsConfig)),
    },
    { method: 'DELETE', path: '/faults', handle: faults(() => deps.faults.replace({})) },
    {
      method: 'POST',
      path: '/github/request-tokens',
      handle: (_p, body) => {
        const spec = requestTokenSpec(body);
        return json(201, { requestToken: deps.github.mintRequestToken(spec), requestUrl: deps.github.requestUrl });
      },
    },
    {
      method: 'POST',
      path: '/github/id-tokens',
      handle: async (_p, body) => {
        const spec = requestTokenSpec(body);
        const audience = (body as { audience?: unknown } | undefined)?.audience;
        const idToken = await deps.github.idToken(
          spec,
          typeof audience === 'string' ? audience : 'api://AzureADTokenExchange',
        );
        return json(201, { idToken });
      },
    },
    {
      method: 'POST',
      path: '/entra/access-tokens',
      handle: async (_p, body) => {
        const b = (body ?? {}) as { clientId?: unknown; resource?: unknown; lifetimeSeconds?: unknown };
        const clientId = typeof b.clientId === 'string' ? b.clientId : deps.ctx.config.apps[0]?.clientId;
        const app = clientId ? deps.entra.findApp(clientId) : undefined;
        if (!app) throw new Error(`no app registration with client id ${String(clientId)}`);
        const lifetime = typeof b.lifetimeSeconds === 'number' ? b.lifetimeSeconds : undefined;
        const resource = typeof b.resource === 'string' ? b.resource : ARM_AUDIENCE;
        const { token, expiresIn } = await deps.entra.issueAccessToken(app, resource, lifetime);
        return json(201, { accessToken: token, expiresIn });
      },
    },
  ];
}

function providerRoutes(deps: AdminDeps): Entry[] {
  return deps.providers.flatMap((provider) =>
    (provider.admin ?? []).map(
      (route: AdminRoute): Entry => ({
        method: route.method,
        path: route.path,
        handle: async (params, body) => {
          const result = await route.handle(params, body, deps.ctx);
          return { status: result.status, json: result.body, headers: { ...(result.headers ?? {}) } };
        },
      }),
    ),
  );
}

function requestTokenSpec(body: unknown): RequestTokenSpec {
  const b = (body ?? {}) as { claims?: unknown; lifetimeSeconds?: unknown };
  if (b.claims !== undefined && (typeof b.claims !== 'object' || b.claims === null || Array.isArray(b.claims))) {
    throw new Error('claims: expected an object of claim overrides');
  }
  if (b.lifetimeSeconds !== undefined && typeof b.lifetimeSeconds !== 'number') {
    throw new Error('lifetimeSeconds: expected a number of seconds');
  }
  return {
    ...(b.claims ? { claims: b.claims as Record<string, unknown> } : {}),
    ...(typeof b.lifetimeSeconds === 'number' ? { lifetimeSeconds: b.lifetimeSeconds } : {}),
  };
}

function authorized(req: HttpRequest, token: string): boolean {
  const presented =
    header(req, 'x-arc-ml-admin-token') ?? /^bearer\s+(.+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
  if (!presented) return false;
  const a = Buffer.from(presented.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
