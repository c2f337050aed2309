// Workspaces: declared in the config and seeded at start; read and listed like Azure's, with
// the properties clients use (workspaceId, discoveryUrl, mlFlowTrackingUri, associated
// resources). Creating or deleting workspaces through ARM is not served.

import { ArmError, type ArmRequest, type ProviderContext, type ResourceJson, type Route } from '../../arm/contract.js';
import type { WorkspaceConfig } from '../../config/types.js';
import {
  API_VERSIONS,
  listPage,
  NAMESPACE,
  ok,
  requireWorkspace,
  SEEDED_BY,
  stableUuid,
  systemData,
  WORKSPACE_TYPE,
  workspaceId,
  workspaceRoute,
} from './common.js';

/** The workspace resource local Azure serves for a declared workspace. */
export function workspaceResource(ctx: ProviderContext, config: WorkspaceConfig): ResourceJson {
  const subscriptionId = ctx.config.subscriptionId;
  const groupId = `/subscriptions/${subscriptionId}/resourceGroups/${config.resourceGroup}`;
  const id = workspaceId(subscriptionId, config.resourceGroup, config.name);
  const location = config.location ?? ctx.config.resourceGroups.find((g) => g.name === config.resourceGroup)?.location;
  const region = location ?? ctx.config.location;
  const suffix = stableUuid(`${id}/suffix`).replace(/-/g, '').slice(0, 8);
  const host = new URL(ctx.baseUrl).host;
  return {
    id,
    name: config.name,
    type: WORKSPACE_TYPE,
    location: region,
    tags: {},
    identity: {
      type: 'SystemAssigned',
      principalId: stableUuid(`${id}/identity`),
      tenantId: ctx.config.tenantId,
    },
    sku: { name: 'Basic', tier: 'Basic' },
    systemData: systemData(SEEDED_BY, ctx.clock.now()),
    properties: {
      friendlyName: config.name,
      description: '',
      workspaceId: stableUuid(id),
      storageAccount: `${groupId}/providers/Microsoft.Storage/storageAccounts/devstoreaccount1`,
      keyVault: `${groupId}/providers/Microsoft.KeyVault/vaults/kv${suffix}`,
      applicationInsights: `${groupId}/providers/Microsoft.Insights/components/${config.name}${suffix}`,
      discoveryUrl: `${ctx.baseUrl}/discovery`,
      mlFlowTrackingUri: `azureml://${host}/mlflow/v1.0${id}`,
      provisioningState: 'Succeeded',
      hbiWorkspace: false,
      publicNetworkAccess: 'Enabled',
      allowPublicAccessWhenBehindVnet: false,
      v1LegacyMode: false,
      tenantId: ctx.config.tenantId,
      storageHnsEnabled: false,
      privateLinkCount: 0,
    },
  };
}

export function seedWorkspaces(ctx: ProviderContext): ResourceJson[] {
  return ctx.config.workspaces.map((config) => {
    const resource = workspaceResource(ctx, config);
    return ctx.store.get(resource.id) ?? ctx.store.put(resource);
  });
}

export function workspaceRoutes(): Route[] {
  const read = 'workspaces/read';
  return [
    workspaceRoute('GET', '', read, (req, ctx) => ok(requireWorkspace(req, ctx))),
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces',
      apiVersions: API_VERSIONS,
      action: `${NAMESPACE}/${read}`,
      handle: (req, ctx) =>
        listWorkspaces(
          req,
          ctx,
          `/subscriptions/${req.params['subscriptionId']}/resourceGroups/${req.params['resourceGroupName']}`,
        ),
    },
    {
      method: 'GET',
      path: '/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces',
      apiVersions: API_VERSIONS,
      action: `${NAMESPACE}/${read}`,
      handle: (req, ctx) => listWorkspaces(req, ctx, `/subscriptions/${req.params['subscriptionId']}`),
    },
  ];
}

function listWorkspaces(req: ArmRequest, ctx: ProviderContext, scope: string) {
  const subscriptionId = req.params['subscriptionId'] ?? '';
  if (subscriptionId.toLowerCase() !== ctx.config.subscriptionId.toLowerCase()) {
    throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
  }
  const group = req.params['resourceGroupName'];
  if (group !== undefined && !ctx.store.get(scope) && !ctx.config.resourceGroups.some((g) => sameName(g.name, group))) {
    throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`);
  }
  const items = ctx.store.below(scope, WORKSPACE_TYPE).sort((a, b) => a.name.localeCompare(b.name));
  return listPage(req, items);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
