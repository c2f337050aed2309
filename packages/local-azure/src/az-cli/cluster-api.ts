// The in-cluster half of `az connectedk8s connect` (helm installing the Arc agents), as local
// Azure's clusters take it: `POST {server}/agents` on the kubeconfig's API server with its bearer
// token, trusting the kubeconfig's certificate authority as kubectl and helm do.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CliError } from './args.js';
import type { KubeTarget } from './kubeconfig.js';

export const AGENT_VERSION = '1.21.10';

export function installAgents(target: KubeTarget): Promise<void> {
  if (!target.token) {
    return Promise.reject(
      new CliError(
        `Unable to install helm release: the user of kube-context '${target.context}' has no bearer token; local Azure's clusters accept the token of the kubeconfig local Azure wrote.`,
      ),
    );
  }
  const url = new URL(`${target.server}/agents`);
  const payload = JSON.stringify({ running: true, agentVersion: AGENT_VERSION });
  const request = url.protocol === 'http:' ? httpRequest : httpsRequest;
  return new Promise<void>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${target.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(payload),
        },
        ...(url.protocol === 'https:'
          ? { ...(target.caPem ? { ca: target.caPem } : {}), rejectUnauthorized: !target.insecure }
          : {}),
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve();
          const text = Buffer.concat(chunks).toString('utf8');
          let message = text.slice(0, 300);
          try {
            message =
              (JSON.parse(text) as { error?: { message?: string }; message?: string }).error?.message ?? message;
          } catch {}
          reject(
            new CliError(
              `Unable to install helm release: Error: INSTALLATION FAILED: the Kubernetes API server at ${url.origin} answered ${status}: ${message}`,
            ),
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 30s')));
    req.on('error', (error) =>
      reject(
        new CliError(
          `Unable to install helm release: Error: Kubernetes cluster unreachable: Post "${url.toString()}": ${error.message}`,
        ),
      ),
    );
    req.end(payload);
  });
}
