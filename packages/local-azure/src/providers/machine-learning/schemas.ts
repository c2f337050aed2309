// Request-body schemas of api-version 2022-10-01, transcribed from the swagger definitions
// (mfe.json and machineLearningServices.json) that local Azure serves. Names follow the swagger.

import {
  any,
  arr,
  bool,
  duration,
  enumOf,
  extend,
  int,
  map,
  nonBlank,
  nullable,
  num,
  type ObjectSchema,
  obj,
  readOnly,
  type Schema,
  str,
  type UnionSchema,
  union,
} from './schema.js';

// ---- envelopes ------------------------------------------------------------------------------

const envelope = {
  id: readOnly(str()),
  name: readOnly(str()),
  type: readOnly(str()),
  systemData: readOnly(any()),
};

const stringMap = map(nullable(str()), { nullable: true });

const userAssignedIdentity = obj('UserAssignedIdentity', {
  principalId: readOnly(str()),
  clientId: readOnly(str()),
});

export const MANAGED_IDENTITY_TYPES = ['None', 'SystemAssigned', 'UserAssigned', 'SystemAssigned,UserAssigned'];

export const managedServiceIdentity = obj(
  'ManagedServiceIdentity',
  {
    type: enumOf(MANAGED_IDENTITY_TYPES),
    principalId: readOnly(str()),
    tenantId: readOnly(str()),
    userAssignedIdentities: map(userAssignedIdentity),
  },
  { required: ['type'] },
);

const sku = obj(
  'Sku',
  {
    name: str(),
    tier: enumOf(['Free', 'Basic', 'Standard', 'Premium']),
    size: str(),
    family: str(),
    capacity: int(),
  },
  { required: ['name'] },
);

/** TrackedResource + the ML extras (identity, kind, sku) around `properties`. */
function trackedResource(name: string, properties: Schema): ObjectSchema {
  return obj(
    name,
    {
      ...envelope,
      location: str(),
      tags: map(str()),
      identity: managedServiceIdentity,
      kind: str(),
      sku,
      properties,
    },
    { required: ['location', 'properties'] },
  );
}

function proxyResource(name: string, properties: Schema): ObjectSchema {
  return obj(name, { ...envelope, properties }, { required: ['properties'] });
}

const resourceBase = {
  description: nullable(str()),
  properties: stringMap,
  tags: stringMap,
};

// ---- assets: codes, environments, models, data, components ----------------------------------

const assetContainer = obj('AssetContainer', {
  ...resourceBase,
  isArchived: bool(),
  latestVersion: readOnly(str()),
  nextVersion: readOnly(str()),
});

const assetBase = {
  ...resourceBase,
  isAnonymous: bool(),
  isArchived: bool(),
  IsIPProtected: bool(),
};

export const DATA_TYPES = ['uri_file', 'uri_folder', 'mltable'];

export const codeContainerResource = proxyResource('CodeContainerResource', assetContainer);
export const environmentContainerResource = proxyResource('EnvironmentContainerResource', assetContainer);
export const modelContainerResource = proxyResource('ModelContainerResource', assetContainer);
export const componentContainerResource = proxyResource('ComponentContainerResource', assetContainer);
export const dataContainerResource = proxyResource(
  'DataContainerResource',
  extend(assetContainer, 'DataContainer', { dataType: enumOf(DATA_TYPES) }, { required: ['dataType'] }),
);

export const codeVersionResource = proxyResource(
  'CodeVersionResource',
  obj('CodeVersion', { ...assetBase, codeUri: nullable(str()) }),
);

const route = obj('Route', { path: nonBlank(), port: int() }, { required: ['path', 'port'] });

export const environmentVersionResource = proxyResource(
  'EnvironmentVersionResource',
  obj('EnvironmentVersion', {
    ...assetBase,
    autoRebuild: enumOf(['Disabled', 'OnBaseImageUpdate']),
    build: obj('BuildContext', { contextUri: nonBlank(), dockerfilePath: str() }, { required: ['contextUri'] }),
    condaFile: str(),
    environmentType: readOnly(str()),
    image: str(),
    inferenceConfig: obj('InferenceContainerProperties', {
      livenessRoute: route,
      readinessRoute: route,
      scoringRoute: route,
    }),
    osType: enumOf(['Linux', 'Windows']),
  }),
);

