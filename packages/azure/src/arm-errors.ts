/**
 * Azure Resource Manager errors turned into messages a person can act on: who lacks which
 * permission where, which provider to register, which resource is missing.
 */

export interface ArmErrorDetail {
  readonly code: string;
  readonly message: string;
  readonly target?: string;
}

/** The facts of an `AuthorizationFailed`, read from ARM's message. */
export interface AuthorizationProblem {
  /** The client (application) id, when ARM names it. */
  readonly clientId?: string;
  readonly objectId?: string;
  readonly action: string;
  readonly scope: string;
  /** A built-in role that grants `action`; the narrowest one we know of. */
  readonly role: string;
}

export interface ArmErrorExplanation {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly target?: string;
  /** Every nested detail, depth first. */
  readonly details: readonly ArmErrorDetail[];
  readonly statusCode?: number;
  /** `x-ms-request-id`, for a support request. */
  readonly requestId?: string;
  readonly authorization?: AuthorizationProblem;
}

interface RawArmError {
  code?: unknown;
  message?: unknown;
  target?: unknown;
  details?: unknown;
}

/** Reads what went wrong from any error an SDK call throws (RestError, LRO failure, plain Error). */
export function explainArmError(err: unknown): ArmErrorExplanation {
  const facts = readError(err);
  const explained = explainCode(facts);
  return { ...facts, ...explained };
}

/**
 * True when the resource itself does not exist (HTTP 404). A missing parent, resource group or
 * subscription is not "not found" here: that is a real error worth reporting.
 */
export function isNotFound(err: unknown): boolean {
  const facts = readError(err);
  if (/^(ResourceGroupNotFound|ParentResourceNotFound|SubscriptionNotFound)$/i.test(facts.code)) return false;
  if (facts.statusCode !== undefined) return facts.statusCode === 404;
  return /^(ResourceNotFound|NotFound)$/i.test(facts.code);
}

/**
 * An SDK failure rethrown with an actionable message, the ARM code, a hint, and the original as `cause`.
 * The message is written from the cause (code, message, details), so it says `messageIncludesCause`:
 * actions-kit's `errorMessage()` then prints ARM's message once instead of appending the SDK's wording of it.
 */
export class ArmRequestError extends Error {
  override readonly name = 'ArmRequestError';
  /** The cause is kept for its stack and response, not for its message: this one already tells it. */
  readonly messageIncludesCause = true;
  readonly code: string;
  readonly hint?: string;
  readonly target?: string;
  readonly details: readonly ArmErrorDetail[];
  readonly statusCode?: number;
  readonly requestId?: string;
  readonly authorization?: AuthorizationProblem;

  constructor(explanation: ArmErrorExplanation, doing?: string, options?: { cause?: unknown }) {
    super(`${doing ? `${doing} failed: ` : ''}${formatArmError(explanation)}`, options);
    this.code = explanation.code;
    if (explanation.hint !== undefined) this.hint = explanation.hint;
    if (explanation.target !== undefined) this.target = explanation.target;
    this.details = explanation.details;
    if (explanation.statusCode !== undefined) this.statusCode = explanation.statusCode;
    if (explanation.requestId !== undefined) this.requestId = explanation.requestId;
    if (explanation.authorization !== undefined) this.authorization = explanation.authorization;
  }
}

/** Wraps any SDK error as an `ArmRequestError`; `doing` (e.g. `attach compute k8s`) leads the message. */
export function toArmError(err: unknown, doing?: string): ArmRequestError {
  if (err instanceof ArmRequestError && doing === undefined) return err;
  return new ArmRequestError(explainArmError(err), doing, { cause: err });
}

/** `Code: message (target x)` followed by one line per detail that adds something. */
export function formatArmError(explanation: ArmErrorExplanation): string {
  const head = `${explanation.code}: ${explanation.message}${explanation.target ? ` (target: ${explanation.target})` : ''}`;
  const lines = explanation.details
    .filter((d) => !explanation.message.includes(d.message))
    .map((d) => `  - ${d.code}: ${d.message}${d.target ? ` (target: ${d.target})` : ''}`);
  return [head, ...lines].join('\n');
}

// ----- reading errors -----

interface ErrorFacts {
  code: string;
  message: string;
  target?: string;
  details: ArmErrorDetail[];
  statusCode?: number;
  requestId?: string;
}

