/** The action's inputs, read once, checked together, typed. Nothing here talks to Azure. */
import { actionInputs, allOf, InputError, type InputReader, lengthBetween, pattern } from '@arc-ml/actions-kit';
import {
  type AzureSignInSettings,
  type ClusterRef,
  InvalidResourceIdError,
  parseClusterId,
  readSignInSettings,
  resourceGroupNameRule,
  type WorkspaceRef,
} from '@arc-ml/azure';
import type { Identity } from './attachment.js';
import { AZURE_DEFAULT_INSTANCE_TYPE, type InstanceType, parseInstanceTypes } from './instance-types.js';

export interface AttachSettings {
  readonly signIn: AzureSignInSettings;
  /** The workspace that receives the compute (in the sign-in subscription). */
  readonly workspace: WorkspaceRef;
  /** Azure ML's rule: 2–16 letters, digits and hyphens, starting with a letter, ending with a letter or digit. */
  readonly computeName: string;
  /** The Arc connected cluster or AKS managed cluster to attach. */
  readonly cluster: ClusterRef;
  /** Kubernetes namespace the compute's workloads run in; it must exist in the cluster. */
  readonly namespace: string;
  /** In the order written; empty when Azure ML's own `defaultinstancetype` is enough. */
  readonly instanceTypes: ReadonlyMap<string, InstanceType>;
  readonly defaultInstanceType: string | undefined;
  readonly identity: Identity;
  /** Detach and attach again when the attached compute differs (a Kubernetes compute cannot be updated). */
  readonly recreateOnChange: boolean;
  readonly timeoutMs: number;
}

/** Azure ML's compute name rule, as the service and `az ml compute attach` state it. */
export const COMPUTE_NAME_RULE = allOf(
  lengthBetween(2, 16),
  pattern(
    /^[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    'letters, digits and hyphens, starting with a letter and ending with a letter or digit',
  ),
);

/** The workspace name pattern of the Azure ML REST API. */
const WORKSPACE_RULE = pattern(
  /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/,
  "3 to 33 letters, digits, '_' and '-', starting with a letter or digit",
);

/** Kubernetes namespaces are RFC 1123 labels. */
const NAMESPACE_RULE = pattern(
  /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  "a Kubernetes namespace: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
);

export function getInputs(read: InputReader = actionInputs()): AttachSettings {
  const signIn = readSignInSettings(read);
  const resourceGroup = read.required('resource-group', resourceGroupNameRule);
  const workspaceName = read.required('workspace', WORKSPACE_RULE);
  const computeName = read.required('compute-name', COMPUTE_NAME_RULE);
  const cluster = readClusterId(read);
  const namespace = read.optional('namespace', NAMESPACE_RULE) ?? 'default';

  const document = read.document('instance-types');
  const instanceTypes = document ? parseInstanceTypes(document) : new Map<string, InstanceType>();
  const defaultInstanceType = read.optional('default-instance-type');
  if (defaultInstanceType !== undefined) checkDefaultInstanceType(defaultInstanceType, instanceTypes);

  const timeoutMs = read.duration('timeout', '15m');
  if (timeoutMs <= 0) throw new InputError('timeout', 'must be longer than 0; the default is 15m');

  return {
    signIn,
    workspace: { subscriptionId: signIn.subscriptionId, resourceGroup, workspaceName },
    computeName,
    cluster,
    namespace,
    instanceTypes,
    defaultInstanceType,
    identity: read.enumOf('identity', ['none', 'system'], 'none'),
    recreateOnChange: read.boolean('recreate-on-change', true),
    timeoutMs,
  };
}

function readClusterId(read: InputReader): ClusterRef {
  const value = read.required('cluster-id');
  try {
    return parseClusterId(value);
  } catch (error) {
    if (!(error instanceof InvalidResourceIdError)) throw error;
    throw new InputError('cluster-id', error.message, {
      hint: 'Use the id connect-arc prints as its cluster-id output: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Kubernetes/connectedClusters/<name> (Arc) or …/providers/Microsoft.ContainerService/managedClusters/<name> (AKS).',
      cause: error,
    });
  }
}

function checkDefaultInstanceType(name: string, instanceTypes: ReadonlyMap<string, InstanceType>): void {
  if (instanceTypes.has(name)) return;
  // Azure ML always has its own `defaultinstancetype`; naming it explicitly is allowed.
  if (name === AZURE_DEFAULT_INSTANCE_TYPE) return;
  const declared = [...instanceTypes.keys()];
  const sameButCase = declared.find((declaredName) => declaredName.toLowerCase() === name.toLowerCase());
  throw new InputError(
    'default-instance-type',
    `"${name}" is not one of instance-types (${declared.length > 0 ? declared.join(', ') : 'none declared'})`,
    {
      hint: sameButCase
        ? `names are compared exactly: write "${sameButCase}"`
        : `declare "${name}" under instance-types, or name one of the declared instance types`,
    },
  );
}
