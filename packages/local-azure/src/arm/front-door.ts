// Resource Manager's front door: everything common to ARM before and after a resource provider
// answers — faults, bearer-token check (401), route lookup (404/405), api-version (400), request
// JSON (400), subscription and resource group existence (404), role check (403), the
// long-running-operation status URLs, list filtering, and the headers ARM puts on every answer.

import { randomUUID } from 'node:crypto';
import { AccessTokenError, type EntraId } from '../auth/entra.js';
import type { Faults } from '../faults.js';
import { DROP_CONNECTION, type HttpAnswer, type HttpRequest, header } from '../http/types.js';
import {
  ArmError,
  type ArmRequest,
  type ArmResult,
  type Caller,
  type HttpMethod,
  type ProviderContext,
  type ResourceProvider,
  type Route,
} from './contract.js';
import {
  authorizationFailed,
  invalidApiVersion,
  invalidRequestContent,
  missingApiVersion,
  resourceGroupNotFound,
  subscriptionNotFound,
} from './errors.js';
import type { OperationRegistry } from './operations.js';
import type { RoleAssignments } from './rbac.js';
import { RouteTable, splitPath } from './router.js';

const METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD'];
const MAX_BODY_BYTES = 4 * 1024 * 1024;
const OPERATION_PATH =
  /^\/subscriptions\/([^/]+)\/providers\/([^/]+)\/locations\/([^/]+)\/(operationStatuses|operationResults)\/([^/]+)$/i;

export interface FrontDoorDeps {
  readonly ctx: ProviderContext;
  readonly providers: readonly ResourceProvider[];
  readonly entra: EntraId;
  readonly rbac: RoleAssignments;
  readonly faults: Faults;
  readonly operations: OperationRegistry;
  log(message: string): void;
}

export class ArmFrontDoor {
  readonly #routes: RouteTable<Route>;
  readonly #namespaces: Set<string>;
  readonly #limits = new RateLimits();

  constructor(private readonly deps: FrontDoorDeps) {
    this.#routes = new RouteTable(deps.providers.flatMap((p) => p.routes));
    this.#namespaces = new Set(deps.providers.map((p) => p.namespace.toLowerCase()));
  }

  /** Whether a path belongs to Resource Manager. */
  static serves(path: string): boolean {
    const lower = path.toLowerCase();
    return lower === '/subscriptions' || lower.startsWith('/subscriptions/') || lower.startsWith('/providers/');
  }

  async handle(req: HttpRequest): Promise<HttpAnswer | typeof DROP_CONNECTION> {
    const requestId = randomUUID();
    const correlationId =
      header(req, 'x-ms-correlation-request-id') ??
      header(req, 'x-ms-client-request-id') ??
      header(req, 'client-request-id') ??
      randomUUID();
    const common = this.#commonHeaders(req, requestId, correlationId);

    const fault = this.deps.faults.onArmRequest(req.url.pathname);
    if (fault?.kind === 'drop') return DROP_CONNECTION;
    if (fault) {
      const answer = this.#faultAnswer(fault, correlationId, requestId);
      return { ...answer, headers: { ...common, ...answer.headers } };
    }

    try {
      const result = await this.#serve(req);
      return this.#answer(req, result, common);
    } catch (error) {
      if (error instanceof ArmError) {
        const extra: Record<string, string> =
          error instanceof UnauthorizedError ? { 'WWW-Authenticate': error.challenge } : {};
        return this.#answer(req, { status: error.status, body: error.toBody(), headers: extra }, common);
      }
      this.deps.log(`ARM ${req.method} ${req.url.pathname} failed: ${(error as Error)?.stack ?? String(error)}`);
      const body = new ArmError(
        500,
        'InternalServerError',
        `Encountered internal server error. Diagnostic information: timestamp '${new Date().toISOString()}', tracking id '${requestId}', request correlation id '${correlationId}'.`,
      ).toBody();
      return this.#answer(req, { status: 500, body }, common);
    }
  }

  async #serve(req: HttpRequest): Promise<ArmResult> {
    const method = req.method.toUpperCase() as HttpMethod;
    const caller = await this.#authenticate(req);
    const path = req.url.pathname.replace(/\/+$/, '') || '/';
    const match = METHODS.includes(method) ? this.#routes.match(method, path) : ({ kind: 'none' } as const);

