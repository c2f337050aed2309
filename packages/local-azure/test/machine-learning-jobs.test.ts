import { describe, expect, it } from '@jest/globals';
import type { ResourceJson } from '../src/arm/contract.js';
import type { JobRuntime, JobRuntimeHost } from '../src/providers/machine-learning/index.js';
import {
  attachCompute,
  CODE_ID,
  COMPUTE_ID,
  commandJob,
  createAssets,
  ENV_ID,
  errorOf,
  type Harness,
  type HarnessOptions,
  harness,
  WS_ID,
  ws,
} from './machine-learning-harness.js';

const JOB = ws('/jobs/mnist-train-1');

async function ready(options: HarnessOptions = {}): Promise<Harness> {
  const h = harness(options);
  await attachCompute(h);
  await createAssets(h);
  return h;
}

const statusOf = async (h: Harness, path = JOB) => ((await h.get(path))['properties'] as { status: string }).status;

describe('command jobs', () => {
  it('creates a job synchronously (201, NotStarted) and, with no runtime yet, leaves it Queued', async () => {
    const h = await ready();
    const result = await h.send('PUT', JOB, commandJob());
    expect(result.status).toBe(201);
    expect(result.headers).toBeUndefined();
    expect(result.body).toMatchObject({
      id: `${WS_ID}/jobs/mnist-train-1`,
      name: 'mnist-train-1',
      type: 'Microsoft.MachineLearningServices/workspaces/jobs',
      properties: {
        jobType: 'Command',
        status: 'NotStarted',
        computeId: COMPUTE_ID,
        environmentId: ENV_ID,
        codeId: CODE_ID,
        experimentName: 'mnist',
        displayName: 'train mnist',
        resources: { instanceCount: 1, instanceType: 'cpusmall', shmSize: '2g' },
        services: {
          Studio: {
            jobServiceType: 'Studio',
            endpoint: `https://ml.azure.com/runs/mnist-train-1?wsid=${WS_ID}&tid=${h.ctx.config.tenantId}`,
          },
          Tracking: {
            jobServiceType: 'Tracking',
            endpoint: expect.stringMatching(/^azureml:\/\/localhost:8443\/mlflow\/v1.0\//),
          },
        },
      },
    });
    expect(await statusOf(h)).toBe('Queued');
    h.ctx.clock.advance(3_600_000);
    expect(await statusOf(h)).toBe('Queued');
  });

  it('hands the job to the JobRuntime, which moves its status', async () => {
    const seen: ResourceJson[] = [];
    let host: JobRuntimeHost | undefined;
    const runtime: JobRuntime = {
      start: (job, h) => {
        seen.push(job);
        host = h;
        h.setStatus('Running');
      },
      cancel: () => undefined,
    };
    const h = await ready({ ml: { jobRuntime: runtime } });
    await h.send('PUT', JOB, commandJob());
    expect(seen.map((j) => j.name)).toEqual(['mnist-train-1']);
    expect(await statusOf(h)).toBe('Running');
    host?.setStatus('Completed');
    expect(await statusOf(h)).toBe('Completed');
    host?.setStatus('Running');
    expect(await statusOf(h)).toBe('Completed');
  });

  it('fails the job when the runtime cannot start it', async () => {
    const h = await ready({
      ml: { jobRuntime: { start: () => Promise.reject(new Error('no nodes')), cancel: () => undefined } },
    });
    await h.send('PUT', JOB, commandJob());
    await new Promise((resolve) => setImmediate(resolve));
    expect(await statusOf(h)).toBe('Failed');
  });

  it('answers 200 to the same job again, lets tags change, and refuses a changed command (409)', async () => {
    const h = await ready();
    await h.send('PUT', JOB, commandJob());
    const same = await h.send('PUT', JOB, commandJob());
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ properties: { status: 'Queued' } });
    const tagged = await h.send('PUT', JOB, commandJob({ tags: { team: 'vision' } }));
    expect(tagged.status).toBe(200);
    expect(tagged.body).toMatchObject({ properties: { tags: { team: 'vision' } } });
    const changed = await h.send('PUT', JOB, commandJob({ command: 'python other.py' }));
    expect(changed.status).toBe(409);
    expect(errorOf(changed)).toMatchObject({
      target: 'properties.command',
      message: expect.stringMatching(/Submit the changed job under a new name/),
    });
  });

  const missingEnv = `${WS_ID}/environments/sklearn/versions/9`;
  const refusals: [string, Record<string, unknown>, number, RegExp, string][] = [
    ['no command', { command: undefined }, 400, /'properties.command' is required/, 'properties.command'],
    ['an empty command', { command: '' }, 400, /'properties.command' must not be empty/, 'properties.command'],
    [
      'no environment',
      { environmentId: undefined },
      400,
      /'properties.environmentId' is required/,
      'properties.environmentId',
    ],
    [
      'an environment that does not exist',
      { environmentId: missingEnv },
      404,
      /Environment 'sklearn' version '9' was not found in workspace 'mlw-arc'/,
      'properties.environmentId',
    ],
    [
      'an environment given by name',
      { environmentId: 'azureml:sklearn:1' },
      400,
      /must be the ARM id of a environment version .* or a registry reference/,
      'properties.environmentId',
    ],
    [
      'code that does not exist',
      { codeId: `${WS_ID}/codes/src/versions/1` },
      404,
      /Code 'src' version '1' was not found/,
      'properties.codeId',
    ],
    ['no compute', { computeId: undefined }, 400, /'properties.computeId' is required/, 'properties.computeId'],
    [
      'a compute that does not exist',
      { computeId: `${WS_ID}/computes/gpu` },
      404,
      /Compute 'gpu' was not found in workspace 'mlw-arc'/,
      'properties.computeId',
    ],
    [
      'a compute of another workspace',
      { computeId: `${WS_ID.replace('mlw-arc', 'other')}/computes/k8s` },
      400,
      /is not in workspace 'mlw-arc'/,
      'properties.computeId',
    ],
    [
      'an instance type the compute lacks',
      { resources: { instanceCount: 1, instanceType: 'huge' } },
      400,
      /Instance type 'huge' is not defined on compute 'k8s' \(available: cpusmall, gpu, defaultinstancetype\)/,
      'properties.resources.instanceType',
    ],
    [
      'zero instances',
      { resources: { instanceCount: 0 } },
      400,
      /'properties.resources.instanceCount' must be at least 1/,
      'properties.resources.instanceCount',
    ],
    [
      'a literal input without value',
      { inputs: { epochs: { jobInputType: 'literal' } } },
      400,
      /'properties.inputs.epochs.value' is required/,
      'properties.inputs.epochs.value',
    ],
    [
      'an unknown jobInputType',
      { inputs: { data: { jobInputType: 'uri_dir', uri: 'x' } } },
      400,
      /'properties.inputs.data.jobInputType' must be one of literal, uri_file/,
      'properties.inputs.data.jobInputType',
    ],
    [
      'an asset input without uri',
      { inputs: { data: { jobInputType: 'uri_folder' } } },
      400,
      /'properties.inputs.data.uri' is required/,
      'properties.inputs.data.uri',
    ],
    [
      'an unknown input mode',
      { inputs: { data: { jobInputType: 'uri_folder', uri: 'https://x/y', mode: 'Copy' } } },
      400,
      /must be one of ReadOnlyMount/,
      'properties.inputs.data.mode',
    ],
    [
      'an unknown jobOutputType',
      { outputs: { model: { jobOutputType: 'literal' } } },
      400,
      /jobOutputType' must be one of uri_file/,
      'properties.outputs.model.jobOutputType',
    ],
    [
      'an input on a datastore that does not exist',
      { inputs: { data: { jobInputType: 'uri_folder', uri: 'azureml://datastores/nostore/paths/x' } } },
      404,
      /Datastore 'nostore'/,
      'properties.inputs.data.uri',
    ],
    [
      'a data asset that does not exist',
      { inputs: { data: { jobInputType: 'uri_folder', uri: 'azureml:mnist:1' } } },
      404,
      /Data 'mnist' version '1' was not found/,
      'properties.inputs.data.uri',
    ],
    [
      'an unknown distribution',
      { distribution: { distributionType: 'Horovod' } },
      400,
      /must be one of PyTorch, Mpi, TensorFlow/,
      'properties.distribution.distributionType',
    ],
    [
      'a PyTorch distribution with 0 processes',
      { distribution: { distributionType: 'PyTorch', processCountPerInstance: 0 } },
      400,
      /at least 1/,
      'properties.distribution.processCountPerInstance',
    ],
    [
      'a timeout that is not a duration',
      { limits: { jobLimitsType: 'Command', timeout: '10 minutes' } },
      400,
      /ISO 8601 duration/,
      'properties.limits.timeout',
    ],
    [
      'a property of a later api-version',
      { queueSettings: { jobTier: 'Standard' } },
      400,
      /'properties.queueSettings' is not a property of JobBase/,
      'properties.queueSettings',
    ],
    [
      'an unknown jobType',
      { jobType: 'Spark' },
      400,
      /'properties.jobType' must be one of Command, Sweep, Pipeline, AutoML; got string "Spark"/,
      'properties.jobType',
    ],
    [
      'an AutoML job',
      {
        jobType: 'AutoML',
        command: undefined,
        environmentId: undefined,
        codeId: undefined,
        inputs: undefined,
        outputs: undefined,
        resources: undefined,
        environmentVariables: undefined,
      },
      400,
      /AutoML jobs cannot run in local Azure/,
      'properties.jobType',
    ],
  ];

  it.each(refusals)('refuses a job with %s', async (_case, overrides, status, message, target) => {
    const h = await ready();
    const result = await h.send('PUT', JOB, commandJob(overrides));
    expect(result.status).toBe(status);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message), target });
    expect(h.ctx.store.get(`${WS_ID}/jobs/mnist-train-1`)).toBeUndefined();
  });

  it('accepts distributed jobs, outputs on the default datastore and registry environments', async () => {
    const h = await ready();
    const result = await h.send(
      'PUT',
      JOB,
      commandJob({
        environmentId: 'azureml://registries/azureml/environments/sklearn-1.5/versions/1',
        distribution: { distributionType: 'PyTorch', processCountPerInstance: 2 },
        resources: { instanceCount: 2, instanceType: 'gpu' },
        outputs: {
          model: {
            jobOutputType: 'uri_folder',
            uri: 'azureml://datastores/workspaceblobstore/paths/out/',
            mode: 'Upload',
          },
        },
        limits: { jobLimitsType: 'Command', timeout: 'PT2H' },
        identity: { identityType: 'AMLToken' },
      }),
    );
    expect(result.status).toBe(201);
  });

  it('accepts a valid sweep job and checks its trial', async () => {
    const h = await ready();
    const sweep = {
      properties: {
        jobType: 'Sweep',
        computeId: COMPUTE_ID,
        objective: { goal: 'Maximize', primaryMetric: 'accuracy' },
        samplingAlgorithm: { samplingAlgorithmType: 'Random', seed: 7 },
        searchSpace: { lr: ['uniform', [0.001, 0.1]] },
        limits: { jobLimitsType: 'Sweep', maxTotalTrials: 4, maxConcurrentTrials: 2 },
        earlyTermination: { policyType: 'Bandit', slackFactor: 0.1, evaluationInterval: 1 },
        trial: { command: `python train.py --lr \${{search_space.lr}}`, environmentId: ENV_ID, codeId: CODE_ID },
      },
    };
    expect((await h.send('PUT', ws('/jobs/sweep-1'), sweep)).status).toBe(201);
    const bad = structuredClone(sweep);
    bad.properties.trial.environmentId = `${WS_ID}/environments/nope/versions/1`;
    const refused = await h.send('PUT', ws('/jobs/sweep-2'), bad);
    expect(refused.status).toBe(404);
    expect(errorOf(refused).target).toBe('properties.trial.environmentId');
  });

  it('lists jobs with the jobType and tag filters', async () => {
    const h = await ready();
    await h.send('PUT', JOB, commandJob());
    await h.send('PUT', ws('/jobs/mnist-train-2'), commandJob({ tags: { team: 'vision' } }));
    const names = async (query: string) =>
      ((await h.get(ws(`/jobs${query}`)))['value'] as { name: string }[]).map((j) => j.name).sort();
    expect(await names('')).toEqual(['mnist-train-1', 'mnist-train-2']);
    expect(await names('?jobType=Command&tag=team=vision')).toEqual(['mnist-train-2']);
    expect(await names('?jobType=Sweep')).toEqual([]);
  });
});

