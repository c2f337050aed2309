// Runs a scenario through the Azure ML provider — every resource type, its errors and its
// long-running operations — records it as traffic lines, and checks them with
// ../shared/tools/arm-contract-check against the official swagger (machinelearningservices
// 2022-10-01). Skipped when ../shared or a python with jsonschema is not available.

import { describe, expect, it } from '@jest/globals';
import type { HttpMethod } from '../src/arm/contract.js';
import { RecordedScenario } from './contract-scenario.js';
import { contractCheckAvailable } from './local-azure-support.js';
import {
  API,
  attachCompute,
  blobDatastoreBody,
  CODE_ID,
  COMPUTE_ID,
  commandJob,
  computeBody,
  createAssets,
  deploymentBody,
  ENV_ID,
  endpointBody,
  harness,
  MODEL_ID,
  RG,
  SUB,
  ws,
} from './machine-learning-harness.js';

describe('Azure ML provider against the ARM contract', () => {
  it('answers every exchange of the scenario as the swagger declares', async () => {
    if (!contractCheckAvailable()) return; // ../shared is absent: the check runs where it is present
    const h = harness({ baseUrl: 'https://127.0.0.1:8443' });
    const scenario = new RecordedScenario(h);
    const send = (method: HttpMethod, path: string, body?: unknown, wrongOnPurpose = false) =>
      scenario.send(method, path, API, body, wrongOnPurpose);

    // workspaces
    await send('GET', ws());
    await send(
      'GET',
      `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces`,
    );
    await send('GET', `/subscriptions/${SUB}/providers/Microsoft.MachineLearningServices/workspaces`);
    await send('GET', ws().replace('mlw-arc', 'nope'));

    // computes
    await send('PUT', ws('/computes/k8s'), computeBody());
    await attachCompute(h);
    await send('GET', ws('/computes/k8s'));
    await send('GET', ws('/computes'));
    await send('PUT', ws('/computes/k8s'), computeBody());
    await send('PUT', ws('/computes/k8s'), computeBody({}, { namespace: 'default' }));
    await send('PUT', ws('/computes/other'), computeBody({ resourceId: `${computeBody().properties.resourceId}-x` }));
    await send('PUT', ws('/computes/x'), computeBody(), false);
    await send('POST', ws('/computes/k8s/listNodes'));
    await send('DELETE', ws('/computes/k8s?underlyingResourceAction=Delete'));

    // datastores
    await send('GET', ws('/datastores?isDefault=true'));
    await send('GET', ws('/datastores/workspaceblobstore'));
    await send('POST', ws('/datastores/workspaceblobstore/listSecrets'));
    const blob = blobDatastoreBody({
      credentialsType: 'Sas',
      secrets: { secretsType: 'Sas', sasToken: 'sv=2021&sig=abc' },
    });
    await send('PUT', ws('/datastores/mnistdata'), blob);
    await send('PUT', ws('/datastores/mnistdata'), blob);
    await send('POST', ws('/datastores/mnistdata/listSecrets'));
    await send('PUT', ws('/datastores/bad'), { properties: { ...blob.properties, datastoreType: 'Blob' } }, true);
    await send('DELETE', ws('/datastores/mnistdata'));
    await send('DELETE', ws('/datastores/mnistdata'));

    // assets
    await createAssets(h);
    await send('PUT', ws('/codes/src/versions/1'), {
      properties: { codeUri: 'https://127.0.0.1:47444/devstoreaccount1/c/src' },
    });
    await send('GET', ws('/codes/src'));
    await send('GET', ws('/codes/src/versions?$orderBy=createdtime%20desc&$top=1'));
    await send('PUT', ws('/codes/src/versions/1'), {
      properties: { codeUri: 'https://127.0.0.1:47444/devstoreaccount1/c/other' },
    });
    await send('PUT', ws('/environments/sklearn/versions/2'), {
      properties: { build: { contextUri: 'https://127.0.0.1:47444/devstoreaccount1/c/ctx/' }, osType: 'Linux' },
    });
    await send('GET', ws('/environments/sklearn/versions/2'));
    await send('GET', ws('/environments'));
    await send('PUT', ws('/models/mnist/versions/2'), {
      properties: {
        modelUri: 'azureml://x/model',
        modelType: 'mlflow_model',
        flavors: { python_function: { data: { loader_module: 'mlflow.sklearn' } } },
      },
    });
    await send('GET', ws('/models/mnist'));
    await send('GET', ws('/models/mnist/versions'));
    await send('PUT', ws('/data/mnist/versions/1'), {
      properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/mnist/' },
    });
    await send('PUT', ws('/data/table/versions/1'), {
      properties: {
        dataType: 'mltable',
        dataUri: 'azureml://datastores/workspaceblobstore/paths/t/',
        referencedUris: ['./a.csv'],
      },
    });
    await send('GET', ws('/data/mnist/versions/1'));
    await send('GET', ws('/data'));
    await send('PUT', ws('/components/train'), { properties: { description: 'training step' } });
    await send('PUT', ws('/components/train/versions/1'), {
      properties: { componentSpec: { name: 'train', type: 'command' } },
    });
    await send('GET', ws('/components/train/versions/1'));
    await send('PUT', ws('/models/bad/versions/1'), { properties: { modelType: 'custom_model' } });
    await send('DELETE', ws('/codes/src/versions/1'));
    await send('DELETE', ws('/codes/src'));

    // jobs
    await send('PUT', ws('/jobs/train-1'), commandJob());
    await send('GET', ws('/jobs/train-1'));
    await send('PUT', ws('/jobs/train-1'), commandJob());
    await send('GET', ws('/jobs?jobType=Command'));
    await send('PUT', ws('/jobs/train-2'), commandJob({ computeId: `${COMPUTE_ID}x` }));
    await send('PUT', ws('/jobs/train-3'), commandJob({ command: undefined }), true);
    await send('PUT', ws('/jobs/sweep-1'), {
      properties: {
        jobType: 'Sweep',
        computeId: COMPUTE_ID,
        objective: { goal: 'Maximize', primaryMetric: 'accuracy' },
        samplingAlgorithm: { samplingAlgorithmType: 'Grid' },
        searchSpace: { lr: ['choice', [0.01, 0.1]] },
        limits: { jobLimitsType: 'Sweep', maxTotalTrials: 2 },
        trial: { command: 'python train.py', environmentId: ENV_ID, codeId: CODE_ID },
      },
    });
    await send('PUT', ws('/jobs/pipe-1'), {
      properties: { jobType: 'Pipeline', computeId: COMPUTE_ID, jobs: { train: { type: 'command' } }, settings: {} },
    });
    await send('POST', ws('/jobs/train-1/cancel'));
    await send('POST', ws('/jobs/train-1/cancel'));
    await send('GET', ws('/jobs/train-1'));
    await send('DELETE', ws('/jobs/pipe-1'));
    await send('DELETE', ws('/jobs/pipe-1'));

    // online endpoints and deployments
    const ep = ws('/onlineEndpoints/mnist-ep');
    await send('PUT', ep, endpointBody());
    await send('GET', ep);
    await send('GET', ws('/onlineEndpoints'));
    await send('PUT', `${ep}/deployments/blue`, deploymentBody());
    await send(
      'PUT',
      `${ep}/deployments/green`,
      deploymentBody({
        instanceType: 'gpu',
        containerResourceRequirements: { containerResourceRequests: { cpu: '1', memory: '2Gi', gpu: '1' } },
      }),
    );
    await send('PUT', `${ep}/deployments/bad`, deploymentBody({ endpointComputeType: 'Managed' }));
    await send('GET', `${ep}/deployments/blue`);
    await send('GET', `${ep}/deployments`);
    await send('PUT', ep, endpointBody({ traffic: { blue: 90, green: 10 } }));
    await send('PUT', ep, endpointBody({ traffic: { blue: 90 } }));
    await send('PATCH', ep, { tags: { stage: 'test' } });
    await send('PATCH', `${ep}/deployments/blue`, { sku: { capacity: 2 } });
    await send('POST', `${ep}/listKeys`);
    await send('POST', `${ep}/regenerateKeys`, { keyType: 'Primary' });
    await send('POST', `${ep}/token`);
    await send('POST', `${ep}/deployments/blue/getLogs`, { containerType: 'InferenceServer', tail: 10 });
    await send('GET', `${ep}/deployments/blue/skus`);
    await send('DELETE', `${ep}/deployments/blue`);
    await send('PUT', ep, endpointBody({ traffic: { blue: 0, green: 100 } }));
    await send('DELETE', `${ep}/deployments/blue`);
    await send('DELETE', `${ep}/deployments/blue`);
    await send('PUT', ws('/onlineEndpoints/token-ep'), endpointBody({ authMode: 'AMLToken' }));
    await send('POST', ws('/onlineEndpoints/token-ep/token'));
    await send('DELETE', ep);
    await send('DELETE', ep);

    // batch endpoints and deployments
    const bep = ws('/batchEndpoints/mnist-batch');
    await send('PUT', bep, { location: 'eastus', properties: { authMode: 'AADToken' } });
    await send('PUT', `${bep}/deployments/one`, {
      location: 'eastus',
      properties: {
        compute: COMPUTE_ID,
        model: { referenceType: 'Id', assetId: MODEL_ID },
        environmentId: ENV_ID,
        codeConfiguration: { codeId: CODE_ID, scoringScript: 'batch.py' },
        resources: { instanceCount: 1 },
      },
    });
    await send('PUT', bep, {
      location: 'eastus',
      properties: { authMode: 'AADToken', defaults: { deploymentName: 'one' } },
    });
    await send('GET', bep);
    await send('GET', ws('/batchEndpoints'));
    await send('GET', `${bep}/deployments/one`);
    await send('GET', `${bep}/deployments`);
    await send('PATCH', bep, { tags: { team: 'ml' } });
    await send('PATCH', `${bep}/deployments/one`, { properties: { description: 'v1' } });
    await send('POST', `${bep}/listkeys`);
    await send('DELETE', `${bep}/deployments/one`);
    await send('DELETE', bep);

    // detach
    await send('DELETE', ws('/computes/k8s?underlyingResourceAction=Detach'));
    await send('DELETE', ws('/computes/k8s?underlyingResourceAction=Detach'));

    const report = scenario.check();
    expect(report.violations).toEqual([]);
    expect(report.unmatched).toEqual([]);
    expect(scenario.lines.length).toBeGreaterThan(90);
  });
});
