import { describe, expect, it } from '@jest/globals';
import { errorOf, harness, ws } from './machine-learning-harness.js';

const IMAGE = 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest';

/** One valid version body per asset kind, and a change of its content. */
const KINDS = [
  {
    segment: 'codes',
    type: 'codes',
    body: { properties: { codeUri: 'https://127.0.0.1:47444/devstoreaccount1/c/LocalUpload/1/src' } },
    changed: { properties: { codeUri: 'https://127.0.0.1:47444/devstoreaccount1/c/LocalUpload/2/src' } },
    changedField: 'codeUri',
  },
  {
    segment: 'environments',
    type: 'environments',
    body: { properties: { image: IMAGE, condaFile: 'name: train' } },
    changed: { properties: { image: `${IMAGE}-2`, condaFile: 'name: train' } },
    changedField: 'image',
  },
  {
    segment: 'models',
    type: 'models',
    body: {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/model', modelType: 'mlflow_model' },
    },
    changed: {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/model2', modelType: 'mlflow_model' },
    },
    changedField: 'modelUri',
  },
  {
    segment: 'data',
    type: 'data',
    body: { properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/mnist/' } },
    changed: {
      properties: { dataType: 'uri_folder', dataUri: 'azureml://datastores/workspaceblobstore/paths/other/' },
    },
    changedField: 'dataUri',
  },
  {
    segment: 'components',
    type: 'components',
    body: { properties: { componentSpec: { name: 'train', type: 'command', command: 'python train.py' } } },
    changed: { properties: { componentSpec: { name: 'train', type: 'command', command: 'python train2.py' } } },
    changedField: 'componentSpec',
  },
];

describe.each(KINDS)('$segment', ({ segment, type, body, changed, changedField }) => {
  const container = ws(`/${segment}/mnist`);
  const version = (v: string) => `${container}/versions/${v}`;

  it('creates a version (201) and with it the container, with latestVersion and nextVersion', async () => {
    const h = harness();
    const created = await h.send('PUT', version('1'), body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.stringMatching(new RegExp(`/${segment}/mnist/versions/1$`)),
      name: '1',
      type: `Microsoft.MachineLearningServices/workspaces/${type}/versions`,
      systemData: { createdByType: 'Application', createdBy: h.ctx.caller.clientId },
      properties: { ...body.properties, isArchived: false, isAnonymous: false, tags: {}, properties: {} },
    });
    expect(await h.get(container)).toMatchObject({
      name: 'mnist',
      type: `Microsoft.MachineLearningServices/workspaces/${type}`,
      properties: { latestVersion: '1', nextVersion: '2', isArchived: false },
    });
    await h.send('PUT', version('2'), changed);
    expect((await h.get(container))['properties']).toMatchObject({ latestVersion: '2', nextVersion: '3' });
  });

  it('answers 200 to the same version again and lets its tags and description change', async () => {
    const h = harness();
    await h.send('PUT', version('1'), body);
    const again = await h.send('PUT', version('1'), body);
    expect(again.status).toBe(200);
    const tagged = await h.send('PUT', version('1'), {
      properties: { ...body.properties, tags: { stage: 'prod' }, description: 'the first one' },
    });
    expect(tagged.status).toBe(200);
    expect((await h.get(version('1')))['properties']).toMatchObject({
      tags: { stage: 'prod' },
      description: 'the first one',
    });
  });

  it('refuses to change the content of an existing version (409)', async () => {
    const h = harness();
    await h.send('PUT', version('1'), body);
    const result = await h.send('PUT', version('1'), changed);
    expect(result.status).toBe(409);
    expect(errorOf(result)).toMatchObject({
      code: 'Conflict',
      message: expect.stringMatching(
        /version '1' already exists with different content .*create a new version instead/,
      ),
      target: `properties.${changedField}`,
    });
    expect(await h.get(version('1'))).toMatchObject({ properties: body.properties });
  });

  it('lists versions newest first, ordered, limited and paged', async () => {
    const h = harness();
    for (const v of ['1', '2', '3']) {
      await h.send('PUT', version(v), body);
      h.ctx.clock.advance(1000);
    }
    const names = async (query = '') =>
      ((await h.get(`${container}/versions${query}`))['value'] as { name: string }[]).map((v) => v.name);
    expect(await names()).toEqual(['3', '2', '1']);
    expect(await names('?$orderBy=createdtime%20asc')).toEqual(['1', '2', '3']);
    expect(await names('?$orderBy=createdtime%20desc&$top=2')).toEqual(['3', '2']);
    expect(await names('?$orderBy=whatever')).toEqual(['3', '2', '1']);
    expect(await names('?$skip=2')).toEqual(['1']);
    const containers = await h.get(ws(`/${segment}`));
    expect((containers['value'] as { name: string }[]).map((c) => c.name)).toEqual(['mnist']);
  });

  it('hides archived versions unless asked for', async () => {
    const h = harness();
    await h.send('PUT', version('1'), body);
    await h.send('PUT', version('2'), { properties: { ...changed.properties, isArchived: true } });
    const listed = async (query: string) =>
      ((await h.get(`${container}/versions${query}`))['value'] as { name: string }[]).map((v) => v.name).sort();
    expect(await listed('')).toEqual(['1']);
    expect(await listed('?listViewType=All')).toEqual(['1', '2']);
    expect(await listed('?listViewType=ArchivedOnly')).toEqual(['2']);
  });

  it('deletes versions and containers (200, then 204)', async () => {
    const h = harness();
    await h.send('PUT', version('1'), body);
    await h.send('PUT', version('2'), changed);
    expect((await h.send('DELETE', version('2'))).status).toBe(200);
    expect((await h.get(container))['properties']).toMatchObject({ latestVersion: '1', nextVersion: '2' });
    expect((await h.send('DELETE', version('2'))).status).toBe(204);
    expect((await h.send('GET', version('2'))).status).toBe(404);
    expect((await h.send('DELETE', container)).status).toBe(200);
    expect((await h.send('GET', version('1'))).status).toBe(404);
    expect((await h.send('DELETE', container)).status).toBe(204);
  });

  it('creates and updates a container on its own', async () => {
    const h = harness();
    const containerBody = {
      properties: { description: 'MNIST', tags: { a: 'b' }, ...(segment === 'data' ? { dataType: 'uri_folder' } : {}) },
    };
    expect((await h.send('PUT', container, containerBody)).status).toBe(201);
    const updated = await h.send('PUT', container, {
      properties: { ...containerBody.properties, description: 'MNIST digits' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ properties: { description: 'MNIST digits', tags: { a: 'b' } } });
  });

  it.each([
    ['a name with a dot', ws(`/${segment}/mnist.v1/versions/1`), /name 'mnist.v1' is invalid/, 'name'],
    ['a version with a slash-like character', `${container}/versions/%20bad`, /version ' bad' is invalid/, 'version'],
  ])('refuses %s', async (_case, path, message, target) => {
    const result = await harness().send('PUT', path, body);
    expect(result.status).toBe(400);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message), target });
  });
});