describe('job cancel and delete', () => {
  it('cancels as a long-running operation: 202 + Location, CancelRequested, then Canceled', async () => {
    const h = await ready({ lro: 'manual' });
    await h.send('PUT', JOB, commandJob());
    const result = await h.send('POST', `${JOB}/cancel`);
    expect(result.status).toBe(202);
    expect(result.headers?.['Location']).toMatch(/^https:\/\/localhost:8443\//);
    expect(result.body).toBeUndefined();
    expect(await statusOf(h)).toBe('CancelRequested');
    await h.ctx.operations.runPending();
    expect(h.ctx.operations.last).toMatchObject({ kind: 'job-cancel', status: 'Succeeded' });
    expect(await statusOf(h)).toBe('Canceled');
    expect((await h.send('POST', `${JOB}/cancel`)).status).toBe(200);
  });

  it('asks the runtime to stop the job', async () => {
    const canceled: string[] = [];
    const h = await ready({
      ml: {
        jobRuntime: { start: (_job, host) => host.setStatus('Running'), cancel: (job) => void canceled.push(job.name) },
      },
    });
    await h.send('PUT', JOB, commandJob());
    await h.send('POST', `${JOB}/cancel`);
    expect(canceled).toEqual(['mnist-train-1']);
    expect(await statusOf(h)).toBe('Canceled');
  });

  it('refuses to cancel a job that already ended', async () => {
    let host: JobRuntimeHost | undefined;
    const h = await ready({
      ml: {
        jobRuntime: {
          start: (_job, given) => {
            host = given;
          },
          cancel: () => undefined,
        },
      },
    });
    await h.send('PUT', JOB, commandJob());
    host?.setStatus('Completed');
    const result = await h.send('POST', `${JOB}/cancel`);
    expect(result.status).toBe(400);
    expect(errorOf(result).message).toMatch(/already ended with status 'Completed'/);
  });

  it('answers 404 for cancel of an unknown job and deletes jobs as a long-running operation', async () => {
    const h = await ready();
    expect((await h.send('POST', `${JOB}/cancel`)).status).toBe(404);
    await h.send('PUT', JOB, commandJob());
    const deleted = await h.send('DELETE', JOB);
    expect(deleted.status).toBe(202);
    expect(deleted.headers?.['Location']).toMatch(/^https:\/\//);
    expect((await h.send('GET', JOB)).status).toBe(404);
    expect((await h.send('DELETE', JOB)).status).toBe(204);
  });
});
