/** The job summary: what is attached where, at a glance, and the instance types it offers. */
import { type Cell, JobSummary, type SummarySink } from '@arc-ml/actions-kit';
import type { AttachSettings } from './inputs.js';
import { AZURE_DEFAULT_INSTANCE_TYPE, type InstanceType } from './instance-types.js';

export type Outcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'attached' }
  | { readonly kind: 'reattached'; readonly differences: readonly string[] };

const HEADINGS: Readonly<Record<Outcome['kind'], string>> = {
  unchanged: 'already attached as asked',
  attached: 'attached',
  reattached: 'detached and attached again',
};

export async function writeSummary(
  sink: SummarySink,
  settings: AttachSettings,
  computeId: string,
  outcome: Outcome,
): Promise<void> {
  const { cluster } = settings;
  const summary = new JobSummary(sink).heading(`Compute ${settings.computeName}: ${HEADINGS[outcome.kind]}`).keyValues(
    [
      ['compute', settings.computeName],
      ['workspace', `${settings.workspace.workspaceName} (resource group ${settings.workspace.resourceGroup})`],
      ['cluster', `${cluster.clusterName} (${cluster.kind === 'connected' ? 'Azure Arc' : 'AKS'})`],
      ['namespace', settings.namespace],
      ['default instance type', settings.defaultInstanceType ?? `${AZURE_DEFAULT_INSTANCE_TYPE} (Azure ML's)`],
      ['identity', settings.identity === 'system' ? 'system-assigned' : 'none'],
      ['changed', outcome.kind === 'unchanged' ? 'no' : 'yes'],
      ['compute id', { code: computeId }],
    ],
    ['Setting', 'Value'],
  );
  if (outcome.kind === 'reattached') summary.text('It had other settings:').list([...outcome.differences]);
  summary.heading('Instance types', 3);
  if (settings.instanceTypes.size === 0) {
    summary.text(
      `None declared: workloads use Azure ML's ${AZURE_DEFAULT_INSTANCE_TYPE} (requests 100m CPU and 2Gi memory, limits 2 CPU and 2Gi).`,
    );
  } else {
    summary.table(
      ['name', 'node selector', 'cpu request / limit', 'memory request / limit', 'GPUs'],
      [...settings.instanceTypes].map(([name, type]) =>
        instanceTypeRow(name, type, name === settings.defaultInstanceType),
      ),
    );
  }
  await summary.write();
}

/**
 * recreate-on-change is false and the compute differs: the step fails, and the summary says at a glance
 * that nothing was changed, how the attached compute differs, and how to go on.
 */
export async function writeNotChangedSummary(
  sink: SummarySink,
  settings: AttachSettings,
  computeId: string,
  differences: readonly string[],
): Promise<void> {
  await new JobSummary(sink)
    .heading(`Compute ${settings.computeName}: attached with other settings; nothing changed`)
    .text(
      `recreate-on-change is false, so the compute in workspace ${settings.workspace.workspaceName} was left as it is. It differs from the inputs in:`,
    )
    .list([...differences])
    .text(
      'A Kubernetes compute cannot be updated in place: set recreate-on-change: true to detach and attach it again, or change the inputs back.',
    )
    .keyValues([['compute id', { code: computeId }]], ['Setting', 'Value'])
    .write();
}

function instanceTypeRow(name: string, type: InstanceType, isDefault: boolean): Cell[] {
  const pair = (resource: 'cpu' | 'memory') => `${type.requests[resource] ?? '–'} / ${type.limits[resource] ?? '–'}`;
  const selector = Object.entries(type.nodeSelector)
    .map(([label, value]) => `${label}=${value}`)
    .join(', ');
  return [
    isDefault ? `${name} (default)` : name,
    selector === '' ? '–' : { code: selector },
    pair('cpu'),
    pair('memory'),
    type.limits['nvidia.com/gpu'] ?? type.requests['nvidia.com/gpu'] ?? '0',
  ];
}
