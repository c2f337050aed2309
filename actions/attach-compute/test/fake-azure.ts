// A fake of the action's AzurePort: an in-memory workspace, clusters and extensions, recording every
// read and write so tests assert what was asked of Azure (and that nothing was written).
import { type FakeActionIO, fakeActionIO } from '@arc-ml/actions-kit/testing';
import { type ClusterRef, computeId, type WorkspaceRef } from '@arc-ml/azure';
import { fakeTime } from '@arc-ml/azure/testing';
import type { AttachBody, ComputeState, InstanceTypeBody } from '../src/attachment.js';
import type { AzurePort, ComputeRef, ExtensionState, OperationWait } from '../src/azure-port.js';
import type { Deps } from '../src/main.js';

export const SUB = '00000000-0000-4000-8000-000000000001';
export const RG = 'arc-ml-rg';
export const WS: WorkspaceRef = { subscriptionId: SUB, resourceGroup: RG, workspaceName: 'mlw-arc' };
export const ARC_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Kubernetes/connectedClusters/arc-k3s`;
export const AKS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-ml`;
export const COMPUTE_ID = computeId(WS, 'k8s');

/** Inputs of a typical step: compute k8s on the Arc cluster with one instance type. */
export const INPUTS: Readonly<Record<string, string>> = {
  'client-id': '11111111-0000-4000-8000-000000000001',
  'tenant-id': '72f988bf-0000-4000-8000-000000000001',
  'subscription-id': SUB,
  'resource-group': RG,
  workspace: 'mlw-arc',
  'compute-name': 'k8s',
  'cluster-id': ARC_ID,
  'instance-types': [
    'small:',
    '  resources:',
    '    requests: { cpu: 500m, memory: 1Gi }',
    '    limits: { cpu: 1, memory: 2Gi }',
    '',
  ].join('\n'),
  'default-instance-type': 'small',
};

