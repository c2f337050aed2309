import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { describe, expect, it } from '@jest/globals';
import {
  type ArmErrorExplanation,
  ArmRequestError,
  explainArmError,
  isNotFound,
  roleFor,
  toArmError,
} from '../src/arm-errors.js';

const SCOPE = '/subscriptions/0000/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ws';

/** A RestError as the SDKs throw it: status, the raw ARM body, and the request id header. */
function restError(status: number, body: unknown, requestId = 'req-1'): RestError {
  const request = createPipelineRequest({ url: 'https://management.azure.com/x' });
  return new RestError('sdk message', {
    statusCode: status,
    code:
      typeof body === 'object' && body && 'error' in body
        ? (body as { error: { code: string } }).error.code
        : undefined,
    request,
    response: {
      status,
      request,
      headers: createHttpHeaders({ 'x-ms-request-id': requestId }),
      bodyAsText: typeof body === 'string' ? body : JSON.stringify(body),
    },
  });
}

const arm = (code: string, message: string, extra: Record<string, unknown> = {}) => ({
  error: { code, message, ...extra },
});

describe('explainArmError', () => {
  it.each<[string, unknown, Partial<ArmErrorExplanation>, RegExp | undefined]>([
    [
      'AuthorizationFailed on a workspace action',
      restError(
        403,
        arm(
          'AuthorizationFailed',
          `The client 'aaaa' with object id 'bbbb' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/jobs/write' over scope '${SCOPE}/jobs/train-1' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        ),
      ),
      {
        code: 'AuthorizationFailed',
        message: `The identity aaaa (object id bbbb) may not perform Microsoft.MachineLearningServices/workspaces/jobs/write on ${SCOPE}/jobs/train-1.`,
        statusCode: 403,
        requestId: 'req-1',
        authorization: {
          clientId: 'aaaa',
          objectId: 'bbbb',
          action: 'Microsoft.MachineLearningServices/workspaces/jobs/write',
          scope: `${SCOPE}/jobs/train-1`,
          role: 'AzureML Data Scientist',
        },
      },
      /az role assignment create --assignee-object-id bbbb --assignee-principal-type ServicePrincipal --role "AzureML Data Scientist" --scope \/subscriptions\/0000\/.*\/jobs\/train-1/,
    ],
    [
      'AuthorizationFailed on a cluster extension',
      restError(
        403,
        arm(
          'AuthorizationFailed',
          "The client 'aaaa' with object id 'bbbb' does not have authorization to perform action 'Microsoft.KubernetesConfiguration/extensions/write' over scope '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1/providers/Microsoft.KubernetesConfiguration/extensions/azureml' or the scope is invalid.",
        ),
      ),
      { authorization: expect.objectContaining({ role: 'Kubernetes Extension Contributor' }) as never },
      /"Kubernetes Extension Contributor"/,
    ],
    [
      'LinkedAuthorizationFailed',
      restError(
        403,
        arm(
          'LinkedAuthorizationFailed',
          "The client 'aaaa' with object id 'bbbb' has permission to perform action 'Microsoft.MachineLearningServices/workspaces/computes/write' on scope 'x'; however, it does not have permission to perform action(s) 'Microsoft.Kubernetes/connectedClusters/read' on the linked scope(s) '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1' (respectively) or the linked scope(s) are invalid.",
        ),
      ),
      {
        authorization: expect.objectContaining({
          action: 'Microsoft.Kubernetes/connectedClusters/read',
          scope: '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1',
        }) as never,
      },
      /Kubernetes Cluster - Azure Arc Onboarding/,
    ],
    [
      'ResourceGroupNotFound',
      restError(404, arm('ResourceGroupNotFound', "Resource group 'ml-rg' could not be found.")),
      { code: 'ResourceGroupNotFound', message: "Resource group 'ml-rg' could not be found." },
      /az group create --name ml-rg --location <region>/,
    ],
    [
      'ParentResourceNotFound',
      restError(
        404,
        arm(
          'ParentResourceNotFound',
          "Can not perform requested operation on nested resource. Parent resource 'ws' not found.",
        ),
      ),
      { code: 'ParentResourceNotFound' },
      /contains this one \(ws\) does not exist/,
    ],
    [
      'ResourceNotFound',
      restError(
        404,
        arm(
          'ResourceNotFound',
          "The Resource 'Microsoft.Kubernetes/connectedClusters/arc1' under resource group 'rg' was not found.",
        ),
      ),
      { code: 'ResourceNotFound' },
      /Check the name, the resource group and the subscription/,
    ],
    [
      'MissingSubscriptionRegistration',
      restError(
        409,
        arm(
          'MissingSubscriptionRegistration',
          "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'. See https://aka.ms/rps-not-found for how to register subscriptions.",
          {
            details: [
              {
                code: 'MissingSubscriptionRegistration',
                target: 'Microsoft.KubernetesConfiguration',
                message: "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'.",
              },
            ],
          },
        ),
      ),
      { code: 'MissingSubscriptionRegistration' },
      /az provider register --namespace Microsoft.KubernetesConfiguration/,
    ],
    [
      'Conflict',
      restError(409, arm('Conflict', 'Operation is not allowed while the extension is in Updating state.')),
      { code: 'Conflict' },
      /wait for it to finish, then re-run/,
    ],
    [
      'QuotaExceeded',
      restError(
        400,
        arm(
          'QuotaExceeded',
          'Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota.',
        ),
      ),
      { code: 'QuotaExceeded' },
      /Usage \+ quotas/,
    ],
    [
      'OperationNotAllowed about quota',
      restError(
        409,
        arm('OperationNotAllowed', 'Operation results in exceeding quota limits of Core. Maximum allowed: 10.'),
      ),
      { code: 'OperationNotAllowed' },
      /quota is exhausted/,
    ],
    [
      'OperationNotAllowed about something else',
      restError(409, arm('OperationNotAllowed', 'The workspace is being deleted.')),
      { code: 'OperationNotAllowed', message: 'The workspace is being deleted.' },
      undefined,
    ],
    [
      'InvalidApiVersionParameter',
      restError(
        400,
        arm(
          'InvalidApiVersionParameter',
          "The api-version '2025-04-01' is invalid. The supported versions are '2019-10-01,2018-05-01'.",
        ),
      ),
      { code: 'InvalidApiVersionParameter' },
      /does not serve the api-version/,
    ],
    [
      'an unknown code, with target and nested details flattened',
      restError(
        400,
        arm('BadRequest', 'The request is invalid.', {
          target: 'properties',
          details: [
            {
              code: 'InvalidField',
              message: 'computeType is required',
              target: 'properties.computeType',
              details: [{ code: 'Inner', message: 'deeper' }],
            },
            { code: 'Other', message: 'also wrong' },
          ],
        }),
      ),
      {
        code: 'BadRequest',
        message: 'The request is invalid.',
        target: 'properties',
        details: [
          { code: 'InvalidField', message: 'computeType is required', target: 'properties.computeType' },
          { code: 'Inner', message: 'deeper' },
          { code: 'Other', message: 'also wrong' },
        ],
      },
      undefined,
    ],
    [
      'an Azure ML error (UserError with innerError)',
      restError(404, {
        error: { code: 'UserError', message: 'Not found: compute k8s', innerError: { code: 'NotFoundError' } },
      }),
      { code: 'UserError', message: 'Not found: compute k8s', statusCode: 404 },
      undefined,
    ],
    [
      'a body that is not JSON',
      restError(502, '<html>Bad gateway</html>'),
      { code: 'HTTP502', message: 'sdk message', statusCode: 502 },
      undefined,
    ],
    [
      'a failed long-running operation',
      new Error(
        'The long-running operation has failed. ExtensionOperationFailed. The extension failed to install: ImagePullBackOff.',
      ),
      { code: 'ExtensionOperationFailed', message: 'The extension failed to install: ImagePullBackOff.' },
      undefined,
    ],
    [
      'a plain error',
      new Error('socket hang up'),
      { code: 'Error', message: 'socket hang up', details: [] },
      undefined,
    ],
    ['a string', 'boom', { code: 'Unknown', message: 'boom' }, undefined],
  ])('%s', (_case, error, expected, hint) => {
    const explained = explainArmError(error);
    expect(explained).toMatchObject(expected);
    if (hint) expect(explained.hint).toMatch(hint);
    else expect(explained.hint).toBeUndefined();
  });
});

describe('roleFor', () => {
  it.each([
    ['Microsoft.KubernetesConfiguration/extensions/write', 'Kubernetes Extension Contributor'],
    [
      'Microsoft.Kubernetes/connectedClusters/listClusterUserCredential/action',
      'Azure Arc Enabled Kubernetes Cluster User Role',
    ],
    ['Microsoft.Kubernetes/connectedClusters/write', 'Kubernetes Cluster - Azure Arc Onboarding'],
    ['Microsoft.ContainerService/managedClusters/read', 'Azure Kubernetes Service Cluster User Role'],
    ['Microsoft.ContainerService/managedClusters/write', 'Azure Kubernetes Service Contributor Role'],
    ['Microsoft.MachineLearningServices/workspaces/computes/write', 'AzureML Compute Operator'],
    ['Microsoft.MachineLearningServices/workspaces/computes/read', 'AzureML Data Scientist'],
    ['Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/write', 'AzureML Data Scientist'],
    ['Microsoft.MachineLearningServices/workspaces/write', 'Contributor'],
    ['Microsoft.Authorization/roleAssignments/write', 'Role Based Access Control Administrator'],
    ['Microsoft.Resources/subscriptions/resourceGroups/read', 'Reader'],
    ['Microsoft.Resources/deployments/write', 'Contributor'],
  ])('%s → %s', (action, role) => {
    expect(roleFor(action)).toBe(role);
  });
});

describe('isNotFound', () => {
  it.each<[string, unknown, boolean]>([
    ['404 ResourceNotFound', restError(404, arm('ResourceNotFound', 'x')), true],
    ['404 from Azure ML', restError(404, arm('UserError', 'x')), true],
    ['404 ResourceGroupNotFound', restError(404, arm('ResourceGroupNotFound', 'x')), false],
    ['404 ParentResourceNotFound', restError(404, arm('ParentResourceNotFound', 'x')), false],
    ['403', restError(403, arm('AuthorizationFailed', 'x')), false],
    ['an error with only a code', { code: 'ResourceNotFound', message: 'x' }, true],
    ['a plain error', new Error('x'), false],
  ])('%s', (_case, error, expected) => {
    expect(isNotFound(error)).toBe(expected);
  });
});

describe('toArmError', () => {
  it('leads with what was being done, keeps the hint and the cause', () => {
    const cause = restError(
      409,
      arm(
        'MissingSubscriptionRegistration',
        "The subscription is not registered to use namespace 'Microsoft.Kubernetes'.",
      ),
    );
    const error = toArmError(cause, 'connect cluster arc1');
    expect(error).toBeInstanceOf(ArmRequestError);
    expect(error.message).toBe(
      "connect cluster arc1 failed: MissingSubscriptionRegistration: The subscription is not registered to use namespace 'Microsoft.Kubernetes'.",
    );
    expect(error.hint).toMatch(/az provider register --namespace Microsoft.Kubernetes /);
    expect(error.cause).toBe(cause);
    expect(error).toMatchObject({ code: 'MissingSubscriptionRegistration', statusCode: 409, requestId: 'req-1' });
  });

  it('says its message tells its cause, which it keeps for the stack and response', () => {
    // ARM's words are rephrased (who may not do what where), so the SDK's are not contained in ours:
    // the marker is what keeps actions-kit's errorMessage() from printing them a second time.
    const arms = `The client 'aaaa' with object id 'bbbb' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/computes/write' over scope '${SCOPE}/computes/k8s' or the scope is invalid.`;
    const cause = restError(403, arm('AuthorizationFailed', arms));
    const error = toArmError(cause, 'attach compute k8s');
    expect(error.message).not.toContain(arms);
    expect(error.messageIncludesCause).toBe(true);
    expect(error.cause).toBe(cause);
  });

  it('lists details that add something on their own lines', () => {
    const error = toArmError(
      restError(
        400,
        arm('BadRequest', 'Invalid body.', {
          details: [{ code: 'InvalidField', message: 'name too long', target: 'name' }],
        }),
      ),
    );
    expect(error.message).toBe('BadRequest: Invalid body.\n  - InvalidField: name too long (target: name)');
  });
});
