// Role-based access control as ARM does it: role definitions are lists of action patterns ('*'
// matches any text) minus notActions; an assignment on a scope holds for everything below it.

import type { LocalAzureConfig, RoleDefinitionConfig } from '../config/types.js';
import type { Caller } from './contract.js';

export interface RoleDefinition {
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
}

/** Built-in roles, with the (control-plane) actions of their Azure definitions. */
export const BUILT_IN_ROLES: Readonly<Record<string, RoleDefinition>> = {
  Owner: { actions: ['*'], notActions: [] },
  Contributor: {
    actions: ['*'],
    notActions: [
      'Microsoft.Authorization/*/Delete',
      'Microsoft.Authorization/*/Write',
      'Microsoft.Authorization/elevateAccess/Action',
      'Microsoft.Blueprint/blueprintAssignments/write',
      'Microsoft.Blueprint/blueprintAssignments/delete',
      'Microsoft.Compute/galleries/share/action',
      'Microsoft.Purview/consents/write',
      'Microsoft.Purview/consents/delete',
      'Microsoft.Resources/deploymentStacks/manageDenySetting/action',
      'Microsoft.Subscription/cancel/action',
      'Microsoft.Subscription/enable/action',
    ],
  },
  Reader: { actions: ['*/read'], notActions: [] },
  'User Access Administrator': {
    actions: ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*'],
    notActions: [],
  },
  'AzureML Data Scientist': {
    actions: [
      'Microsoft.MachineLearningServices/workspaces/*/read',
      'Microsoft.MachineLearningServices/workspaces/*/action',
      'Microsoft.MachineLearningServices/workspaces/*/delete',
      'Microsoft.MachineLearningServices/workspaces/*/write',
    ],
    notActions: [
      'Microsoft.MachineLearningServices/workspaces/delete',
      'Microsoft.MachineLearningServices/workspaces/write',
      'Microsoft.MachineLearningServices/workspaces/computes/*/write',
      'Microsoft.MachineLearningServices/workspaces/computes/*/delete',
      'Microsoft.MachineLearningServices/workspaces/computes/listKeys/action',
      'Microsoft.MachineLearningServices/workspaces/listKeys/action',
      'Microsoft.MachineLearningServices/workspaces/hubs/write',
      'Microsoft.MachineLearningServices/workspaces/hubs/delete',
      'Microsoft.MachineLearningServices/workspaces/featurestores/write',
      'Microsoft.MachineLearningServices/workspaces/featurestores/delete',
    ],
  },
  'AzureML Compute Operator': {
    actions: [
      'Microsoft.MachineLearningServices/workspaces/computes/*',
      'Microsoft.MachineLearningServices/workspaces/notebooks/vm/*',
    ],
    notActions: [],
  },
  'Kubernetes Extension Contributor': {
    actions: [
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.KubernetesConfiguration/extensions/write',
      'Microsoft.KubernetesConfiguration/extensions/read',
      'Microsoft.KubernetesConfiguration/extensions/delete',
      'Microsoft.KubernetesConfiguration/extensions/operations/read',
    ],
    notActions: [],
  },
  'Kubernetes Cluster - Azure Arc Onboarding': {
    actions: [
      'Microsoft.Authorization/*/read',
      'Microsoft.Insights/AlertRules/Write',
      'Microsoft.Resources/subscriptions/operationresults/read',
      'Microsoft.Resources/subscriptions/read',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.Resources/deployments/write',
      'Microsoft.Kubernetes/connectedClusters/Write',
      'Microsoft.Kubernetes/connectedClusters/read',
      'Microsoft.Support/*',
    ],
    notActions: [],
  },
  'Azure Kubernetes Service Cluster User Role': {
    actions: [
      'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
      'Microsoft.ContainerService/managedClusters/read',
    ],
    notActions: [],
  },
  'Azure Kubernetes Service Contributor Role': {
    actions: [
      'Microsoft.Insights/alertRules/*',
      'Microsoft.Resources/deployments/*',
      'Microsoft.Resources/subscriptions/resourceGroups/read',
      'Microsoft.ContainerService/managedClusters/read',
      'Microsoft.ContainerService/managedClusters/write',
      'Microsoft.Support/*',
    ],
    notActions: [],
  },
};

/** Short names accepted in the config for roles whose Azure name is long. */
export const ROLE_ALIASES: Readonly<Record<string, string>> = {
  'azure arc onboarding': 'Kubernetes Cluster - Azure Arc Onboarding',
};

interface Assignment {
  readonly principalId: string;
  readonly scope: string;
  readonly role: RoleDefinition;
}

export class RoleAssignments {
  readonly #assignments: Assignment[];

  constructor(config: LocalAzureConfig) {
    const roles = new Map<string, RoleDefinition>();
    for (const [name, role] of Object.entries(BUILT_IN_ROLES)) roles.set(name.toLowerCase(), role);
    for (const role of config.roleDefinitions ?? []) roles.set(role.name.toLowerCase(), definitionOf(role));
    for (const [alias, name] of Object.entries(ROLE_ALIASES)) roles.set(alias, roles.get(name.toLowerCase())!);
    this.#assignments = config.apps.flatMap((app) =>
      app.roleAssignments.map((ra) => {
        const role = roles.get(ra.role.toLowerCase());
        if (!role) throw new Error(`unknown role "${ra.role}" assigned to ${app.displayName}`);
        return { principalId: app.objectId.toLowerCase(), scope: normalizeScope(ra.scope), role };
      }),
    );
  }

  /** Whether an assignment on `scope` or above it allows `action`. */
  allows(caller: Caller, action: string, scope: string): boolean {
    const target = normalizeScope(scope);
    return this.#of(caller).some((a) => contains(a.scope, target) && permits(a.role, action));
  }

  /** Whether an assignment anywhere at or below `scope` (or above it) allows `action`: ARM's rule for lists. */
  allowsSomewhereBelow(caller: Caller, action: string, scope: string): boolean {
    const target = normalizeScope(scope);
    return this.#of(caller).some(
      (a) => (contains(a.scope, target) || contains(target, a.scope)) && permits(a.role, action),
    );
  }

  #of(caller: Caller): Assignment[] {
    const id = caller.objectId.toLowerCase();
    return this.#assignments.filter((a) => a.principalId === id);
  }
}

function definitionOf(role: RoleDefinitionConfig): RoleDefinition {
  return { actions: role.actions, notActions: role.notActions ?? [] };
}

export function permits(role: RoleDefinition, action: string): boolean {
  return role.actions.some((p) => actionMatches(p, action)) && !role.notActions.some((p) => actionMatches(p, action));
}

/** ARM action patterns: case-insensitive, `*` matches any text (including `/`). */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${regex}$`, 'i').test(action);
}

function normalizeScope(scope: string): string {
  return scope.toLowerCase().replace(/\/+$/, '') || '/';
}

/** Whether `outer` is `inner` or one of its ancestors (whole segments). */
function contains(outer: string, inner: string): boolean {
  return outer === '/' || inner === outer || inner.startsWith(`${outer}/`);
}