export const modelVersionResource = proxyResource(
  'ModelVersionResource',
  obj('ModelVersion', {
    ...assetBase,
    flavors: map(nullable(obj('FlavorData', { data: stringMap })), { nullable: true }),
    jobName: nullable(str()),
    modelType: nullable(str()),
    modelUri: nullable(str()),
  }),
);

export const dataVersionResource = proxyResource(
  'DataVersionBaseResource',
  union(
    'DataVersionBase',
    'dataType',
    obj('DataVersionBase', { ...assetBase, dataUri: nonBlank() }, { required: ['dataUri'] }),
    {
      uri_file: {},
      uri_folder: {},
      mltable: { properties: { referencedUris: nullable(arr(str())) } },
    },
  ),
);

export const componentVersionResource = proxyResource(
  'ComponentVersionResource',
  obj('ComponentVersion', { ...assetBase, componentSpec: nullable(any()) }),
);

// ---- datastores -----------------------------------------------------------------------------

const credentials: UnionSchema = union('DatastoreCredentials', 'credentialsType', obj('DatastoreCredentials', {}), {
  AccountKey: {
    properties: {
      secrets: obj(
        'AccountKeyDatastoreSecrets',
        { secretsType: enumOf(['AccountKey']), key: nullable(str()) },
        { required: ['secretsType'] },
      ),
    },
    required: ['secrets'],
  },
  Sas: {
    properties: {
      secrets: obj(
        'SasDatastoreSecrets',
        { secretsType: enumOf(['Sas']), sasToken: nullable(str()) },
        { required: ['secretsType'] },
      ),
    },
    required: ['secrets'],
  },
  None: {},
  ServicePrincipal: {
    properties: {
      authorityUrl: nullable(str()),
      clientId: str({ format: 'uuid' }),
      resourceUrl: nullable(str()),
      tenantId: str({ format: 'uuid' }),
      secrets: obj(
        'ServicePrincipalDatastoreSecrets',
        { secretsType: enumOf(['ServicePrincipal']), clientSecret: nullable(str()) },
        { required: ['secretsType'] },
      ),
    },
    required: ['clientId', 'secrets', 'tenantId'],
  },
  Certificate: {
    properties: {
      authorityUrl: nullable(str()),
      clientId: str({ format: 'uuid' }),
      resourceUrl: nullable(str()),
      tenantId: str({ format: 'uuid' }),
      thumbprint: nonBlank(),
      secrets: obj(
        'CertificateDatastoreSecrets',
        { secretsType: enumOf(['Certificate']), certificate: nullable(str()) },
        { required: ['secretsType'] },
      ),
    },
    required: ['clientId', 'secrets', 'tenantId', 'thumbprint'],
  },
});

const serviceDataAccessAuthIdentity = enumOf([
  'None',
  'WorkspaceSystemAssignedIdentity',
  'WorkspaceUserAssignedIdentity',
]);

export const datastoreResource = proxyResource(
  'DatastoreResource',
  union(
    'Datastore',
    'datastoreType',
    obj('Datastore', { ...resourceBase, credentials, isDefault: readOnly(bool()) }, { required: ['credentials'] }),
    {
      AzureBlob: {
        properties: {
          accountName: nullable(str()),
          containerName: nullable(str()),
          endpoint: nullable(str()),
          protocol: nullable(str()),
          serviceDataAccessAuthIdentity,
        },
      },
      AzureDataLakeGen1: {
        properties: { serviceDataAccessAuthIdentity, storeName: nonBlank() },
        required: ['storeName'],
      },
      AzureDataLakeGen2: {
        properties: {
          accountName: nonBlank(),
          endpoint: nullable(str()),
          filesystem: nonBlank(),
          protocol: nullable(str()),
          serviceDataAccessAuthIdentity,
        },
        required: ['accountName', 'filesystem'],
      },
      AzureFile: {
        properties: {
          accountName: nonBlank(),
          endpoint: nullable(str()),
          fileShareName: nonBlank(),
          protocol: nullable(str()),
          serviceDataAccessAuthIdentity,
        },
        required: ['accountName', 'fileShareName'],
      },
    },
  ),
);

