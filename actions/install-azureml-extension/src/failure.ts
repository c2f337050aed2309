// An install or update that ended Failed: what the extension said, and the most likely cause in
// words a person can act on.

import type { ClusterInfo, InstalledExtension } from './azure-port.js';
import type { InstallSettings } from './inputs.js';

interface Rule {
  readonly matches: RegExp;
  readonly cause: (context: CauseContext) => string;
}

interface CauseContext {
  readonly settings: InstallSettings;
  readonly cluster: ClusterInfo;
}

const TSG = 'Troubleshooting: https://aka.ms/arcmltsg';

/** Ordered: the first rule whose pattern matches the codes and messages wins. */
const RULES: readonly Rule[] = [
  {
    matches: /InsufficientNodesForHA|inferenceRouterHA|replicas never schedule|3 replicas/i,
    cause: ({ cluster }) =>
      `inference-router-ha is true, which needs 3 Linux nodes for the 3 azureml-fe replicas${cluster.nodeCount !== undefined ? `, and the cluster reports ${cluster.nodeCount}` : ''}: set inference-router-ha: false on a dev/test cluster, or add nodes, then re-run.`,
  },
  {
    matches: /ClusterNotConnected|stopped reporting|agents? .*(offline|not connected)/i,
    cause: () =>
      "The cluster's Arc agents stopped reporting during the install: check kubectl get pods -n azure-arc, run connect-arc until the cluster is Connected, then re-run this step.",
  },
  {
    matches: /Ssl(KeyMismatch|KeyMissing|CertificateMissing|NotConfigured|CnameMissing)|InvalidSsl/i,
    cause: () =>
      'The TLS settings were refused: check that ssl-cert-pem and ssl-key-pem are a matching, unencrypted PEM pair and that ssl-cname is set.',
  },
  {
    matches: /NodePortWithInternalLoadBalancer|InvalidInternalLoadBalancerProvider|ConflictingServiceType/i,
    cause: () =>
      'The inference router settings conflict: NodePort and an internal load balancer are exclusive; check configuration-settings for legacy lines.',
  },
  {
    matches:
      /InvalidBooleanSetting|InvalidInferenceRouterServiceType|InferenceRouterServiceTypeMissing|InvalidClusterPurpose|NoComponentEnabled/i,
    cause: () =>
      'A configuration setting has a value the extension refuses: see the statuses above and fix configuration-settings.',
  },
  {
    matches: /ImagePull|ErrImagePull|failed to pull/i,
    cause: () =>
      'The cluster could not pull the extension images: check outbound access to mcr.microsoft.com (and a proxy, if any); kubectl get pods -n azureml shows the pods waiting.',
  },
  {
    matches: /Insufficient (cpu|memory)|Unschedulable|FailedScheduling/i,
    cause: () =>
      'The extension pods did not fit on the nodes: free CPU/memory or add nodes (kubectl describe pods -n azureml shows which pod waits and why).',
  },
  {
    matches: /pod healthcheck failed|pre-install|post-install|timed out waiting/i,
    cause: () =>
      `The extension's pods did not become healthy: kubectl get pods -n azureml, then kubectl describe / logs for those not Running. ${TSG}`,
  },
];

/** The codes and messages of the failure, for the log: errorInfo first, then the statuses. */
export function failureLines(
  extension: InstalledExtension,
  operationError?: { code: string; message: string },
): string[] {
  const lines: string[] = [];
  const error = extension.errorInfo ?? operationError;
  if (error) lines.push(`errorInfo: ${error.code ?? 'Error'}: ${error.message ?? '(no message)'}`);
  for (const status of extension.statuses) {
    lines.push(
      `status: ${status.level ?? status.displayStatus ?? 'Information'} ${status.code ?? ''}: ${status.message ?? ''}`.replace(
        / :/,
        ':',
      ),
    );
  }
  if (lines.length === 0) lines.push('Azure reported no errorInfo and no statuses for this failure.');
  return lines;
}

export function likelyCause(
  extension: InstalledExtension,
  context: CauseContext,
  operationError?: { code: string; message: string },
): string {
  // Error-level statuses first: they name the check that failed; the errorInfo text repeats them.
  const errors = extension.statuses.filter((s) => (s.level ?? '').toLowerCase() === 'error');
  const texts = [
    ...errors.map((s) => `${s.code ?? ''} ${s.message ?? ''}`),
    `${extension.errorInfo?.code ?? ''} ${extension.errorInfo?.message ?? ''}`,
    `${operationError?.code ?? ''} ${operationError?.message ?? ''}`,
  ];
  for (const text of texts) {
    const rule = RULES.find((r) => r.matches.test(text));
    if (rule) return rule.cause(context);
  }
  return `Azure did not say more than the error above. Look at the pods in the azureml namespace (kubectl get pods -n azureml) and re-run this step once the cause is fixed; it retries the install. ${TSG}`;
}
