import { describe, expect, it } from '@jest/globals';
import type { Caller } from '../src/arm/contract.js';
import { actionMatches, BUILT_IN_ROLES, permits, RoleAssignments } from '../src/arm/rbac.js';
import { RouteTable } from '../src/arm/router.js';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import { resolvePlaceholders } from '../src/config/load.js';

const SUB = `/subscriptions/${DEFAULT_CONFIG.subscriptionId}`;
const caller: Caller = {
  clientId: DEFAULT_CONFIG.apps[0]!.clientId,
  objectId: DEFAULT_CONFIG.apps[0]!.objectId,
  tenantId: DEFAULT_CONFIG.tenantId,
};

describe('action patterns', () => {
  it.each([
    ['*', 'Microsoft.Resources/subscriptions/resourceGroups/read', true],
    ['*/read', 'Microsoft.MachineLearningServices/workspaces/read', true],
    ['*/read', 'Microsoft.MachineLearningServices/workspaces/write', false],
    ['Microsoft.Authorization/*/Write', 'microsoft.authorization/roleAssignments/write', true],
    [
      'Microsoft.MachineLearningServices/workspaces/*/read',
      'Microsoft.MachineLearningServices/workspaces/jobs/read',
      true,
    ],
    ['Microsoft.MachineLearningServices/workspaces/*/read', 'Microsoft.MachineLearningServices/workspaces/read', false],
    ['Microsoft.Kubernetes/connectedClusters/Write', 'Microsoft.Kubernetes/connectedClusters/write', true],
  ])('%s matches %s: %s', (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  it('gives Contributor everything but role assignments', () => {
    const contributor = BUILT_IN_ROLES.Contributor!;
    expect(permits(contributor, 'Microsoft.MachineLearningServices/workspaces/computes/write')).toBe(true);
    expect(permits(contributor, 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
    expect(permits(contributor, 'Microsoft.Authorization/roleAssignments/read')).toBe(true);
  });

  it('keeps an AzureML Data Scientist away from computes and the workspace itself', () => {
    const scientist = BUILT_IN_ROLES['AzureML Data Scientist']!;
    expect(permits(scientist, 'Microsoft.MachineLearningServices/workspaces/jobs/write')).toBe(true);
    expect(permits(scientist, 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action')).toBe(
      true,
    );
    expect(permits(scientist, 'Microsoft.MachineLearningServices/workspaces/write')).toBe(false);
    expect(permits(scientist, 'Microsoft.MachineLearningServices/workspaces/computes/k8s/write')).toBe(false);
  });
});

describe('role assignments', () => {
  const assignments = new RoleAssignments(resolvePlaceholders(DEFAULT_CONFIG, 'https://issuer'));

  it('hold on their scope and everything below it, case-insensitively', () => {
    const rg = `${SUB}/resourceGroups/arc-ml-rg`;
    expect(assignments.allows(caller, 'Microsoft.Resources/subscriptions/resourceGroups/read', rg)).toBe(true);
    expect(assignments.allows(caller, 'x/write', `${SUB}/RESOURCEGROUPS/ARC-ML-RG/providers/Microsoft.X/y/z`)).toBe(
      true,
    );
    expect(assignments.allows(caller, 'x/read', `${SUB}/resourceGroups/arc-ml-rg2`)).toBe(false);
    expect(assignments.allows(caller, 'x/read', `${SUB}/resourceGroups/no-access-rg`)).toBe(false);
    expect(assignments.allows(caller, 'Microsoft.Resources/subscriptions/read', SUB)).toBe(false);
  });

  it('count for lists when an assignment lies below the listed scope', () => {
    expect(assignments.allowsSomewhereBelow(caller, 'Microsoft.Resources/subscriptions/read', SUB)).toBe(true);
    expect(assignments.allowsSomewhereBelow(caller, 'x/read', `${SUB}/resourceGroups/no-access-rg`)).toBe(false);
  });

  it('belong to their principal only', () => {
    const other = { ...caller, objectId: '99999999-0000-4000-8000-000000000000' };
    expect(assignments.allows(other, 'x/read', `${SUB}/resourceGroups/arc-ml-rg`)).toBe(false);
  });
});

describe('route templates', () => {
  const route = (method: string, path: string) => ({ method, path });

  it('match segments case-insensitively, decode parameters and prefer the most literal template', () => {
    const table = new RouteTable([
      route('POST', '/subscriptions/{subscriptionId}/providers/{namespace}/register'),
      route('POST', '/subscriptions/{subscriptionId}/providers/Microsoft.Kubernetes/register'),
      route('GET', '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}'),
    ]);
    const literal = table.match('POST', '/subscriptions/s/providers/microsoft.kubernetes/register');
    expect(literal).toMatchObject({
      kind: 'found',
      value: { path: '/subscriptions/{subscriptionId}/providers/Microsoft.Kubernetes/register' },
    });
    expect(table.match('GET', '/SUBSCRIPTIONS/s/resourceGroups/my%20rg')).toMatchObject({
      kind: 'found',
      params: { subscriptionId: 's', resourceGroupName: 'my rg' },
    });
    expect(table.match('DELETE', '/subscriptions/s/resourceGroups/rg')).toEqual({ kind: 'method', allowed: ['GET'] });
    expect(table.match('GET', '/subscriptions/s')).toEqual({ kind: 'none' });
  });

  it('refuse two routes for the same method and path shape', () => {
    expect(() => new RouteTable([route('GET', '/a/{x}'), route('GET', '/A/{y}')])).toThrow(/two routes for GET/);
  });
});