// ---- jobs -----------------------------------------------------------------------------------

export const JOB_STATUSES = [
  'NotStarted',
  'Starting',
  'Provisioning',
  'Preparing',
  'Queued',
  'Running',
  'Finalizing',
  'CancelRequested',
  'Completed',
  'Failed',
  'Canceled',
  'NotResponding',
  'Paused',
  'Unknown',
] as const;

const identityConfiguration = union('IdentityConfiguration', 'identityType', obj('IdentityConfiguration', {}), {
  AMLToken: {},
  Managed: {
    properties: {
      clientId: nullable(str({ format: 'uuid' })),
      objectId: nullable(str({ format: 'uuid' })),
      resourceId: nullable(str()),
    },
  },
  UserIdentity: {},
});

const jobService = obj('JobService', {
  endpoint: nullable(str()),
  errorMessage: readOnly(str()),
  jobServiceType: nullable(str()),
  port: nullable(int()),
  properties: stringMap,
  status: readOnly(str()),
});

const assetInput = (mode = true) => ({
  uri: nonBlank(),
  ...(mode
    ? { mode: enumOf(['ReadOnlyMount', 'ReadWriteMount', 'Download', 'Direct', 'EvalMount', 'EvalDownload']) }
    : {}),
});

export const jobInput = union('JobInput', 'jobInputType', obj('JobInput', { description: nullable(str()) }), {
  literal: { properties: { value: nonBlank() }, required: ['value'] },
  uri_file: { properties: assetInput(), required: ['uri'] },
  uri_folder: { properties: assetInput(), required: ['uri'] },
  mltable: { properties: assetInput(), required: ['uri'] },
  custom_model: { properties: assetInput(), required: ['uri'] },
  mlflow_model: { properties: assetInput(), required: ['uri'] },
  triton_model: { properties: assetInput(), required: ['uri'] },
});

const assetOutput = { uri: nullable(str()), mode: enumOf(['ReadWriteMount', 'Upload']) };

export const jobOutput = union('JobOutput', 'jobOutputType', obj('JobOutput', { description: nullable(str()) }), {
  uri_file: { properties: assetOutput },
  uri_folder: { properties: assetOutput },
  mltable: { properties: assetOutput },
  custom_model: { properties: assetOutput },
  mlflow_model: { properties: assetOutput },
  triton_model: { properties: assetOutput },
});

const resourceConfiguration = {
  instanceCount: int({ minimum: 1 }),
  instanceType: nullable(str()),
  properties: map(nullable(any()), { nullable: true }),
};

const jobResourceConfiguration = obj('JobResourceConfiguration', {
  ...resourceConfiguration,
  dockerArgs: nullable(str()),
  shmSize: str({ pattern: { regex: /^\d+[bBkKmMgG]$/, rule: "must be a size such as '2g' or '512m'" } }),
});

const distribution = union(
  'DistributionConfiguration',
  'distributionType',
  obj('DistributionConfiguration', {}),
  {
    PyTorch: { properties: { processCountPerInstance: nullable(int({ minimum: 1 })) } },
    Mpi: { properties: { processCountPerInstance: nullable(int({ minimum: 1 })) } },
    TensorFlow: {
      properties: { parameterServerCount: int({ minimum: 0 }), workerCount: nullable(int({ minimum: 1 })) },
    },
  },
  { nullable: true },
);

const commandFields = {
  codeId: nullable(str()),
  command: nonBlank({ minLength: 1 }),
  distribution,
  environmentId: nonBlank(),
  environmentVariables: stringMap,
  resources: jobResourceConfiguration,
};

