// References between Azure ML resources in request bodies (a job's computeId, environmentId and
// codeId, a deployment's model): ARM ids of this workspace must name something that exists;
// registry references (azureml://registries/…) are accepted as they are.

import type { ProviderContext, ResourceJson } from '../../arm/contract.js';
import type { AssetSegment } from './assets.js';
import { objectAt, sameId, userError } from './common.js';

const WORKSPACE_PREFIX =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+/i;

export function isRegistryReference(reference: string): boolean {
  return /^azureml:\/\/registries\//i.test(reference);
}

/** The compute a body names by ARM id: it must be a compute of this workspace. */
export function resolveCompute(
  ctx: ProviderContext,
  workspace: ResourceJson,
  reference: string,
  target: string,
): ResourceJson {
  const match = /^(.*)\/computes\/([^/]+)$/i.exec(reference.trim());
  if (!match || !WORKSPACE_PREFIX.test(reference)) {
    throw userError(
      `'${target}' must be the ARM id of a compute in workspace '${workspace.name}' (${workspace.id}/computes/{name}); got '${reference}'.`,
      target,
    );
  }
  const [, parent = '', name = ''] = match;
  if (!sameId(parent, workspace.id)) {
    throw userError(
      `Compute '${reference}' is not in workspace '${workspace.name}'; use a compute attached to this workspace.`,
      target,
    );
  }
  const compute = ctx.store.get(`${workspace.id}/computes/${name}`);
  if (!compute) {
    throw userError(
      `Compute '${name}' was not found in workspace '${workspace.name}' (${target} '${reference}'). Attach the cluster as a compute first.`,
      target,
      404,
    );
  }
  return compute;
}

/**
 * An asset version a body names: an ARM id of this workspace (checked), an
 * `azureml://locations/…/workspaces/…/{segment}/{name}/versions/{v}` id of this workspace (checked)
 * or a registry asset (accepted). Returns the stored version when it is one of this workspace's.
 */
export function resolveAssetVersion(
  ctx: ProviderContext,
  workspace: ResourceJson,
  reference: string,
  segment: AssetSegment,
  target: string,
): ResourceJson | undefined {
  const label = LABELS[segment];
  if (isRegistryReference(reference)) return undefined;
  const armPattern = new RegExp(`^(.*)/${segment}/([^/]+)/versions/([^/]+)$`, 'i');
  const arm = armPattern.exec(reference.trim());
  if (arm && WORKSPACE_PREFIX.test(reference)) {
    const [, parent = '', name = '', version = ''] = arm;
    if (!sameId(parent, workspace.id)) {
      throw userError(`${label} '${reference}' is in another workspace than '${workspace.name}'.`, target);
    }
    return requireVersion(ctx, workspace, segment, name, version, reference, target);
  }
  const uri = new RegExp(
    `^azureml://locations/[^/]+/workspaces/([^/]+)/${segment}/([^/]+)/versions/([^/]+)$`,
    'i',
  ).exec(reference.trim());
  if (uri) {
    const [, guid = '', name = '', version = ''] = uri;
    if (guid.toLowerCase() !== String(objectAt(workspace, 'properties')['workspaceId']).toLowerCase()) {
      throw userError(`${label} '${reference}' names another workspace than '${workspace.name}'.`, target);
    }
    return requireVersion(ctx, workspace, segment, name, version, reference, target);
  }
  throw userError(
    `'${target}' must be the ARM id of a ${label.toLowerCase()} version (${workspace.id}/${segment}/{name}/versions/{version}) or a registry reference (azureml://registries/…); got '${reference}'.`,
    target,
  );
}

function requireVersion(
  ctx: ProviderContext,
  workspace: ResourceJson,
  segment: AssetSegment,
  name: string,
  version: string,
  reference: string,
  target: string,
): ResourceJson {
  const found = ctx.store.get(`${workspace.id}/${segment}/${name}/versions/${version}`);
  if (!found) {
    throw userError(
      `${LABELS[segment]} '${name}' version '${version}' was not found in workspace '${workspace.name}' (${target} '${reference}').`,
      target,
      404,
    );
  }
  return found;
}

const LABELS: Record<AssetSegment, string> = {
  codes: 'Code',
  environments: 'Environment',
  models: 'Model',
  data: 'Data',
  components: 'Component',
};

/**
 * Checks a job input or output URI that names something in this workspace: a datastore path
 * (azureml://datastores/{name}/paths/…) or a data asset (azureml:{name}:{version} or its ARM id).
 * Other URIs (https, wasbs, abfss, registry assets, job outputs) are accepted as they are.
 */
export function checkDataUri(ctx: ProviderContext, workspace: ResourceJson, uri: string, target: string): void {
  const datastore = /^azureml:\/\/datastores\/([^/]+)\/paths(\/|$)/i.exec(uri);
  if (datastore) {
    const name = datastore[1] ?? '';
    if (!ctx.store.get(`${workspace.id}/datastores/${name}`)) {
      throw userError(
        `Datastore '${name}' named by '${target}' ('${uri}') was not found in workspace '${workspace.name}'.`,
        target,
        404,
      );
    }
    return;
  }
  const short = /^azureml:([^/:]+):([^/:]+)$/i.exec(uri);
  if (short) {
    const [, name = '', version = ''] = short;
    requireVersion(ctx, workspace, 'data', name, version, uri, target);
    return;
  }
  if (WORKSPACE_PREFIX.test(uri) && /\/data\/[^/]+\/versions\/[^/]+$/i.test(uri)) {
    resolveAssetVersion(ctx, workspace, uri, 'data', target);
  }
}
