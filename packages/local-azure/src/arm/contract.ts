// The contract between local Azure's Resource Manager front door (router, auth, role checks,
// api-version checks, faults, traffic record) and the resource providers that serve requests.
// Providers are plain objects of routes; the front door does everything that is common to ARM.

import type { IncomingHttpHeaders } from 'node:http';
import type { LocalAzureConfig } from '../config/types.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE' | 'HEAD';

/** The signed-in principal, from the verified bearer token. */
export interface Caller {
  readonly clientId: string; // appid claim
  readonly objectId: string; // oid claim
  readonly tenantId: string; // tid claim
}

export interface ArmRequest {
  readonly method: HttpMethod;
  /** Absolute URL as received (on local Azure's own host). */
  readonly url: URL;
  /** Path template parameters, URL-decoded, exactly as the route's template names them. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the body is empty. Malformed JSON never reaches a provider. */
  readonly body: unknown;
  readonly caller: Caller;
  readonly apiVersion: string;
}

export interface ArmResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Thrown by providers (and the front door) to answer with ARM's error shape. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { readonly target?: string; readonly details?: readonly ArmErrorDetail[] } = {},
  ) {
    super(message);
    this.name = 'ArmError';
  }

  toBody(): { error: ArmErrorDetail } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.options.target ? { target: this.options.target } : {}),
        details: this.options.details ?? [],
      },
    };
  }
}

export interface ArmErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
  readonly details?: readonly ArmErrorDetail[];
}

export interface Route {
  readonly method: HttpMethod;
  /**
   * Path template, matched case-insensitively per segment, e.g.
   * '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}'
   */
  readonly path: string;
  /** api-versions this route serves; others get 400 InvalidApiVersionParameter listing these. */
  readonly apiVersions: readonly string[];
  /**
   * The RBAC action checked against the caller's role assignments on the scope, e.g.
   * 'Microsoft.MachineLearningServices/workspaces/computes/write'.
   */
  readonly action: string;
  /** Scope for the role check; defaults to the request path (its resource id). */
  scope?(req: ArmRequest): string;
  handle(req: ArmRequest, ctx: ProviderContext): ArmResult | Promise<ArmResult>;
}

export interface ResourceProvider {
  /** e.g. 'Microsoft.MachineLearningServices' */
  readonly namespace: string;
  /** Resource types with the api-versions served, for GET /subscriptions/{id}/providers/{namespace}. */
  readonly resourceTypes: readonly {
    readonly resourceType: string;
    readonly apiVersions: readonly string[];
    readonly locations?: readonly string[];
  }[];
  readonly routes: readonly Route[];
  /** Creates what exists from the start (workspaces, clusters, …) from the config. */
  seed?(ctx: ProviderContext): void;
  /** Test and tooling hooks served under `/_admin/…` (no ARM auth; guarded by the admin token). */
  readonly admin?: readonly AdminRoute[];
}

export interface AdminRoute {
  readonly method: HttpMethod;
  /** Path below /_admin, e.g. '/clusters/{clusterName}/agents'. */
  readonly path: string;
  handle(params: Readonly<Record<string, string>>, body: unknown, ctx: ProviderContext): ArmResult | Promise<ArmResult>;
}

/** A stored ARM resource: the JSON the service returns from GET (without secrets). */
export type ResourceJson = Record<string, unknown> & { id: string; name: string; type: string };

/** Case-insensitive, id-keyed store of every resource local Azure holds. */
export interface ResourceStore {
  get(id: string): ResourceJson | undefined;
  put(resource: ResourceJson): ResourceJson;
  delete(id: string): boolean;
  /** Direct children of `parentId` of the given type (e.g. 'Microsoft.MachineLearningServices/workspaces/computes'). */
  children(parentId: string, type: string): ResourceJson[];
  /** Resources of the given type anywhere below `scopeId` (a subscription or resource group id). */
  below(scopeId: string, type: string): ResourceJson[];
  /** Secret side data that GET never returns (keys, protected settings), keyed by resource id. */
  secrets(id: string): Record<string, unknown>;
}

/** A long-running operation started by a provider; the front door serves its status URL. */
export interface LongRunningOperation {
  readonly id: string;
  /** Absolute `Azure-AsyncOperation` URL on local Azure's own host. */
  readonly statusUrl: string;
  /** Absolute `Location` URL (operation result). */
  readonly resultUrl: string;
  /** Headers for the 201/202 answer: Azure-AsyncOperation, Location (when `location: true`), Retry-After. */
  headers(options?: { location?: boolean }): Record<string, string>;
}

export type OperationOutcome =
  | { readonly status: 'Succeeded' }
  | { readonly status: 'Failed' | 'Canceled'; readonly error: ArmErrorDetail };

export interface LongRunningOperations {
  /**
   * Starts an operation on `resourceId`. `work` runs after the provisioning delay for `kind`
   * (configurable, scaled by faults, zero in unit tests) and decides the outcome; while it runs the
   * status URL answers InProgress. A fault may force the next operation to end Failed.
   */
  start(
    resourceId: string,
    kind: string,
    work: () => Promise<OperationOutcome> | OperationOutcome,
  ): LongRunningOperation;
}

export interface Clock {
  now(): number;
}

export interface ProviderContext {
  readonly store: ResourceStore;
  readonly operations: LongRunningOperations;
  readonly clock: Clock;
  readonly config: LocalAzureConfig;
  /** https://host:port of local Azure (ARM, Entra, metadata and operation status URLs share it). */
  readonly baseUrl: string;
  /** Delay before a provisioning state moves on, in ms, for a kind such as 'extension' or 'compute'. */
  delayMs(kind: string): number;
  /** The blob storage (Azurite) local Azure runs: what a workspace's default datastore points at. */
  readonly storage: BlobStorage;
}

export interface BlobStorage {
  /** e.g. https://127.0.0.1:47444/devstoreaccount1 (path-style, as Azurite serves it). */
  readonly blobEndpoint: string;
  readonly accountName: string;
  readonly accountKey: string;
  /** The CA Azurite's HTTPS certificate chains to (local Azure's own), for clients in this process. */
  readonly caPem?: string;
}
