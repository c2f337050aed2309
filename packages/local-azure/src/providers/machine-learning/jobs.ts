// Jobs: a synchronous PUT (201 create, 200 for the same job again) that checks what the job
// names — compute, environment, code, data — exists in the workspace, then hands the job to a
// JobRuntime. Cancel is long-running (202 + Location): CancelRequested, then Canceled once the
// runtime stopped it. Without a runtime a job waits Queued.

import type { ArmRequest, ProviderContext, ResourceJson, Route } from '../../arm/contract.js';
import {
  checkAssetName,
  childType,
  conflict,
  isObject,
  type Json,
  listPage,
  matchesListView,
  matchesTags,
  objectAt,
  ok,
  orderBy,
  requireChild,
  requireParentWorkspace,
  sameJson,
  stringAt,
  systemData,
  userError,
  workspaceRoute,
} from './common.js';
import { instanceTypesOf } from './computes.js';
import { checkDataUri, resolveAssetVersion, resolveCompute } from './references.js';
import { type JobRuntime, type JobRuntimeHost, type JobStatus, TERMINAL_JOB_STATUSES } from './runtime.js';
import { validate } from './schema.js';
import { jobResource } from './schemas.js';

export const JOB_TYPE = childType('jobs');
/** What may change when a job is PUT again; the rest is what the job runs. */
const MUTABLE_JOB_FIELDS = new Set(['description', 'tags', 'properties', 'isArchived']);
const REQUEST = 'request';

export function jobRoutes(runtime: JobRuntime): Route[] {
  const action = (verb: string) => `workspaces/jobs/${verb}`;
  return [
    workspaceRoute('GET', '/jobs', action('read'), (req, ctx) => listJobs(req, ctx)),
    workspaceRoute('GET', '/jobs/{id}', action('read'), (req, ctx) => ok(requireJob(req, ctx))),
    workspaceRoute('PUT', '/jobs/{id}', action('write'), (req, ctx) => putJob(req, ctx, runtime)),
    workspaceRoute('DELETE', '/jobs/{id}', action('delete'), (req, ctx) => deleteJob(req, ctx, runtime)),
    workspaceRoute('POST', '/jobs/{id}/cancel', action('cancel/action'), (req, ctx) => cancelJob(req, ctx, runtime)),
  ];
}

function requireJob(req: ArmRequest, ctx: ProviderContext): ResourceJson {
  const workspace = requireParentWorkspace(req, ctx, 'jobs');
  const { workspaceName = '', id = '' } = req.params;
  return requireChild(ctx, req, `${workspace.id}/jobs/${id}`, 'workspaces/jobs', `${workspaceName}/${id}`);
}

function listJobs(req: ArmRequest, ctx: ProviderContext) {
  const workspace = requireParentWorkspace(req, ctx, 'jobs');
  const jobType = req.query.get('jobType');
  const items = ctx.store
    .children(workspace.id, JOB_TYPE)
    .filter((job) => matchesListView(job, req))
    .filter((job) => !jobType || stringAt(job, 'properties', 'jobType')?.toLowerCase() === jobType.toLowerCase())
    .filter((job) => matchesTags(job, req.query.get('tag'), 'properties', 'tags'));
  return listPage(req, orderBy(items, null));
}

// ---- create ---------------------------------------------------------------------------------

