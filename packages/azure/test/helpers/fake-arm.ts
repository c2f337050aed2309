/** A tiny router for scripted Resource Manager responses in tests. */
import type { ServerResponse } from 'node:http';
import type { AzureCloud } from '../../src/clouds.js';
import type { Handler, RecordedRequest } from './https-server.js';
import { sendJson } from './https-server.js';

export type Route = readonly [
  method: string,
  path: RegExp,
  respond: (req: RecordedRequest, res: ServerResponse, match: RegExpExecArray) => void,
];

/** Routes on method and path (without the query); answers 404 `ResourceNotFound` for anything else. */
export function router(routes: () => readonly Route[]): Handler {
  return (req, res) => {
    const path = req.url.split('?')[0] ?? '';
    for (const [method, pattern, respond] of routes()) {
      const match = method === req.method ? pattern.exec(path) : null;
      if (match) return respond(req, res, match);
    }
    sendJson(res, 404, { error: { code: 'ResourceNotFound', message: `No route for ${req.method} ${path}` } });
  };
}

/** Answers from the list in turn; the last answer repeats. */
export function inTurn(...answers: Array<(req: RecordedRequest, res: ServerResponse) => void>) {
  let i = 0;
  return (req: RecordedRequest, res: ServerResponse): void => answers[Math.min(i++, answers.length - 1)]!(req, res);
}

/** A custom cloud whose Resource Manager (and Entra) is the local test server at `url`. */
export function testCloud(url: string, audience = 'https://management.test.example/'): AzureCloud {
  return {
    name: 'Test',
    resourceManagerEndpoint: url,
    authorityHost: `${url}/entra`,
    resourceManagerAudience: audience,
    storageEndpointSuffix: 'localhost',
    isCustom: true,
  };
}