    if (match.kind !== 'found') {
      const operation = OPERATION_PATH.exec(path);
      if (operation && method === 'GET') {
        this.#checkSubscription(operation[1]!);
        return operation[4]!.toLowerCase() === 'operationstatuses'
          ? this.deps.operations.status(operation[5]!)
          : this.deps.operations.result(operation[5]!, req.url);
      }
      if (match.kind === 'method') {
        throw new ArmError(
          405,
          'HttpMethodNotSupported',
          `The requested resource does not support http method '${req.method}'. Supported: ${match.allowed.join(', ')}.`,
        );
      }
      throw this.#unknownRoute(path, apiVersionOf(req.url));
    }

    const route = match.value;
    const apiVersion = apiVersionOf(req.url);
    if (apiVersion === undefined) throw missingApiVersion();
    if (!route.apiVersions.includes(apiVersion)) throw invalidApiVersion(apiVersion, route.apiVersions);

    const body = parseBody(req.body);
    const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    if (subscriptionId) this.#checkSubscription(subscriptionId);

    const armRequest: ArmRequest = {
      method,
      url: req.url,
      params: match.params,
      query: req.url.searchParams,
      headers: req.headers,
      body,
      caller,
      apiVersion,
    };
    const filterList = this.#authorize(route, armRequest, path);
    this.#checkResourceGroup(path);

    const result = await route.handle(armRequest, this.deps.ctx);
    return filterList ? this.#filterList(result, caller, route.action) : result;
  }

  async #authenticate(req: HttpRequest): Promise<Caller> {
    const authorization = header(req, 'authorization');
    if (!authorization) {
      throw new UnauthorizedError(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        "The authentication failed because of missing 'Authorization' header.",
        this.#loginUri(),
      );
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match?.[1]) {
      const scheme = authorization.trim().split(/\s+/)[0] ?? '';
      throw new UnauthorizedError(
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is provided in an invalid format.",
        `The authentication scheme of ${scheme} is not supported.`,
        this.#loginUri(),
      );
    }
    try {
      return await this.deps.entra.verifyAccessToken(match[1]);
    } catch (error) {
      if (error instanceof AccessTokenError) {
        throw new UnauthorizedError(error.code, error.message, error.description, this.#loginUri());
      }
      throw error;
    }
  }

  /** The role check; answers whether a list answer must be filtered to what the caller may read. */
  #authorize(route: Route, req: ArmRequest, path: string): boolean {
    const scope = route.scope?.(req) ?? path;
    const rbac = this.deps.rbac;
    if (!/^\/subscriptions\//i.test(scope)) return true; // tenant-level reads: any signed-in caller; lists filtered
    if (rbac.allows(req.caller, route.action, scope)) return false;
    const reading = req.method === 'GET' || req.method === 'HEAD';
    const container = isCollection(route.path) || /^\/subscriptions\/[^/]+$/i.test(scope);
    if (reading && container && rbac.allowsSomewhereBelow(req.caller, route.action, scope)) return true;
    throw authorizationFailed(req.caller.clientId, req.caller.objectId, route.action, scope);
  }

  #filterList(result: ArmResult, caller: Caller, action: string): ArmResult {
    const body = result.body as { value?: unknown } | undefined;
    if (!body || !Array.isArray(body.value)) return result;
    // ARM hides the subscriptions, groups and resources the caller may not read (not provider registrations)
    const value = body.value.filter((item) => {
      const id = (item as { id?: unknown })?.id;
      if (typeof id !== 'string' || !/^\/subscriptions\/[^/]+(\/resourcegroups\/.+)?$/i.test(id)) return true;
      return this.deps.rbac.allowsSomewhereBelow(caller, action, id);
    });
    return { ...result, body: { ...body, value } };
  }

  #checkSubscription(id: string): void {
    if (id.toLowerCase() !== this.deps.ctx.config.subscriptionId.toLowerCase()) throw subscriptionNotFound(id);
  }

  /** ARM answers ResourceGroupNotFound before any provider sees a request below a missing group. */
  #checkResourceGroup(path: string): void {
    const parts = splitPath(path);
    if (parts.length <= 4 || parts[2]?.toLowerCase() !== 'resourcegroups') return;
    const group = `/subscriptions/${parts[1]}/resourceGroups/${parts[3]}`;
    if (!this.deps.ctx.store.get(group)) throw resourceGroupNotFound(decodeURIComponent(parts[3] ?? ''));
  }

  #unknownRoute(path: string, apiVersion: string | undefined): ArmError {
    const parts = splitPath(path);
    const index = parts.map((p) => p.toLowerCase()).lastIndexOf('providers');
    const namespace = index >= 0 ? parts[index + 1] : undefined;
    if (!namespace) {
      return new ArmError(404, 'NotFound', `The path '${path}' is not served by Azure Resource Manager.`);
    }
    if (!this.#namespaces.has(namespace.toLowerCase())) {
      return new ArmError(400, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);
    }
    const types = parts.slice(index + 2).filter((_, i) => i % 2 === 0);
    return new ArmError(
      404,
      'InvalidResourceType',
      `The resource type '${types.join('/')}' could not be found in the namespace '${namespace}' for api version '${apiVersion ?? ''}'.`,
    );
  }

  #faultAnswer(
    fault: Exclude<ReturnType<Faults['onArmRequest']>, undefined | { kind: 'drop' }>,
    correlationId: string,
    requestId: string,
  ): HttpAnswer {
    if (fault.kind === 'throttle') {
      const subscription = this.deps.ctx.config.subscriptionId;
      return {
        status: 429,
        headers: { 'Retry-After': String(fault.retryAfterSeconds) },
        json: new ArmError(
          429,
          'SubscriptionRequestsThrottled',
          `Number of requests for subscription '${subscription}' exceeded the limit (a local Azure throttling fault). Please try again after '${fault.retryAfterSeconds}' seconds.`,
        ).toBody(),
      };
    }
    const retryAfter: Record<string, string> =
      fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
    const error =
      fault.status === 503
        ? new ArmError(
            503,
            'ServiceUnavailable',
            'The service is temporarily unavailable (a local Azure fault). Please try again later.',
          )
        : new ArmError(
            500,
            'InternalServerError',
            `Encountered internal server error (a local Azure fault). Diagnostic information: timestamp '${new Date().toISOString()}', tracking id '${requestId}', request correlation id '${correlationId}'.`,
          );
    return { status: fault.status, headers: retryAfter, json: error.toBody() };
  }

  #answer(req: HttpRequest, result: ArmResult, common: Record<string, string>): HttpAnswer {
    const headers = { ...common, ...(result.headers ?? {}) };
    if (req.method === 'HEAD' || result.body === undefined) return { status: result.status, headers };
    return { status: result.status, headers, json: result.body };
  }

  #commonHeaders(req: HttpRequest, requestId: string, correlationId: string): Record<string, string> {
    const reading = req.method === 'GET' || req.method === 'HEAD';
    const kind = reading ? 'reads' : req.method === 'DELETE' ? 'deletes' : 'writes';
    const stamp = new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d+Z$/, 'Z');
    return {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-cache',
      Pragma: 'no-cache',
      Expires: '-1',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Content-Type-Options': 'nosniff',
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': correlationId,
      'x-ms-routing-request-id': `${this.deps.ctx.config.location.toUpperCase()}:${stamp}:${requestId}`,
      [`x-ms-ratelimit-remaining-subscription-${kind}`]: String(this.#limits.take(kind)),
    };
  }

  #loginUri(): string {
    return `${this.deps.ctx.baseUrl}/`;
  }
}