function putJob(req: ArmRequest, ctx: ProviderContext, runtime: JobRuntime) {
  const workspace = requireParentWorkspace(req, ctx, 'jobs');
  const name = req.params['id'] ?? '';
  checkAssetName(name, 'Job', 'id');
  const body = validate<Json>(jobResource, req.body ?? null, { code: 'UserError' });
  const request = objectAt(body, 'properties');
  const id = `${workspace.id}/jobs/${name}`;
  const existing = ctx.store.get(id);
  if (existing) return updateJob(ctx, req, existing, request);

  checkJob(ctx, workspace, request);
  const studio = `https://ml.azure.com/runs/${name}?wsid=${workspace.id}&tid=${ctx.config.tenantId}`;
  const job: ResourceJson = {
    id,
    name,
    type: JOB_TYPE,
    systemData: systemData(req.caller, ctx.clock.now()),
    properties: {
      tags: {},
      properties: {},
      isArchived: false,
      experimentName: 'Default',
      displayName: name,
      ...request,
      ...(request['jobType'] === 'Command'
        ? { resources: { instanceCount: 1, shmSize: '2g', ...objectAt(request, 'resources') } }
        : {}),
      status: 'NotStarted',
      services: {
        Tracking: {
          jobServiceType: 'Tracking',
          endpoint: stringAt(workspace, 'properties', 'mlFlowTrackingUri') ?? '',
        },
        Studio: { jobServiceType: 'Studio', endpoint: studio },
        ...objectAt(request, 'services'),
      },
    },
  };
  ctx.store.put(job);
  ctx.store.secrets(id)[REQUEST] = request;
  startRuntime(ctx, runtime, job);
  return ok(job, 201);
}

/** The same job again answers 200; its description, tags, properties and archive flag may change. */
function updateJob(ctx: ProviderContext, req: ArmRequest, existing: ResourceJson, request: Json) {
  const before = ctx.store.secrets(existing.id)[REQUEST];
  const previous = isObject(before) ? before : {};
  const fields = new Set([...Object.keys(previous), ...Object.keys(request)]);
  const changed = [...fields].filter((f) => !MUTABLE_JOB_FIELDS.has(f) && !sameJson(previous[f], request[f]));
  if (changed.length > 0) {
    throw conflict(
      `Job '${existing.name}' already exists and only its description, tags, properties and isArchived can be updated (changed: ${changed.join(', ')}). Submit the changed job under a new name.`,
      `properties.${changed[0]}`,
    );
  }
  const properties = objectAt(existing, 'properties');
  const updated: ResourceJson = {
    ...existing,
    systemData: systemData(req.caller, ctx.clock.now(), existing['systemData']),
    properties: {
      ...properties,
      ...Object.fromEntries(
        [...MUTABLE_JOB_FIELDS].filter((f) => request[f] !== undefined).map((f) => [f, request[f]]),
      ),
    },
  };
  ctx.store.put(updated);
  ctx.store.secrets(existing.id)[REQUEST] = { ...previous, ...request };
  return ok(updated, 200);
}

function checkJob(ctx: ProviderContext, workspace: ResourceJson, job: Json): void {
  const jobType = job['jobType'];
  if (jobType === 'AutoML') {
    throw userError(
      'AutoML jobs cannot run in local Azure: it runs command, sweep and pipeline jobs on attached Kubernetes computes.',
      'properties.jobType',
    );
  }
  const computeId = job['computeId'];
  let compute: ResourceJson | undefined;
  if (typeof computeId === 'string' && computeId !== '') {
    compute = resolveCompute(ctx, workspace, computeId, 'properties.computeId');
    const state = stringAt(compute, 'properties', 'provisioningState');
    if (state === 'Failed' || state === 'Deleting') {
      throw userError(
        `Compute '${compute.name}' is in provisioning state '${state}' and cannot run jobs.`,
        'properties.computeId',
      );
    }
  } else if (jobType !== 'Pipeline') {
    throw userError(
      `'properties.computeId' is required: the ARM id of the compute that runs the job.`,
      'properties.computeId',
    );
  }
  if (jobType === 'Command') checkCommand(ctx, workspace, job, compute, 'properties');
  if (jobType === 'Sweep') checkCommand(ctx, workspace, objectAt(job, 'trial'), compute, 'properties.trial');
  for (const [key, input] of Object.entries(objectAt(job, 'inputs'))) {
    const uri = stringAt(input, 'uri');
    if (uri) checkDataUri(ctx, workspace, uri, `properties.inputs.${key}.uri`);
  }
  for (const [key, output] of Object.entries(objectAt(job, 'outputs'))) {
    const uri = stringAt(output, 'uri');
    if (uri) checkDataUri(ctx, workspace, uri, `properties.outputs.${key}.uri`);
  }
}

