// Shared fixtures for the Azure ML provider tests: a context seeded with the default config and a
// fake blob storage, clusters and AzureML extensions written straight into the store (the
// Kubernetes providers own their lifecycle), request helpers and typical request bodies.

import type { HttpMethod, ResourceJson, ResourceProvider } from '../src/arm/contract.js';
import { DEFAULT_CONFIG } from '../src/config/default-config.js';
import {
  type MachineLearningProviderOptions,
  machineLearningProvider,
} from '../src/providers/machine-learning/index.js';
import type { StorageInfo } from '../src/providers/machine-learning/storage.js';
import {
  createTestContext,
  type DispatchResult,
  dispatch,
  type TestContext,
  type TestContextOptions,
} from '../src/providers/test-context.js';

export const SUB = DEFAULT_CONFIG.subscriptionId;
export const RG = 'arc-ml-rg';
export const WS = 'mlw-arc';
export const API = '2022-10-01';
export const WS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}`;
export const ARC_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Kubernetes/connectedClusters/arc-k3s`;
export const AKS_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.ContainerService/managedClusters/aks-ml`;
export const COMPUTE = 'k8s';
export const COMPUTE_ID = `${WS_ID}/computes/${COMPUTE}`;

export const STORAGE: StorageInfo = {
  blobEndpoint: 'https://127.0.0.1:47444/devstoreaccount1',
  accountName: 'devstoreaccount1',
  accountKey: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
};

/** A workspace path below the test workspace, e.g. ws('/computes/k8s'). */
export function ws(suffix = ''): string {
  return `${WS_ID}${suffix}`;
}

export interface Harness {
  readonly ctx: TestContext;
  readonly providers: ResourceProvider[];
  /** Containers the provider asked the storage to create. */
  readonly containers: string[];
  send(method: HttpMethod, path: string, body?: unknown): Promise<DispatchResult>;
  /** GET of a path, asserting 200, returning the body. */
  get(path: string): Promise<Record<string, unknown>>;
}

export interface HarnessOptions extends Omit<TestContextOptions, 'providers' | 'storage'> {
  readonly ml?: MachineLearningProviderOptions;
  /** A context without `storage` (no blob storage runs). */
  readonly noStorage?: boolean;
}

export function harness(options: HarnessOptions = {}): Harness {
  const containers: string[] = [];
  const provider = machineLearningProvider({
    createContainer: async (_storage, container) => {
      containers.push(container);
    },
    ...options.ml,
  });
  const { ml: _ml, noStorage, ...contextOptions } = options;
  const ctx = createTestContext({ ...contextOptions, storage: STORAGE });
  if (noStorage) delete (ctx as { storage?: unknown }).storage;
  provider.seed?.(ctx);
  const providers = [provider];
  const send = (method: HttpMethod, path: string, body?: unknown) => dispatch(providers, method, path, { ctx, body });
  return {
    ctx,
    providers,
    containers,
    send,
    get: async (path: string) => {
      const result = await send('GET', path);
      if (result.status !== 200)
        throw new Error(`GET ${path} answered ${result.status}: ${JSON.stringify(result.body)}`);
      return result.body as Record<string, unknown>;
    },
  };
}

// ---- clusters (what the Kubernetes providers would have stored) ------------------------------

export function putCluster(h: Harness, id = ARC_ID): void {
  const arc = id.includes('connectedClusters');
  h.ctx.store.put({
    id,
    name: id.split('/').at(-1) ?? '',
    type: arc ? 'Microsoft.Kubernetes/connectedClusters' : 'Microsoft.ContainerService/managedClusters',
    location: 'eastus',
    properties: arc
      ? { connectivityStatus: 'Connected', provisioningState: 'Succeeded' }
      : { provisioningState: 'Succeeded' },
  });
}

export function putExtension(
  h: Harness,
  clusterId = ARC_ID,
  provisioningState = 'Succeeded',
  name = 'azureml',
): ResourceJson {
  return h.ctx.store.put({
    id: `${clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
    name,
    type: 'Microsoft.KubernetesConfiguration/extensions',
    identity: { type: 'SystemAssigned', principalId: '5a1f1c2e-0000-4000-8000-0000000000e1' },
    properties: {
      extensionType: 'microsoft.azureml.kubernetes',
      releaseTrain: 'stable',
      provisioningState,
      configurationSettings: { enableTraining: 'true', enableInference: 'true' },
    },
  });
}

/** A cluster with a ready AzureML extension. */
export function readyCluster(h: Harness, id = ARC_ID): void {
  putCluster(h, id);
  putExtension(h, id);
}

// ---- bodies ---------------------------------------------------------------------------------

export const INSTANCE_TYPES = {
  cpusmall: {
    nodeSelector: null,
    resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } },
  },
  gpu: {
    nodeSelector: { accelerator: 'nvidia' },
    resources: {
      requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' },
    },
  },
};