const jobBase = obj('JobBase', {
  ...resourceBase,
  componentId: nullable(str()),
  computeId: nullable(str()),
  displayName: nullable(str()),
  experimentName: str(),
  identity: { ...identityConfiguration, nullable: true },
  isArchived: bool(),
  services: map(nullable(jobService), { nullable: true }),
  status: readOnly(str()),
});

const inputs = map(nullable(jobInput), { nullable: true });
const outputs = map(nullable(jobOutput), { nullable: true });

const earlyTermination = union(
  'EarlyTerminationPolicy',
  'policyType',
  obj('EarlyTerminationPolicy', { delayEvaluation: int({ minimum: 0 }), evaluationInterval: int({ minimum: 0 }) }),
  {
    Bandit: { properties: { slackAmount: num(), slackFactor: num() } },
    MedianStopping: {},
    TruncationSelection: { properties: { truncationPercentage: int({ minimum: 0, maximum: 100 }) } },
  },
  { nullable: true },
);

const samplingAlgorithm = union('SamplingAlgorithm', 'samplingAlgorithmType', obj('SamplingAlgorithm', {}), {
  Grid: {},
  Random: { properties: { rule: enumOf(['Random', 'Sobol']), seed: nullable(int()) } },
  Bayesian: {},
});

export const jobResource = proxyResource(
  'JobBaseResource',
  union('JobBase', 'jobType', jobBase, {
    Command: {
      properties: {
        ...commandFields,
        inputs,
        outputs,
        limits: nullable(
          obj(
            'CommandJobLimits',
            { jobLimitsType: enumOf(['Command']), timeout: nullable(duration()) },
            { required: ['jobLimitsType'] },
          ),
        ),
        parameters: readOnly(any()),
      },
      required: ['command', 'environmentId'],
    },
    Sweep: {
      properties: {
        earlyTermination,
        inputs,
        outputs,
        limits: obj(
          'SweepJobLimits',
          {
            jobLimitsType: enumOf(['Sweep']),
            timeout: nullable(duration()),
            maxConcurrentTrials: nullable(int({ minimum: 1 })),
            maxTotalTrials: nullable(int({ minimum: 1 })),
            trialTimeout: nullable(duration()),
          },
          { required: ['jobLimitsType'] },
        ),
        objective: obj(
          'Objective',
          { goal: enumOf(['Minimize', 'Maximize']), primaryMetric: nonBlank() },
          { required: ['goal', 'primaryMetric'] },
        ),
        samplingAlgorithm,
        searchSpace: obj('searchSpace', {}, { additional: true }),
        trial: obj('TrialComponent', commandFields, { required: ['command', 'environmentId'] }),
      },
      required: ['objective', 'samplingAlgorithm', 'searchSpace', 'trial'],
    },
    Pipeline: {
      properties: {
        inputs,
        outputs,
        jobs: map(nullable(obj('job', {}, { additional: true })), { nullable: true }),
        settings: nullable(obj('settings', {}, { additional: true })),
        sourceJobId: nullable(str()),
      },
    },
    AutoML: { properties: {} },
  }),
);

// ---- online and batch endpoints -------------------------------------------------------------

export const AUTH_MODES = ['AMLToken', 'Key', 'AADToken'];

const endpointKeys = obj(
  'EndpointAuthKeys',
  { primaryKey: nullable(str()), secondaryKey: nullable(str()) },
  { nullable: true },
);

const endpointBase = {
  authMode: enumOf(AUTH_MODES),
  description: nullable(str()),
  keys: endpointKeys,
  properties: stringMap,
  scoringUri: readOnly(str()),
  swaggerUri: readOnly(str()),
  provisioningState: readOnly(str()),
};

export const onlineEndpointResource = trackedResource(
  'OnlineEndpointTrackedResource',
  obj(
    'OnlineEndpoint',
    {
      ...endpointBase,
      compute: nullable(str()),
      publicNetworkAccess: enumOf(['Enabled', 'Disabled']),
      traffic: map(int(), { nullable: true }),
    },
    { required: ['authMode'] },
  ),
);