/** The Kubernetes compute the attach request of INPUTS describes (its `properties`). */
export const SMALL_ATTACHMENT = {
  computeType: 'Kubernetes',
  resourceId: ARC_ID,
  properties: {
    namespace: 'default',
    defaultInstanceType: 'small',
    instanceTypes: {
      small: { resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
    },
  },
};

/** The instance types of INPUTS as Azure answers them: other spellings, nulls, its own default type added. */
export const SMALL_AS_AZURE_ANSWERS: Record<string, InstanceTypeBody> = {
  defaultinstancetype: {
    nodeSelector: null,
    resources: {
      requests: { cpu: '100m', memory: '2Gi' },
      limits: { cpu: '2', memory: '2Gi', 'nvidia.com/gpu': null },
    },
  },
  small: {
    nodeSelector: null,
    resources: {
      limits: { memory: '2048Mi', cpu: '1000m', 'nvidia.com/gpu': null },
      requests: { memory: '1Gi', cpu: '0.5' },
    },
  },
};

export function computeState(overrides: Partial<ComputeState> = {}): ComputeState {
  return {
    id: COMPUTE_ID,
    name: 'k8s',
    computeType: 'Kubernetes',
    provisioningState: 'Succeeded',
    clusterId: ARC_ID,
    namespace: undefined,
    defaultInstanceType: 'small',
    instanceTypes: SMALL_AS_AZURE_ANSWERS,
    identityType: undefined,
    provisioningErrors: [],
    ...overrides,
  };
}

type Call = string;

export class FakeAzure implements AzurePort {
  readonly computes = new Map<string, ComputeState>();
  readonly connected = new Map<string, { connectivityStatus: string }>();
  readonly managed = new Set<string>();
  readonly extensions = new Map<string, ExtensionState[]>();
  /** Every call in order, e.g. `getCompute k8s`, `attach k8s`. */
  readonly calls: Call[] = [];
  /** The bodies of attach requests. */
  readonly attachBodies: AttachBody[] = [];
  /** States a compute goes through on the next reads (for computes caught mid-operation). */
  readonly upcoming = new Map<string, (ComputeState | undefined)[]>();
  attachError: unknown;
  workspaceLocation: string | undefined = 'eastus';
  /** Called before each write, e.g. to see what was logged by then. */
  onWrite: (what: string) => void = () => {};

  get writes(): Call[] {
    return this.calls.filter((call) => /^(attach|detach) /.test(call));
  }

  withCompute(state: ComputeState = computeState()): this {
    this.computes.set(state.name, state);
    return this;
  }

  withArcCluster(id = ARC_ID, connectivityStatus = 'Connected'): this {
    this.connected.set(id.toLowerCase(), { connectivityStatus });
    this.extensions.set(id.toLowerCase(), this.extensions.get(id.toLowerCase()) ?? []);
    return this;
  }

  withAksCluster(id = AKS_ID): this {
    this.managed.add(id.toLowerCase());
    this.extensions.set(id.toLowerCase(), this.extensions.get(id.toLowerCase()) ?? []);
    return this;
  }

  withExtension(
    clusterId = ARC_ID,
    provisioningState = 'Succeeded',
    extensionType = 'microsoft.azureml.kubernetes',
  ): this {
    const list = this.extensions.get(clusterId.toLowerCase()) ?? [];
    list.push({
      name: extensionType.toLowerCase().includes('azureml') ? 'azureml' : 'flux',
      extensionType,
      provisioningState,
      error: provisioningState === 'Failed' ? 'pod healthcheck failed: SslNotConfigured' : undefined,
    });
    this.extensions.set(clusterId.toLowerCase(), list);
    return this;
  }

  /** An Arc cluster, Connected, with a Succeeded AzureML extension. */
  readyArc(id = ARC_ID): this {
    return this.withArcCluster(id).withExtension(id);
  }

  async getCompute({ name }: ComputeRef): Promise<ComputeState | undefined> {
    this.calls.push(`getCompute ${name}`);
    const queued = this.upcoming.get(name);
    if (queued && queued.length > 0) {
      const next = queued.shift();
      if (next) this.computes.set(name, next);
      else this.computes.delete(name);
    }
    return this.computes.get(name);
  }

  async getWorkspaceLocation(workspace: WorkspaceRef): Promise<string | undefined> {
    this.calls.push(`getWorkspace ${workspace.workspaceName}`);
    return this.workspaceLocation;
  }

  async getConnectedCluster(cluster: ClusterRef) {
    this.calls.push(`getConnectedCluster ${cluster.clusterName}`);
    const found = this.connected.get(cluster.id.toLowerCase());
    return found ? { connectivityStatus: found.connectivityStatus, provisioningState: 'Succeeded' } : undefined;
  }

  async listClusterExtensions(cluster: ClusterRef): Promise<ExtensionState[] | undefined> {
    this.calls.push(`listExtensions ${cluster.clusterName}`);
    const exists = this.connected.has(cluster.id.toLowerCase()) || this.managed.has(cluster.id.toLowerCase());
    return exists ? [...(this.extensions.get(cluster.id.toLowerCase()) ?? [])] : undefined;
  }

  async attach({ name }: ComputeRef, body: AttachBody, wait: OperationWait): Promise<ComputeState> {
    this.onWrite(`attach ${name}`);
    this.calls.push(`attach ${name}`);
    this.attachBodies.push(structuredClone(body));
    wait.onProgress?.('Creating', 0);
    if (this.attachError) throw this.attachError;
    const kubernetes = body.properties.properties;
    const attached = computeState({
      clusterId: body.properties.resourceId,
      namespace: kubernetes.namespace,
      defaultInstanceType: kubernetes.defaultInstanceType,
      instanceTypes: { ...(kubernetes.instanceTypes ?? {}) },
      identityType: body.identity?.type,
    });
    wait.onProgress?.('Succeeded', 1);
    this.computes.set(name, attached);
    return attached;
  }

  async detach({ name }: ComputeRef, wait: OperationWait): Promise<void> {
    this.onWrite(`detach ${name}`);
    this.calls.push(`detach ${name}`);
    wait.onProgress?.('Deleting', 0);
    this.computes.delete(name);
  }
}

export function fakeAzure(): FakeAzure {
  return new FakeAzure();
}

export interface TestDeps extends Deps {
  readonly io: FakeActionIO;
  /** How many times the action signed in. */
  readonly connections: number[];
}

export function testDeps(options: { inputs?: Readonly<Record<string, string>>; azure: FakeAzure }): TestDeps {
  const time = fakeTime();
  const connections: number[] = [];
  return {
    io: fakeActionIO({ inputs: options.inputs ?? INPUTS }),
    clock: time.clock,
    sleep: time.sleep,
    connections,
    async connect() {
      connections.push(time.clock.now());
      return options.azure;
    },
  };
}
