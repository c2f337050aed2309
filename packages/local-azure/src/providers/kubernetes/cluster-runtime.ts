// The Kubernetes clusters local Azure declares, as running things: nodes, namespaces and, for
// Arc clusters, the Arc agents and the connectivity Azure sees. Connectivity is never driven
// by timers: it is computed on read from a few timestamps and ctx.clock, so a test with a
// fake clock sees every transition deterministically.
//
// Rules (what the Arc service does with the agents' heartbeats):
// - A connected cluster resource that no agent has reported to is `Connecting`.
// - Agents running → `Connected` once `delayMs('connectivity')` has passed since the later of
//   "agents started" and "resource created" (the agents need the resource to report to).
// - Agents stopped after they had connected → still `Connected` for the delay (last heartbeat
//   is recent), then `Offline`. Stopped before they ever connected → stays `Connecting`.
// - `Offline` longer than the managed identity certificate lives (90 days) → `Expired`.
// - The admin hook can force `Offline` (cleared when the agents start again) or `Expired`
//   (cleared only by onboarding again or by forcing `Connected`).

import type { ProviderContext, ResourceStore } from '../../arm/contract.js';
import type { ClusterConfig, ClusterKind, NodeConfig } from '../../config/types.js';
import { CONNECTED_CLUSTER_TYPE, clusterResourceId, MANAGED_CLUSTER_TYPE, sameName } from './arm.js';

export type ConnectivityStatus = 'Connecting' | 'Connected' | 'Offline' | 'Expired';

/** The Arc agent release local Azure's clusters run unless told otherwise. */
export const DEFAULT_AGENT_VERSION = '1.21.10';

/** How long the Arc managed identity certificate lives after the agents last connected. */
export const CERTIFICATE_LIFETIME_MS = 90 * 24 * 60 * 60 * 1000;

export interface Connectivity {
  readonly status: ConnectivityStatus;
  /** Last heartbeat; absent while the agents have never reported. */
  readonly lastConnectivityTime?: number;
  readonly certificateExpirationTime?: number;
  /** Whether the agents have ever reported (kubernetesVersion, node counts, agentVersion are known). */
  readonly reported: boolean;
}

export class ClusterRuntime {
  readonly config: ClusterConfig;
  readonly #namespaces: string[];
  #agentsRunning = false;
  #agentVersion = DEFAULT_AGENT_VERSION;
  #agentsChangedAt: number | undefined;
  /** When the connected cluster resource was created (undefined: no resource). */
  #onboardedAt: number | undefined;
  /** Start of the last connected session that has ended, and its last heartbeat. */
  #lastSession: { readonly connectedAt: number; readonly lastHeartbeat: number } | undefined;
  #forced: { readonly status: 'Offline' | 'Expired'; readonly at: number } | undefined;

  constructor(config: ClusterConfig) {
    this.config = config;
    this.#namespaces = [...config.namespaces];
  }

  get name(): string {
    return this.config.name;
  }

  get kind(): ClusterKind {
    return this.config.kind;
  }

  get nodes(): readonly NodeConfig[] {
    return this.config.nodes;
  }