export const batchEndpointResource = trackedResource(
  'BatchEndpointTrackedResource',
  obj(
    'BatchEndpoint',
    {
      ...endpointBase,
      defaults: nullable(obj('BatchEndpointDefaults', { deploymentName: nullable(str()) })),
    },
    { required: ['authMode'] },
  ),
);

const partialIdentity = obj('PartialManagedServiceIdentity', {
  type: enumOf(MANAGED_IDENTITY_TYPES),
  userAssignedIdentities: map(obj('PartialUserAssignedIdentity', {})),
});

export const partialTrackedWithIdentity = obj('PartialMinimalTrackedResourceWithIdentity', {
  tags: map(nullable(str())),
  identity: partialIdentity,
});

export const partialTrackedWithSku = obj('PartialMinimalTrackedResourceWithSku', {
  tags: map(nullable(str())),
  sku: obj('PartialSku', {
    capacity: int({ minimum: 0 }),
    family: str(),
    name: str(),
    size: str(),
    tier: enumOf(['Free', 'Basic', 'Standard', 'Premium']),
  }),
});

export const partialBatchDeployment = obj('PartialBatchDeploymentPartialMinimalTrackedResourceWithProperties', {
  tags: map(nullable(str())),
  properties: obj('PartialBatchDeployment', { description: nullable(str()) }),
});

const probe = obj(
  'ProbeSettings',
  {
    failureThreshold: int({ minimum: 1 }),
    initialDelay: nullable(duration()),
    period: duration(),
    successThreshold: int({ minimum: 1 }),
    timeout: duration(),
  },
  { nullable: true },
);

const containerResourceSettings = obj(
  'ContainerResourceSettings',
  { cpu: nullable(str()), gpu: nullable(str()), memory: nullable(str()) },
  { nullable: true },
);

const deploymentBase = {
  codeConfiguration: obj(
    'CodeConfiguration',
    { codeId: nullable(str()), scoringScript: nonBlank({ minLength: 1 }) },
    { required: ['scoringScript'], nullable: true },
  ),
  description: nullable(str()),
  environmentId: nullable(str()),
  environmentVariables: stringMap,
  properties: stringMap,
};

export const onlineDeploymentResource = trackedResource(
  'OnlineDeploymentTrackedResource',
  union(
    'OnlineDeployment',
    'endpointComputeType',
    obj('OnlineDeployment', {
      ...deploymentBase,
      appInsightsEnabled: bool(),
      egressPublicNetworkAccess: enumOf(['Enabled', 'Disabled']),
      instanceType: nullable(str()),
      livenessProbe: probe,
      model: nullable(str()),
      modelMountPath: nullable(str()),
      provisioningState: readOnly(str()),
      readinessProbe: probe,
      requestSettings: obj(
        'OnlineRequestSettings',
        {
          maxConcurrentRequestsPerInstance: int({ minimum: 1 }),
          maxQueueWait: duration(),
          requestTimeout: duration(),
        },
        { nullable: true },
      ),
      scaleSettings: union(
        'OnlineScaleSettings',
        'scaleType',
        obj('OnlineScaleSettings', {}),
        {
          Default: {},
          TargetUtilization: {
            properties: {
              maxInstances: int({ minimum: 1 }),
              minInstances: int({ minimum: 0 }),
              pollingInterval: duration(),
              targetUtilizationPercentage: int({ minimum: 1, maximum: 100 }),
            },
          },
        },
        { nullable: true },
      ),
    }),
    {
      Kubernetes: {
        properties: {
          containerResourceRequirements: obj(
            'ContainerResourceRequirements',
            {
              containerResourceLimits: containerResourceSettings,
              containerResourceRequests: containerResourceSettings,
            },
            { nullable: true },
          ),
        },
      },
      Managed: {},
      AzureMLCompute: {},
    },
  ),
);