function readError(err: unknown): ErrorFacts {
  if (!isRecord(err)) return { code: 'Unknown', message: String(err), details: [] };
  const statusCode = typeof err['statusCode'] === 'number' ? err['statusCode'] : undefined;
  const response = isRecord(err['response']) ? err['response'] : undefined;
  const requestId = headerValue(response, 'x-ms-request-id');
  const base = {
    ...(statusCode !== undefined ? { statusCode } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };

  const body = armErrorFromBody(response?.['bodyAsText']) ?? armErrorFromObject(err['details']);
  if (body) {
    const target = str(body.target);
    return {
      ...base,
      code: str(body.code) ?? str(err['code']) ?? 'Unknown',
      message: str(body.message) ?? String(err['message'] ?? ''),
      ...(target !== undefined ? { target } : {}),
      details: flattenDetails(body.details),
    };
  }

  const message = typeof err['message'] === 'string' ? err['message'] : String(err);
  const lro = /^The long-running operation has failed\. ([A-Za-z0-9_.-]+)\. ([\s\S]*)$/.exec(message);
  if (lro) return { ...base, code: lro[1]!, message: lro[2]!, details: [] };
  const code = str(err['code']) ?? (statusCode !== undefined ? `HTTP${statusCode}` : (str(err['name']) ?? 'Error'));
  return { ...base, code, message, details: [] };
}

function armErrorFromBody(text: unknown): RawArmError | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    return armErrorFromObject(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function armErrorFromObject(value: unknown): RawArmError | undefined {
  if (!isRecord(value)) return undefined;
  const inner = isRecord(value['error'])
    ? value['error']
    : isRecord(value['odata.error'])
      ? value['odata.error']
      : value;
  if (typeof inner['code'] !== 'string' && typeof inner['message'] !== 'string') return undefined;
  const message = isRecord(inner['message']) ? inner['message']['value'] : inner['message'];
  return { code: inner['code'], message, target: inner['target'], details: inner['details'] };
}

function flattenDetails(details: unknown, out: ArmErrorDetail[] = [], depth = 0): ArmErrorDetail[] {
  if (!Array.isArray(details) || depth > 10) return out;
  for (const d of details) {
    if (!isRecord(d)) continue;
    const target = str(d['target']);
    out.push({
      code: str(d['code']) ?? 'Unknown',
      message: str(d['message']) ?? '',
      ...(target !== undefined ? { target } : {}),
    });
    flattenDetails(d['details'], out, depth + 1);
  }
  return out;
}

// ----- explaining codes -----

type Explained = Partial<Pick<ArmErrorExplanation, 'message' | 'hint' | 'authorization'>>;

function explainCode(facts: ErrorFacts): Explained {
  const code = facts.code.toLowerCase();
  const text = [facts.message, ...facts.details.map((d) => d.message)].join(' ');
  switch (code) {
    case 'authorizationfailed':
    case 'linkedauthorizationfailed':
      return explainAuthorization(facts.message);
    case 'resourcegroupnotfound': {
      const group = /resource group '([^']+)'/i.exec(facts.message)?.[1] ?? '<name>';
      return {
        hint: `Create the resource group (az group create --name ${group} --location <region>) or fix its name; it must be in the subscription given by subscription-id.`,
      };
    }
    case 'parentresourcenotfound': {
      const parent = /parent resource '([^']+)'/i.exec(facts.message)?.[1];
      return {
        hint: `The resource that contains this one${parent ? ` (${parent})` : ''} does not exist: create it first (a workspace with az ml workspace create, a cluster with connect-arc, an endpoint before its deployments) or fix its name.`,
      };
    }
    case 'resourcenotfound':
    case 'notfound':
      return {
        hint: 'Check the name, the resource group and the subscription; the identity also needs read access to see the resource.',
      };
    case 'subscriptionnotfound':
      return {
        hint: 'Check subscription-id, and that tenant-id is the tenant of that subscription and the identity has a role on it.',
      };
    case 'invalidauthenticationtokentenant':
      return { hint: 'The subscription belongs to another tenant than the one signed in to: check tenant-id.' };
    case 'invalidauthenticationtokenaudience':
      return {
        hint: 'The token was issued for another audience than this Resource Manager: for a custom cloud check arm-endpoint, so that the audience comes from its metadata.',
      };
    case 'missingsubscriptionregistration':
    case 'subscriptionnotregistered': {
      const namespace = /namespace '([^']+)'/i.exec(text)?.[1] ?? facts.target ?? '<Namespace>';
      return {
        hint: `Register the resource provider once per subscription: az provider register --namespace ${namespace} (needs ${namespace}/register/action at subscription scope, e.g. Contributor).`,
      };
    }
    case 'conflict':
    case 'resourceconflict':
    case 'anotheroperationinprogress':
      return {
        hint: 'Another operation on this resource is still running, or its state does not allow this change yet: wait for it to finish, then re-run the step.',
      };
    case 'quotaexceeded':
    case 'resourcequotaexceeded':
    case 'operationnotallowed':
      if (code === 'operationnotallowed' && !/quota/i.test(text)) return {};
      return {
        hint: 'A quota is exhausted: ask for more (portal → Subscriptions → Usage + quotas) or use fewer or smaller instances.',
      };
    case 'invalidapiversionparameter':
    case 'noregisteredproviderfound':
      return {
        hint: 'This cloud does not serve the api-version the SDK sends (Azure Stack Hub and sovereign clouds lag behind): check the supported versions listed in the message.',
      };
    default:
      return {};
  }
}