/** A 401 with its WWW-Authenticate challenge. */
class UnauthorizedError extends ArmError {
  readonly challenge: string;

  constructor(code: string, message: string, description: string, loginUri: string) {
    super(401, code, message);
    this.challenge = `Bearer authorization_uri="${loginUri}", error="invalid_token", error_description="${description.replaceAll('"', "'")}"`;
  }
}

/** ARM's per-hour request budgets, as the x-ms-ratelimit-remaining-* headers report them. */
class RateLimits {
  #window = 0;
  readonly #used = new Map<string, number>();
  static readonly BUDGET: Record<string, number> = { reads: 12000, writes: 1200, deletes: 15000 };

  take(kind: string): number {
    const hour = Math.floor(Date.now() / 3_600_000);
    if (hour !== this.#window) {
      this.#window = hour;
      this.#used.clear();
    }
    const used = (this.#used.get(kind) ?? 0) + 1;
    this.#used.set(kind, used);
    return Math.max(0, (RateLimits.BUDGET[kind] ?? 1200) - used);
  }
}

function apiVersionOf(url: URL): string | undefined {
  for (const [key, value] of url.searchParams) if (key.toLowerCase() === 'api-version') return value;
  return undefined;
}

function parseBody(body: Buffer): unknown {
  if (body.length > MAX_BODY_BYTES) {
    throw new ArmError(
      413,
      'RequestEntityTooLarge',
      `The request content size exceeds the maximum of ${MAX_BODY_BYTES} bytes.`,
    );
  }
  const text = body.toString('utf8');
  if (text.trim().length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidRequestContent((error as Error).message);
  }
}

/** A collection path: its last segment is a literal (…/resourcegroups, …/workspaces/{w}/computes). */
function isCollection(template: string): boolean {
  const last = splitPath(template).at(-1) ?? '';
  return !last.startsWith('{');
}