const assetReference = union(
  'AssetReferenceBase',
  'referenceType',
  obj('AssetReferenceBase', {}),
  {
    Id: { properties: { assetId: nonBlank() }, required: ['assetId'] },
    DataPath: { properties: { datastoreId: nullable(str()), path: nullable(str()) } },
    OutputPath: { properties: { jobId: nullable(str()), path: nullable(str()) } },
  },
  { nullable: true },
);

export const batchDeploymentResource = trackedResource(
  'BatchDeploymentTrackedResource',
  obj('BatchDeployment', {
    ...deploymentBase,
    compute: nullable(str()),
    errorThreshold: int({ minimum: -1 }),
    loggingLevel: enumOf(['Info', 'Warning', 'Debug']),
    maxConcurrencyPerInstance: int({ minimum: 1 }),
    miniBatchSize: int({ minimum: 1 }),
    model: assetReference,
    outputAction: enumOf(['SummaryOnly', 'AppendRow']),
    outputFileName: str(),
    provisioningState: readOnly(str()),
    resources: nullable(obj('DeploymentResourceConfiguration', resourceConfiguration)),
    retrySettings: nullable(obj('BatchRetrySettings', { maxRetries: int({ minimum: 0 }), timeout: duration() })),
  }),
);

export const regenerateKeysRequest = obj(
  'RegenerateEndpointKeysRequest',
  { keyType: enumOf(['Primary', 'Secondary']), keyValue: nullable(str()) },
  { required: ['keyType'] },
);

export const deploymentLogsRequest = obj('DeploymentLogsRequest', {
  containerType: enumOf(['StorageInitializer', 'InferenceServer']),
  tail: nullable(int({ minimum: 0 })),
});

// ---- computes (machineLearningServices.json) ------------------------------------------------

export const COMPUTE_TYPES = [
  'AKS',
  'Kubernetes',
  'AmlCompute',
  'ComputeInstance',
  'DataFactory',
  'VirtualMachine',
  'HDInsight',
  'Databricks',
  'DataLakeAnalytics',
  'SynapseSpark',
];

const instanceResources = map(nullable(str()));

const instanceType = obj(
  'InstanceTypeSchema',
  {
    nodeSelector: map(nullable(str()), { nullable: true }),
    resources: obj('resources', { requests: instanceResources, limits: instanceResources }, { additional: true }),
  },
  { additional: true },
);

const kubernetesProperties = obj(
  'KubernetesProperties',
  {
    relayConnectionString: nullable(str()),
    serviceBusConnectionString: nullable(str()),
    extensionPrincipalId: nullable(str()),
    extensionInstanceReleaseTrain: str(),
    vcName: nullable(str()),
    namespace: str(),
    defaultInstanceType: str(),
    instanceTypes: map(instanceType),
  },
  { additional: true },
);

const computeBase = obj(
  'Compute',
  {
    computeLocation: readOnly(str()),
    provisioningState: readOnly(str()),
    description: nullable(str()),
    createdOn: readOnly(str()),
    modifiedOn: readOnly(str()),
    resourceId: nullable(str()),
    provisioningErrors: readOnly(any()),
    isAttachedCompute: readOnly(bool()),
    disableLocalAuth: bool(),
  },
  { additional: true },
);

const computeVariants: Record<string, { properties?: Record<string, Schema> }> = {};
for (const type of COMPUTE_TYPES) computeVariants[type] = { properties: { properties: any() } };
computeVariants['Kubernetes'] = { properties: { properties: kubernetesProperties } };

const computeUnion = union('Compute', 'computeType', computeBase, computeVariants);

export const computeResource = obj(
  'ComputeResource',
  {
    ...envelope,
    identity: managedServiceIdentity,
    location: str(),
    tags: map(str(), { nullable: true }),
    sku: nullable(sku),
    properties: {
      ...computeUnion,
      variants: Object.fromEntries(
        Object.entries(computeUnion.variants).map(([key, variant]) => [key, { ...variant, additional: true }]),
      ),
    },
  },
  { additional: true },
);