const clientPattern = /The client '([^']*)' with object id '([^']*)'/i;
const directPattern = /does not have authorization to perform action '([^']+)' over scope '([^']+)'/i;
const linkedPattern = /does not have permission to perform action\(s\) '([^']+)' on the linked scope\(s\) '([^']+)'/i;

function explainAuthorization(message: string): Explained {
  const client = clientPattern.exec(message);
  const match = directPattern.exec(message) ?? linkedPattern.exec(message);
  if (!match) {
    return {
      hint: 'The signed-in identity lacks a role assignment for this operation: grant it one (e.g. Contributor) on the resource group.',
    };
  }
  const action = match[1]!;
  const scope = match[2]!.split(',')[0]!.trim();
  const clientId = client?.[1] || undefined;
  const objectId = client?.[2] || undefined;
  const role = roleFor(action);
  const who = clientId
    ? `The identity ${clientId}${objectId ? ` (object id ${objectId})` : ''}`
    : 'The signed-in identity';
  const assignee = objectId
    ? `--assignee-object-id ${objectId} --assignee-principal-type ServicePrincipal`
    : `--assignee ${clientId ?? '<client-id>'}`;
  return {
    message: `${who} may not perform ${action} on ${scope}.`,
    hint: `Grant it the "${role}" role on ${scope} or a scope above it: az role assignment create ${assignee} --role "${role}" --scope ${scope} — role assignments can take a few minutes to apply.`,
    authorization: {
      ...(clientId !== undefined ? { clientId } : {}),
      ...(objectId !== undefined ? { objectId } : {}),
      action,
      scope,
      role,
    },
  };
}

/** The narrowest built-in role we know that allows `action`; Contributor when nothing narrower fits. */
export function roleFor(action: string): string {
  const a = action.toLowerCase();
  const ml = 'microsoft.machinelearningservices/workspaces';
  if (a.startsWith('microsoft.kubernetesconfiguration/')) return 'Kubernetes Extension Contributor';
  if (a.startsWith('microsoft.kubernetes/connectedclusters')) {
    if (a.endsWith('/listclusterusercredential/action')) return 'Azure Arc Enabled Kubernetes Cluster User Role';
    return 'Kubernetes Cluster - Azure Arc Onboarding';
  }
  if (a.startsWith('microsoft.containerservice/managedclusters')) {
    if (a.endsWith('/read') || a.endsWith('/listclusterusercredential/action'))
      return 'Azure Kubernetes Service Cluster User Role';
    return 'Azure Kubernetes Service Contributor Role';
  }
  if (a.startsWith(`${ml}/computes/`)) {
    return a.endsWith('/read') ? 'AzureML Data Scientist' : 'AzureML Compute Operator';
  }
  if (a === `${ml}/write` || a === `${ml}/delete` || a === `${ml}/listkeys/action`) return 'Contributor';
  if (a.startsWith(`${ml}/`)) return 'AzureML Data Scientist';
  if (a.startsWith('microsoft.authorization/roleassignments/')) return 'Role Based Access Control Administrator';
  if (a.startsWith('microsoft.storage/')) return 'Storage Account Contributor';
  if (a.endsWith('/read')) return 'Reader';
  return 'Contributor';
}

// ----- small helpers -----

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function headerValue(response: Record<string, unknown> | undefined, name: string): string | undefined {
  const headers = response?.['headers'];
  if (!isRecord(headers)) return undefined;
  if (typeof headers['get'] === 'function') return str((headers['get'] as (n: string) => unknown).call(headers, name));
  return str(headers[name]);
}
