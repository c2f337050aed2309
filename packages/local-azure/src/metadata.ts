// Cloud metadata at /metadata/endpoints, in the shape Azure Resource Manager publishes it, so
// clients discover local Azure the way they discover Azure Stack Hub or a sovereign cloud.

import type { HttpAnswer, HttpRequest } from './http/types.js';
import { json } from './http/types.js';

/** The audience Resource Manager tokens are asked for (what `/.default` scopes are built from). */
export const ARM_AUDIENCE = 'https://management.local.arc-ml/';
export const CLOUD_NAME = 'ArcMlLocal';

export function cloudMetadata(baseUrl: string): Record<string, unknown> {
  return {
    name: CLOUD_NAME,
    portal: `${baseUrl}/`,
    resourceManager: `${baseUrl}/`,
    authentication: {
      loginEndpoint: baseUrl,
      audiences: [ARM_AUDIENCE, `${baseUrl}/`],
      tenant: 'common',
      identityProvider: 'AAD',
    },
    suffixes: {
      storage: 'local.arc-ml',
      keyVaultDns: 'vault.local.arc-ml',
      acrLoginServer: 'azurecr.local.arc-ml',
    },
    graph: `${baseUrl}/graph/`,
    graphAudience: `${baseUrl}/graph/`,
    microsoftGraphResourceId: `${baseUrl}/graph/`,
    activeDirectoryDataLake: `${baseUrl}/datalake/`,
    batch: `${baseUrl}/batch/`,
    media: `${baseUrl}/media/`,
  };
}

/** GET /metadata/endpoints: api-version 2022-09-01 (and later) answer a list of clouds, older ones one cloud. */
export function metadataAnswer(req: HttpRequest, baseUrl: string): HttpAnswer {
  if (req.method !== 'GET') return json(405, { error: { code: 'MethodNotAllowed', message: 'Use GET.' } });
  const apiVersion = req.url.searchParams.get('api-version') ?? '';
  const cloud = cloudMetadata(baseUrl);
  return json(200, apiVersion >= '2022-09-01' ? [cloud] : cloud, {
    'Content-Type': 'application/json; charset=utf-8',
  });
}