describe('asset validation', () => {
  it.each([
    [
      'a code version without codeUri',
      '/codes/src/versions/1',
      { properties: {} },
      /'properties.codeUri' is required/,
      'properties.codeUri',
    ],
    [
      'an environment with neither image nor build',
      '/environments/e/versions/1',
      { properties: { condaFile: 'x' } },
      /needs a Docker image .* or a Docker build context/,
      'properties.image',
    ],
    [
      'an environment with image and build',
      '/environments/e/versions/1',
      { properties: { image: IMAGE, build: { contextUri: 'https://x/ctx/' } } },
      /either a Docker image .* not both/,
      'properties.build',
    ],
    [
      'an environment with a conda file and a build context',
      '/environments/e/versions/1',
      { properties: { build: { contextUri: 'https://x/ctx/' }, condaFile: 'x' } },
      /condaFile' cannot be used with a Docker build context/,
      'properties.condaFile',
    ],
    [
      'a build without contextUri',
      '/environments/e/versions/1',
      { properties: { build: { dockerfilePath: 'Dockerfile' } } },
      /'properties.build.contextUri' is required/,
      'properties.build.contextUri',
    ],
    [
      'an unknown osType',
      '/environments/e/versions/1',
      { properties: { image: IMAGE, osType: 'Plan9' } },
      /must be one of Linux, Windows/,
      'properties.osType',
    ],
    [
      'a model without modelUri',
      '/models/m/versions/1',
      { properties: { modelType: 'custom_model' } },
      /'properties.modelUri' is required/,
      'properties.modelUri',
    ],
    [
      'an unknown modelType',
      '/models/m/versions/1',
      { properties: { modelUri: 'azureml://x', modelType: 'onnx_model' } },
      /must be one of custom_model, mlflow_model, triton_model/,
      'properties.modelType',
    ],
    [
      'data without dataType',
      '/data/d/versions/1',
      { properties: { dataUri: 'azureml://x' } },
      /'properties.dataType' is required/,
      'properties.dataType',
    ],
    [
      'data with an unknown dataType',
      '/data/d/versions/1',
      { properties: { dataType: 'uri_thing', dataUri: 'azureml://x' } },
      /must be one of uri_file, uri_folder, mltable/,
      'properties.dataType',
    ],
    [
      'data without dataUri',
      '/data/d/versions/1',
      { properties: { dataType: 'uri_file' } },
      /'properties.dataUri' is required/,
      'properties.dataUri',
    ],
    [
      'a component without componentSpec',
      '/components/c/versions/1',
      { properties: {} },
      /componentSpec' is required/,
      'properties.componentSpec',
    ],
    [
      'a read-only-free unknown property',
      '/codes/src/versions/1',
      { properties: { codeUri: 'x', provisioningState: 'Succeeded' } },
      /'properties.provisioningState' is not a property of CodeVersion/,
      'properties.provisioningState',
    ],
  ])('answers 400 UserError for %s', async (_case, path, body, message, target) => {
    const result = await harness().send('PUT', ws(path), body);
    expect(result.status).toBe(400);
    expect(errorOf(result)).toMatchObject({ code: 'UserError', message: expect.stringMatching(message), target });
  });

  it('fills the defaults Azure fills for environments and models', async () => {
    const h = harness();
    await h.send('PUT', ws('/environments/e/versions/1'), { properties: { build: { contextUri: 'https://x/ctx/' } } });
    expect((await h.get(ws('/environments/e/versions/1')))['properties']).toMatchObject({
      environmentType: 'UserCreated',
      osType: 'Linux',
      autoRebuild: 'Disabled',
      build: { contextUri: 'https://x/ctx/', dockerfilePath: 'Dockerfile' },
    });
    await h.send('PUT', ws('/models/m/versions/1'), {
      properties: { modelUri: 'azureml://x', modelType: 'MLFlowModel' },
    });
    await h.send('PUT', ws('/models/n/versions/1'), { properties: { modelUri: 'azureml://x' } });
    expect((await h.get(ws('/models/m/versions/1')))['properties']).toMatchObject({ modelType: 'mlflow_model' });
    expect((await h.get(ws('/models/n/versions/1')))['properties']).toMatchObject({ modelType: 'custom_model' });
  });

  it('ignores read-only properties a client sends back', async () => {
    const h = harness();
    const result = await h.send('PUT', ws('/environments/e/versions/1'), {
      id: 'x',
      name: 'y',
      systemData: { createdBy: 'me' },
      properties: { image: IMAGE, environmentType: 'Curated' },
    });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ name: '1', properties: { environmentType: 'UserCreated' } });
  });

  it('keeps the data type of a data container', async () => {
    const h = harness();
    await h.send('PUT', ws('/data/d/versions/1'), { properties: { dataType: 'uri_folder', dataUri: 'azureml://x' } });
    const result = await h.send('PUT', ws('/data/d/versions/2'), {
      properties: { dataType: 'uri_file', dataUri: 'azureml://x/f.csv' },
    });
    expect(result.status).toBe(400);
    expect(errorOf(result).message).toMatch(/holds versions of type 'uri_folder'/);
  });
});
