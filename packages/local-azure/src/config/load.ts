// Reads a config file (YAML or JSON), fills what it leaves out from the default config, and checks
// it, naming the exact field that is wrong. Top-level fields the file omits come from
// DEFAULT_CONFIG; lists the file gives replace the default lists.

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { BUILT_IN_ROLES, ROLE_ALIASES } from '../arm/rbac.js';
import { validateFaults } from '../faults.js';
import { DEFAULT_CONFIG } from './default-config.js';
import type { ClusterConfig, LocalAzureConfig, NodeConfig } from './types.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfigFile(file: string): LocalAzureConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  try {
    return normalizeConfig(raw ?? {});
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NAME = /^[-\w._()]{1,90}$/;

/** Fills defaults into a partial config and validates the result. */
export function normalizeConfig(input: unknown): LocalAzureConfig {
  const raw = object(input, 'config');
  const known = new Set([...Object.keys(DEFAULT_CONFIG), 'roleDefinitions', 'faults', 'ports']);
  for (const key of Object.keys(raw)) {
    if (!known.has(key)) throw new ConfigError(`config.${key}: unknown field (known: ${[...known].join(', ')})`);
  }
  const merged = { ...DEFAULT_CONFIG, ...raw } as Record<string, unknown>;

  const tenantId = string(merged.tenantId, 'config.tenantId', GUID, 'a GUID');
  const subscriptionId = string(merged.subscriptionId, 'config.subscriptionId', GUID, 'a GUID');
  const location = string(merged.location, 'config.location', /^[a-z0-9]+$/, 'an Azure region name such as eastus');

  const resourceGroups = array(merged.resourceGroups, 'config.resourceGroups').map((item, i) => {
    const where = `config.resourceGroups[${i}]`;
    const rg = object(item, where);
    return {
      name: string(rg.name, `${where}.name`, NAME, '1–90 letters, digits, and - _ . ( )'),
      ...(rg.location === undefined ? {} : { location: string(rg.location, `${where}.location`) }),
    };
  });
  unique(
    resourceGroups.map((rg) => rg.name.toLowerCase()),
    'config.resourceGroups',
  );
  const groupNames = new Set(resourceGroups.map((rg) => rg.name.toLowerCase()));
  const inGroup = (name: string, where: string) => {
    if (!groupNames.has(name.toLowerCase())) {
      throw new ConfigError(`${where}: resource group "${name}" is not declared in config.resourceGroups`);
    }
  };

  const roleDefinitions = array(merged.roleDefinitions ?? [], 'config.roleDefinitions').map((item, i) => {
    const where = `config.roleDefinitions[${i}]`;
    const role = object(item, where);
    return {
      name: string(role.name, `${where}.name`),
      actions: array(role.actions, `${where}.actions`).map((a, j) => string(a, `${where}.actions[${j}]`)),
      notActions: array(role.notActions ?? [], `${where}.notActions`).map((a, j) =>
        string(a, `${where}.notActions[${j}]`),
      ),
    };
  });
  const roleNames = new Set(
    [...Object.keys(BUILT_IN_ROLES), ...Object.keys(ROLE_ALIASES), ...roleDefinitions.map((r) => r.name)].map(lower),
  );

  const apps = array(merged.apps, 'config.apps').map((item, i) => {
    const where = `config.apps[${i}]`;
    const app = object(item, where);
    return {
      displayName: string(app.displayName, `${where}.displayName`),
      clientId: string(app.clientId, `${where}.clientId`, GUID, 'a GUID'),
      objectId: string(app.objectId, `${where}.objectId`, GUID, 'a GUID'),
      federatedCredentials: array(app.federatedCredentials, `${where}.federatedCredentials`).map((fic, j) => {
        const at = `${where}.federatedCredentials[${j}]`;
        const credential = object(fic, at);
        return {
          name: string(credential.name, `${at}.name`),
          issuer: string(credential.issuer, `${at}.issuer`),
          subject: string(credential.subject, `${at}.subject`),
          audiences: array(credential.audiences ?? ['api://AzureADTokenExchange'], `${at}.audiences`).map((a, k) =>
            string(a, `${at}.audiences[${k}]`),
          ),
        };
      }),
      roleAssignments: array(app.roleAssignments ?? [], `${where}.roleAssignments`).map((ra, j) => {
        const at = `${where}.roleAssignments[${j}]`;
        const assignment = object(ra, at);
        const role = string(assignment.role, `${at}.role`);
        if (!roleNames.has(lower(role))) {
          throw new ConfigError(`${at}.role: unknown role "${role}" (known: ${[...roleNames].join(', ')})`);
        }
        const scope = string(assignment.scope, `${at}.scope`, /^\/subscriptions\/[^/]+(\/.*)?$/, 'an ARM scope');
        return { role, scope };
      }),
    };
  });
  unique(
    apps.map((a) => a.clientId.toLowerCase()),
    'config.apps (clientId)',
  );

  const gh = object(merged.github, 'config.github');
  const github = {
    repository: string(gh.repository, 'config.github.repository', /^[^/\s]+\/[^/\s]+$/, 'OWNER/REPO'),
    ref: string(gh.ref, 'config.github.ref', /^refs\//, 'a ref such as refs/heads/main'),
    ...(gh.environment === undefined ? {} : { environment: string(gh.environment, 'config.github.environment') }),
    sha: string(gh.sha, 'config.github.sha', /^[0-9a-f]{40}$/, 'a 40-character commit sha'),
    workflow: string(gh.workflow, 'config.github.workflow'),
  };

  const workspaces = array(merged.workspaces, 'config.workspaces').map((item, i) => {
    const where = `config.workspaces[${i}]`;
    const ws = object(item, where);
    const resourceGroup = string(ws.resourceGroup, `${where}.resourceGroup`);
    inGroup(resourceGroup, `${where}.resourceGroup`);
    return {
      name: string(ws.name, `${where}.name`, /^[a-zA-Z0-9][\w-]{2,32}$/, '3–33 letters, digits, - and _'),
      resourceGroup,
      ...(ws.location === undefined ? {} : { location: string(ws.location, `${where}.location`) }),
    };
  });

  const clusters = array(merged.clusters, 'config.clusters').map((item, i) => cluster(item, `config.clusters[${i}]`));
  for (const [i, c] of clusters.entries()) inGroup(c.resourceGroup, `config.clusters[${i}].resourceGroup`);
  // a cluster's runtime, kubeconfig and admin routes go by its name alone
  unique(
    clusters.map((c) => c.name.toLowerCase()),
    'config.clusters (name)',
  );

  const delays = object(merged.delays, 'config.delays');
  for (const [kind, ms] of Object.entries(delays)) {
    if (typeof ms !== 'number' || !(ms >= 0)) throw new ConfigError(`config.delays.${kind}: expected milliseconds ≥ 0`);
  }

  if (merged.faults !== undefined) {
    try {
      validateFaults(merged.faults, 'config.faults');
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  const ports = merged.ports === undefined ? undefined : object(merged.ports, 'config.ports');
  for (const [key, port] of Object.entries(ports ?? {})) {
    if (!['https', 'blob'].includes(key))
      throw new ConfigError(`config.ports.${key}: unknown port (known: https, blob)`);
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ConfigError(`config.ports.${key}: expected a port number`);
    }
  }

  return {
    tenantId,
    subscriptionId,
    subscriptionName: string(merged.subscriptionName, 'config.subscriptionName'),
    location,
    resourceGroups,
    apps,
    github,
    workspaces,
    clusters,
    delays: delays as Record<string, number>,
    ...(roleDefinitions.length ? { roleDefinitions } : {}),
    ...(merged.faults === undefined ? {} : { faults: merged.faults as LocalAzureConfig['faults'] }),
    ...(ports ? { ports: ports as LocalAzureConfig['ports'] } : {}),
  };
}

function cluster(item: unknown, where: string): ClusterConfig {
  const c = object(item, where);
  const kind = string(c.kind, `${where}.kind`, /^(arc|aks)$/, '"arc" or "aks"') as 'arc' | 'aks';
  const nodes = array(c.nodes, `${where}.nodes`).map((n, i) => node(n, `${where}.nodes[${i}]`));
  if (nodes.length === 0) throw new ConfigError(`${where}.nodes: a cluster needs at least one node`);
  return {
    name: string(c.name, `${where}.name`, /^[a-zA-Z0-9][-\w]{0,62}$/, '1–63 letters, digits, - and _'),
    resourceGroup: string(c.resourceGroup, `${where}.resourceGroup`),
    kind,
    ...(c.location === undefined ? {} : { location: string(c.location, `${where}.location`) }),
    kubernetesVersion: string(
      c.kubernetesVersion ?? '1.30.4',
      `${where}.kubernetesVersion`,
      /^\d+\.\d+\.\d+$/,
      'x.y.z',
    ),
    ...(c.distribution === undefined ? {} : { distribution: string(c.distribution, `${where}.distribution`) }),
    ...(c.infrastructure === undefined ? {} : { infrastructure: string(c.infrastructure, `${where}.infrastructure`) }),
    connected: boolean(c.connected ?? false, `${where}.connected`),
    namespaces: array(c.namespaces ?? ['default', 'kube-system'], `${where}.namespaces`).map((ns, i) =>
      string(ns, `${where}.namespaces[${i}]`, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Kubernetes namespace name'),
    ),
    nodes,
  };
}

function node(item: unknown, where: string): NodeConfig {
  const n = object(item, where);
  const os = string(n.os ?? 'linux', `${where}.os`, /^(linux|windows)$/, '"linux" or "windows"') as 'linux' | 'windows';
  const labels = object(n.labels ?? { 'kubernetes.io/os': os }, `${where}.labels`);
  for (const [key, value] of Object.entries(labels)) string(value, `${where}.labels.${key}`);
  return {
    name: string(n.name, `${where}.name`),
    cpu: number(n.cpu, `${where}.cpu`),
    memoryGi: number(n.memoryGi, `${where}.memoryGi`),
    gpu: number(n.gpu ?? 0, `${where}.gpu`),
    os,
    labels: labels as Record<string, string>,
  };
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${where}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new ConfigError(`${where}: expected a list`);
  return value;
}

function string(value: unknown, where: string, pattern?: RegExp, what?: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ConfigError(`${where}: expected a non-empty string`);
  if (pattern && !pattern.test(value)) throw new ConfigError(`${where}: "${value}" is not ${what ?? pattern.source}`);
  return value;
}

function number(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0)) throw new ConfigError(`${where}: expected a number ≥ 0`);
  return value;
}

function boolean(value: unknown, where: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${where}: expected true or false`);
  return value;
}

function unique(values: string[], where: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    if (seen.has(value)) throw new ConfigError(`${where}: "${value}" is declared twice`);
    seen.add(value);
  }
}

const lower = (s: string) => s.toLowerCase();

/**
 * Replaces the placeholders a config may use: '{subscription}' in role-assignment scopes and
 * '{github}' (local Azure's own OIDC issuer) in federated credentials.
 */
export function resolvePlaceholders(config: LocalAzureConfig, githubIssuer: string): LocalAzureConfig {
  return {
    ...config,
    apps: config.apps.map((app) => ({
      ...app,
      federatedCredentials: app.federatedCredentials.map((fic) => ({
        ...fic,
        issuer: fic.issuer.replaceAll('{github}', githubIssuer),
      })),
      roleAssignments: app.roleAssignments.map((ra) => ({
        ...ra,
        scope: ra.scope.replaceAll('{subscription}', config.subscriptionId),
      })),
    })),
  };
}
