// The `kubeconfig` input: the file's content, its content in base64 (how many store it as a
// secret), or a path. It is checked here — a mapping with a current context whose cluster has a
// server — and its credentials are picked out to be masked. Its text is never printed: messages
// name the problem and a line number only.

import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { InputError, quoteValue } from '@arc-ml/actions-kit';
import { parseDocument } from 'yaml';

const INPUT = 'kubeconfig';

export interface Kubeconfig {
  /** The whole file as az will read it; never logged. */
  readonly text: string;
  /** `the kubeconfig input` or the file path, for messages. */
  readonly source: string;
  /** The context az connectedk8s connect will use (current-context, or the only context). */
  readonly context: string;
  /** The API server of that context's cluster. */
  readonly server: string;
  /** Credential values inside (tokens, passwords, private keys) to register as secrets. */
  readonly secrets: readonly string[];
}

/** Reads and checks the kubeconfig input; `workspace` resolves relative paths. */
export function readKubeconfig(value: string, workspace: string): Kubeconfig {
  const { text, source } = kubeconfigText(value, workspace);
  return parseKubeconfig(text, source);
}

function kubeconfigText(value: string, workspace: string): { text: string; source: string } {
  const trimmed = value.trim();
  if (/[\r\n]/.test(trimmed) || trimmed.startsWith('{') || /^apiVersion\s*:/.test(trimmed)) {
    return { text: `${trimmed}\n`, source: 'the kubeconfig input' };
  }
  const decoded = base64Kubeconfig(trimmed);
  if (decoded !== undefined) return { text: decoded, source: 'the kubeconfig input (base64)' };
  const path = expandPath(trimmed, workspace);
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path, { throwIfNoEntry: false });
  } catch {
    stats = undefined;
  }
  if (stats?.isFile()) {
    try {
      return { text: readFileSync(path, 'utf8'), source: path };
    } catch (error) {
      throw new InputError(INPUT, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  if (stats?.isDirectory())
    throw new InputError(INPUT, `${quoteValue(trimmed)} is a directory; give the kubeconfig file`);
  throw new InputError(
    INPUT,
    `${quoteValue(trimmed)} is neither a kubeconfig file that exists nor kubeconfig content`,
    {
      hint: `Pass the kubeconfig itself (e.g. kubeconfig: \${{ secrets.KUBECONFIG }}), its base64, or a path relative to the repository root.`,
    },
  );
}

function expandPath(value: string, workspace: string): string {
  if (value === '~' || value.startsWith('~/')) return join(homedir(), value.slice(1));
  return isAbsolute(value) ? value : resolve(workspace, value);
}

function base64Kubeconfig(value: string): string | undefined {
  if (value.length < 40 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return /^\s*(apiVersion|kind|clusters|\{)/m.test(text) && /clusters/.test(text) ? text : undefined;
}

type YamlMap = Record<string, unknown>;

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the kubeconfig's structure without ever echoing its content. */
export function parseKubeconfig(text: string, source: string): Kubeconfig {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const error = document.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line ?? text.slice(0, error.pos[0]).split('\n').length;
    throw new InputError(INPUT, `${source} is not valid YAML${line ? ` (line ${line})` : ''}: ${error.code}`);
  }
  const root: unknown = document.toJS();
  const problem = (what: string) =>
    new InputError(INPUT, `${source} is not a kubeconfig: ${what}`, {
      hint: 'Give the file kubectl uses for this cluster (kubectl config view --raw --minify prints it).',
    });
  if (!isMap(root)) throw problem('expected a mapping with clusters, users and contexts');
  const list = (key: string): YamlMap[] => (Array.isArray(root[key]) ? (root[key] as unknown[]).filter(isMap) : []);
  const contexts = list('contexts');
  if (contexts.length === 0) throw problem('it has no contexts');
  const current = typeof root['current-context'] === 'string' ? root['current-context'] : undefined;
  if (!current && contexts.length > 1) throw problem('it has several contexts and no current-context');
  const contextName = current ?? String(contexts[0]!['name'] ?? '');
  const context = contexts.find((c) => c['name'] === contextName)?.['context'];
  if (!isMap(context)) throw problem(`current-context "${contextName}" is not among its contexts`);
  const cluster = list('clusters').find((c) => c['name'] === context['cluster'])?.['cluster'];
  if (!isMap(cluster))
    throw problem(
      `context "${contextName}" names cluster "${String(context['cluster'])}", which is not among its clusters`,
    );
  const server = cluster['server'];
  if (typeof server !== 'string' || !/^https?:\/\/\S+$/.test(server)) {
    throw problem(`cluster "${String(context['cluster'])}" has no http(s) server`);
  }
  return { text, source, context: contextName, server, secrets: credentialValues(list('users')) };
}

/** Tokens, passwords, private keys and auth-provider/exec secrets of every user. */
function credentialValues(users: readonly YamlMap[]): string[] {
  const found = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.trim().length >= 4) found.add(value.trim());
  };
  for (const entry of users) {
    const user = entry['user'];
    if (!isMap(user)) continue;
    for (const key of ['token', 'password', 'client-key-data']) add(user[key]);
    const provider = user['auth-provider'];
    if (isMap(provider) && isMap(provider['config'])) Object.values(provider['config']).forEach(add);
    const exec = user['exec'];
    if (isMap(exec) && Array.isArray(exec['env']))
      for (const variable of exec['env']) if (isMap(variable)) add(variable['value']);
  }
  return [...found];
}