export function computeBody(overrides: Record<string, unknown> = {}, kubernetes: Record<string, unknown> = {}) {
  return {
    location: 'eastus',
    identity: { type: 'SystemAssigned' },
    properties: {
      computeType: 'Kubernetes',
      description: 'Arc cluster',
      resourceId: ARC_ID,
      properties: {
        namespace: 'azureml',
        defaultInstanceType: 'cpusmall',
        instanceTypes: INSTANCE_TYPES,
        ...kubernetes,
      },
      ...overrides,
    },
  };
}

/** Attaches the Arc cluster as compute `k8s` (the cluster and its extension are made ready first). */
export async function attachCompute(h: Harness): Promise<void> {
  readyCluster(h);
  const result = await h.send('PUT', ws(`/computes/${COMPUTE}`), computeBody());
  if (result.status !== 201) throw new Error(`attach answered ${result.status}: ${JSON.stringify(result.body)}`);
}

export const ENV_ID = `${WS_ID}/environments/sklearn/versions/1`;
export const CODE_ID = `${WS_ID}/codes/train-src/versions/1`;
export const MODEL_ID = `${WS_ID}/models/mnist/versions/1`;
export const DATASTORE_URI = 'azureml://datastores/workspaceblobstore/paths/mnist/';

/** Creates an environment, a code and a model version the jobs and deployments can name. */
export async function createAssets(h: Harness): Promise<void> {
  const answers = await Promise.all([
    h.send('PUT', ws('/environments/sklearn/versions/1'), {
      properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest', condaFile: 'name: env' },
    }),
    h.send('PUT', ws('/codes/train-src/versions/1'), {
      properties: { codeUri: 'https://127.0.0.1:47444/devstoreaccount1/azureml-blobstore/LocalUpload/abc/src' },
    }),
    h.send('PUT', ws('/models/mnist/versions/1'), {
      properties: { modelUri: `${DATASTORE_URI}model`, modelType: 'custom_model' },
    }),
  ]);
  for (const answer of answers) {
    if (answer.status !== 201) throw new Error(`asset PUT answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
}

export function commandJob(overrides: Record<string, unknown> = {}) {
  return {
    properties: {
      jobType: 'Command',
      displayName: 'train mnist',
      experimentName: 'mnist',
      command: `python train.py --data \${{inputs.data}} --epochs \${{inputs.epochs}}`,
      environmentId: ENV_ID,
      codeId: CODE_ID,
      computeId: COMPUTE_ID,
      inputs: {
        data: { jobInputType: 'uri_folder', uri: DATASTORE_URI, mode: 'ReadOnlyMount' },
        epochs: { jobInputType: 'literal', value: '3' },
      },
      outputs: { model: { jobOutputType: 'mlflow_model', mode: 'Upload' } },
      resources: { instanceCount: 1, instanceType: 'cpusmall' },
      environmentVariables: { MLFLOW_TRACKING: 'on' },
      tags: { team: 'ml' },
      ...overrides,
    },
  };
}

/** The PUT body of an AzureBlob datastore on Azurite's account (container mnist) with these credentials. */
export function blobDatastoreBody(credentials: Record<string, unknown>, properties: Record<string, unknown> = {}) {
  return {
    properties: {
      datastoreType: 'AzureBlob',
      accountName: 'devstoreaccount1',
      containerName: 'mnist',
      endpoint: '127.0.0.1:47444',
      protocol: 'https',
      credentials,
      ...properties,
    },
  };
}

export function endpointBody(overrides: Record<string, unknown> = {}) {
  return {
    location: 'eastus',
    identity: { type: 'SystemAssigned' },
    properties: { authMode: 'Key', compute: COMPUTE_ID, description: 'mnist scoring', ...overrides },
  };
}

export function deploymentBody(overrides: Record<string, unknown> = {}) {
  return {
    location: 'eastus',
    sku: { name: 'Default', capacity: 1 },
    properties: {
      endpointComputeType: 'Kubernetes',
      model: MODEL_ID,
      environmentId: ENV_ID,
      codeConfiguration: { codeId: CODE_ID, scoringScript: 'score.py' },
      instanceType: 'cpusmall',
      scaleSettings: { scaleType: 'Default' },
      requestSettings: { maxConcurrentRequestsPerInstance: 1, requestTimeout: 'PT5S', maxQueueWait: 'PT0.5S' },
      livenessProbe: {
        initialDelay: 'PT10S',
        period: 'PT10S',
        timeout: 'PT2S',
        failureThreshold: 30,
        successThreshold: 1,
      },
      ...overrides,
    },
  };
}

/** The `error` of an ARM error body. */
export function errorOf(result: DispatchResult): { code: string; message: string; target?: string } {
  return (result.body as { error: { code: string; message: string; target?: string } }).error;
}