  get namespaces(): readonly string[] {
    return [...this.#namespaces];
  }

  get agentsRunning(): boolean {
    return this.#agentsRunning;
  }

  get agentVersion(): string {
    return this.#agentVersion;
  }

  get onboarded(): boolean {
    return this.#onboardedAt !== undefined;
  }

  get totalCoreCount(): number {
    return this.config.nodes.reduce((sum, node) => sum + node.cpu, 0);
  }

  /** The ARM id of this cluster's resource (connected cluster for Arc, managed cluster for AKS). */
  resourceId(subscriptionId: string): string {
    const type = this.kind === 'arc' ? CONNECTED_CLUSTER_TYPE : MANAGED_CLUSTER_TYPE;
    return clusterResourceId(subscriptionId, this.config.resourceGroup, type, this.name);
  }

  hasNamespace(namespace: string): boolean {
    return this.#namespaces.includes(namespace);
  }

  /** Adds namespaces that do not exist yet; returns the ones added. */
  addNamespaces(namespaces: readonly string[]): string[] {
    const added = [...new Set(namespaces)].filter((ns) => !this.#namespaces.includes(ns));
    this.#namespaces.push(...added);
    return added;
  }

  /** The connected cluster resource was created (onboarding): a fresh identity, nothing reported yet. */
  onboard(now: number): void {
    this.#onboardedAt = now;
    this.#lastSession = undefined;
    this.#forced = undefined;
  }

  /** The connected cluster resource was deleted. */
  offboard(): void {
    this.#onboardedAt = undefined;
    this.#lastSession = undefined;
    this.#forced = undefined;
  }

  /** The agents start (again): a forced `Offline` ends, they connect after the connectivity delay. */
  startAgents(now: number, agentVersion?: string): void {
    if (agentVersion) this.#agentVersion = agentVersion;
    if (this.#forced?.status === 'Offline') this.#forced = undefined;
    if (this.#agentsRunning) return;
    this.#agentsRunning = true;
    this.#agentsChangedAt = now;
  }

  stopAgents(now: number, delayMs: number): void {
    if (!this.#agentsRunning) return;
    const session = this.#currentSession(now, delayMs);
    if (session) this.#lastSession = { connectedAt: session, lastHeartbeat: now };
    this.#agentsRunning = false;
    this.#agentsChangedAt = now;
  }

  /** The admin hook: force a status now. `Connected` clears any forced status and starts the agents connected. */
  force(status: 'Offline' | 'Expired' | 'Connected', now: number, delayMs: number): void {
    if (status === 'Connected') {
      this.#forced = undefined;
      this.#agentsRunning = true;
      this.#agentsChangedAt = now - delayMs;
      if (this.#onboardedAt !== undefined && this.#onboardedAt > now - delayMs) this.#onboardedAt = now - delayMs;
      return;
    }
    const session = this.#currentSession(now, delayMs);
    if (session !== undefined) this.#lastSession = { connectedAt: session, lastHeartbeat: now };
    this.#forced = { status, at: now };
  }

  connectivity(now: number, delayMs: number): Connectivity {
    const last = this.#lastSession;
    const expiresAfterLast = last ? last.connectedAt + CERTIFICATE_LIFETIME_MS : undefined;
    if (this.#forced) {
      const heartbeat = last?.lastHeartbeat;
      return {
        status: this.#forced.status,
        ...(heartbeat !== undefined ? { lastConnectivityTime: heartbeat } : {}),
        certificateExpirationTime:
          this.#forced.status === 'Expired' ? this.#forced.at : (expiresAfterLast ?? this.#forced.at),
        reported: last !== undefined,
      };
    }
    const session = this.#currentSession(now, delayMs);
    if (session !== undefined) {
      return {
        status: 'Connected',
        lastConnectivityTime: now,
        certificateExpirationTime: session + CERTIFICATE_LIFETIME_MS,
        reported: true,
      };
    }
    if (last) {
      const offlineAt = last.lastHeartbeat + delayMs;
      if (now < offlineAt) {
        return {
          status: 'Connected',
          lastConnectivityTime: last.lastHeartbeat,
          certificateExpirationTime: expiresAfterLast!,
          reported: true,
        };
      }
      return {
        status: now >= expiresAfterLast! ? 'Expired' : 'Offline',
        lastConnectivityTime: last.lastHeartbeat,
        certificateExpirationTime: expiresAfterLast!,
        reported: true,
      };
    }
    return { status: 'Connecting', reported: false };
  }

  /** When the running agents' current session connected (or undefined when they are not connected now). */
  #currentSession(now: number, delayMs: number): number | undefined {
    if (!this.#agentsRunning || this.#onboardedAt === undefined || this.#agentsChangedAt === undefined)
      return undefined;
    const connectedAt = Math.max(this.#agentsChangedAt, this.#onboardedAt) + delayMs;
    return now >= connectedAt ? connectedAt : undefined;
  }

  /** What the admin route shows. */
  snapshot(ctx: ProviderContext): Record<string, unknown> {
    const delay = ctx.delayMs('connectivity');
    const view = this.connectivity(ctx.clock.now(), delay);
    return {
      name: this.name,
      resourceGroup: this.config.resourceGroup,
      kind: this.kind,
      kubernetesVersion: this.config.kubernetesVersion,
      ...(this.config.distribution ? { distribution: this.config.distribution } : {}),
      ...(this.config.infrastructure ? { infrastructure: this.config.infrastructure } : {}),
      resourceId: this.resourceId(ctx.config.subscriptionId),
      nodes: this.config.nodes,
      namespaces: this.namespaces,
      ...(this.kind === 'arc'
        ? {
            onboarded: this.onboarded,
            agents: { running: this.#agentsRunning, agentVersion: this.#agentVersion },
            connectivity: {
              status: this.onboarded ? view.status : 'NotOnboarded',
              ...(view.lastConnectivityTime !== undefined
                ? { lastConnectivityTime: new Date(view.lastConnectivityTime).toISOString() }
                : {}),
              ...(this.#forced ? { forced: this.#forced.status } : {}),
            },
          }
        : {}),
    };
  }
}

const runtimesByStore = new WeakMap<ResourceStore, Map<string, ClusterRuntime>>();

/** Every declared cluster's runtime for this local Azure (one set per store), created on first use. */
export function clusterRuntimes(ctx: ProviderContext): ReadonlyMap<string, ClusterRuntime> {
  let runtimes = runtimesByStore.get(ctx.store);
  if (!runtimes) {
    runtimes = new Map(ctx.config.clusters.map((cluster) => [cluster.name.toLowerCase(), new ClusterRuntime(cluster)]));
    runtimesByStore.set(ctx.store, runtimes);
  }
  return runtimes;
}

/** The declared cluster of that name, if any. */
export function getClusterRuntime(ctx: ProviderContext, clusterName: string): ClusterRuntime | undefined {
  return clusterRuntimes(ctx).get(clusterName.toLowerCase());
}

/**
 * The runtime behind an ARM cluster resource id (connected or managed cluster): the declared
 * cluster with that kind, name and resource group. A connected cluster resource created under
 * another name or group has no runtime behind it: no agent ever reports to it.
 */
export function clusterRuntimeFor(ctx: ProviderContext, resourceId: string): ClusterRuntime | undefined {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+\/[^/]+)\/([^/]+)$/i.exec(
    resourceId.replace(/\/+$/, ''),
  );
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, type, name] = match as unknown as [string, string, string, string, string];
  if (!sameName(subscriptionId, ctx.config.subscriptionId)) return undefined;
  const runtime = getClusterRuntime(ctx, name);
  if (!runtime || !sameName(runtime.config.resourceGroup, resourceGroup)) return undefined;
  const kind: ClusterKind | undefined = sameName(type, CONNECTED_CLUSTER_TYPE)
    ? 'arc'
    : sameName(type, MANAGED_CLUSTER_TYPE)
      ? 'aks'
      : undefined;
  return runtime.kind === kind ? runtime : undefined;
}