function checkCommand(
  ctx: ProviderContext,
  workspace: ResourceJson,
  command: Json,
  compute: ResourceJson | undefined,
  at: string,
) {
  resolveAssetVersion(ctx, workspace, String(command['environmentId']), 'environments', `${at}.environmentId`);
  if (typeof command['codeId'] === 'string' && command['codeId'] !== '') {
    resolveAssetVersion(ctx, workspace, command['codeId'], 'codes', `${at}.codeId`);
  }
  const instanceType = stringAt(command, 'resources', 'instanceType');
  if (instanceType && compute) {
    const { names } = instanceTypesOf(compute);
    if (!names.some((n) => n.toLowerCase() === instanceType.toLowerCase())) {
      throw userError(
        `Instance type '${instanceType}' is not defined on compute '${compute.name}' (available: ${names.join(', ')}).`,
        `${at}.resources.instanceType`,
      );
    }
  }
}

// ---- status ---------------------------------------------------------------------------------

function hostFor(ctx: ProviderContext, id: string): JobRuntimeHost {
  return {
    ctx,
    current: () => ctx.store.get(id),
    setStatus: (status: JobStatus) => setStatus(ctx, id, status),
  };
}

/** Moves a job on; a job that ended stays ended. */
function setStatus(ctx: ProviderContext, id: string, status: JobStatus, force = false): void {
  const job = ctx.store.get(id);
  if (!job) return;
  const current = stringAt(job, 'properties', 'status') as JobStatus | undefined;
  if (!force && current && TERMINAL_JOB_STATUSES.includes(current)) return;
  if (!force && current === 'CancelRequested' && status !== 'Failed' && status !== 'Canceled') return;
  ctx.store.put({ ...job, properties: { ...objectAt(job, 'properties'), status } });
}

function startRuntime(ctx: ProviderContext, runtime: JobRuntime, job: ResourceJson): void {
  const fail = () => setStatus(ctx, job.id, 'Failed');
  try {
    const started = runtime.start(structuredClone(job), hostFor(ctx, job.id));
    if (started instanceof Promise) started.catch(fail);
  } catch {
    fail();
  }
}

// ---- cancel and delete ----------------------------------------------------------------------

function cancelJob(req: ArmRequest, ctx: ProviderContext, runtime: JobRuntime) {
  const job = requireJob(req, ctx);
  const status = stringAt(job, 'properties', 'status') as JobStatus;
  if (status === 'Canceled') return { status: 200 };
  if (status === 'Completed' || status === 'Failed') {
    throw userError(`Job '${job.name}' has already ended with status '${status}' and cannot be canceled.`, 'id');
  }
  setStatus(ctx, job.id, 'CancelRequested');
  const operation = ctx.operations.start(job.id, 'job-cancel', async () => {
    const current = ctx.store.get(job.id);
    if (!current) return { status: 'Succeeded' };
    await runtime.cancel(structuredClone(current), hostFor(ctx, job.id));
    setStatus(ctx, job.id, 'Canceled', true);
    return { status: 'Succeeded' };
  });
  return { status: 202, headers: operation.headers({ location: true }) };
}

function deleteJob(req: ArmRequest, ctx: ProviderContext, runtime: JobRuntime) {
  const workspace = requireParentWorkspace(req, ctx, 'jobs');
  const id = `${workspace.id}/jobs/${req.params['id']}`;
  const job = ctx.store.get(id);
  if (!job) return { status: 204 };
  const operation = ctx.operations.start(id, 'job-delete', async () => {
    const current = ctx.store.get(id);
    const status = stringAt(current, 'properties', 'status') as JobStatus | undefined;
    if (current && status && !TERMINAL_JOB_STATUSES.includes(status)) {
      await runtime.cancel(structuredClone(current), hostFor(ctx, id));
    }
    ctx.store.delete(id);
    return { status: 'Succeeded' };
  });
  return { status: 202, headers: operation.headers({ location: true }) };
}
