// The az commands local Azure's shim implements — what the connect-arc action runs: version,
// extension show/add/list, cloud register/set/show, login with a federated token, account
// set/show, and connectedk8s connect.

import { generateKeyPair } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CliError, type ParsedOptions, parseOptions, UsageError } from './args.js';
import { AGENT_VERSION, installAgents } from './cluster-api.js';
import {
  ArmAnswerError,
  arm,
  armToken,
  armUrl,
  CLI_VERSION,
  CONNECTEDK8S_VERSION,
  exchangeAssertion,
  followOperation,
  realSleep,
  type Sleep,
  send,
} from './http.js';
import { kubeconfigPath, readKubeconfig } from './kubeconfig.js';
import { AzProfile, type CloudEndpoints, type SubscriptionEntry } from './profile.js';

export interface AzIo {
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  readonly sleep?: Sleep;
}

export type Command = (args: readonly string[], io: AzIo) => Promise<void>;

/** Extensions this shim can "install" and the version it reports for each. */
const KNOWN_EXTENSIONS: Readonly<Record<string, string>> = { connectedk8s: CONNECTEDK8S_VERSION };
const CONNECTED_CLUSTER_API = '2021-10-01';
const RESOURCES_API = '2025-04-01';
const SUBSCRIPTIONS_API = '2022-12-01';
const CLUSTER_NAME = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;

export const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['version', version],
  ['extension show', extensionShow],
  ['extension list', extensionList],
  ['extension add', extensionAdd],
  ['cloud register', cloudRegister],
  ['cloud set', cloudSet],
  ['cloud show', cloudShow],
  ['cloud list', cloudList],
  ['login', login],
  ['account set', accountSet],
  ['account show', accountShow],
  ['connectedk8s connect', connectedk8sConnect],
]);

/** Prints a result in the --output format asked for (json by default). */
function print(options: ParsedOptions, io: AzIo, value: unknown): void {
  const format = (options.value('--output') ?? 'json').toLowerCase();
  if (format === 'none') return;
  if (format === 'tsv') {
    const rows = Array.isArray(value) ? value : [value];
    const cells = (row: unknown) =>
      typeof row === 'object' && row !== null
        ? Object.values(row)
            .filter((v) => typeof v !== 'object')
            .join('\t')
        : String(row);
    io.out(`${rows.map(cells).join('\n')}\n`);
    return;
  }
  if (!['json', 'jsonc', 'yaml', 'yamlc', 'table'].includes(format)) {
    throw new UsageError(
      `argument --output/-o: invalid choice: '${format}' (choose from 'json', 'jsonc', 'none', 'table', 'tsv', 'yaml', 'yamlc')`,
    );
  }
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

async function version(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, []);
  const profile = new AzProfile(io.env);
  const extensions: Record<string, string> = {};
  for (const name of Object.keys(KNOWN_EXTENSIONS)) {
    const installed = profile.extensionVersion(name);
    if (installed) extensions[name] = installed;
  }
  print(options, io, {
    'azure-cli': CLI_VERSION,
    'azure-cli-core': CLI_VERSION,
    'azure-cli-telemetry': '1.1.0',
    extensions,
  });
}

/** `az --version`: the text az prints. */
export function versionText(env: NodeJS.ProcessEnv): string {
  const profile = new AzProfile(env);
  const lines = [
    `azure-cli                         ${CLI_VERSION}`,
    '',
    `core                              ${CLI_VERSION}`,
    'telemetry                          1.1.0',
    '',
  ];
  const installed = Object.keys(KNOWN_EXTENSIONS).filter((name) => profile.extensionVersion(name));
  if (installed.length > 0) {
    lines.push('Extensions:');
    for (const name of installed) lines.push(`${name.padEnd(34)}${profile.extensionVersion(name)}`);
    lines.push('');
  }
  lines.push(
    `Python location '${process.execPath}'`,
    `Config directory '${profile.configDir}'`,
    `Extensions directory '${profile.extensionDir}'`,
    '',
  );
  lines.push("Local Azure's az shim (arc-ml): implements only what the Arc ML actions run.", '');
  return `${lines.join('\n')}\n`;
}

function extensionInfo(profile: AzProfile, name: string, version: string) {
  return {
    experimental: false,
    extensionType: 'whl',
    name,
    path: profile.extensionPath(name),
    preview: false,
    version,
  };
}

async function extensionShow(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [{ names: ['--name', '-n'], kind: 'value', required: true }]);
  const name = options.value('--name')!;
  const profile = new AzProfile(io.env);
  const installed = profile.extensionVersion(name);
  if (!installed) throw new CliError(`The extension ${name} is not installed.`);
  print(options, io, extensionInfo(profile, name, installed));
}

async function extensionList(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, []);
  const profile = new AzProfile(io.env);
  const list = Object.keys(KNOWN_EXTENSIONS).flatMap((name) => {
    const installed = profile.extensionVersion(name);
    return installed ? [extensionInfo(profile, name, installed)] : [];
  });
  print(options, io, list);
}

async function extensionAdd(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [
    { names: ['--name', '-n'], kind: 'value', required: true },
    { names: ['--yes', '-y'], kind: 'flag' },
    { names: ['--upgrade'], kind: 'flag' },
    { names: ['--version'], kind: 'value' },
  ]);
  const name = options.value('--name')!;
  const available = KNOWN_EXTENSIONS[name];
  if (!available) throw new CliError(`No matching extensions for '${name}'. Use --debug for more information.`);
  const profile = new AzProfile(io.env);
  const installed = profile.extensionVersion(name);
  if (installed && !options.flag('--upgrade')) {
    io.err(`WARNING: Extension '${name}' ${installed} is already installed.\n`);
    return;
  }
  profile.installExtension(name, options.value('--version') ?? available);
}

function normalizeUrl(url: string): string {
  return url.replace(/\/+$/, '').toLowerCase();
}

async function cloudRegister(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [
    { names: ['--name', '-n'], kind: 'value', required: true },
    { names: ['--endpoint-resource-manager'], kind: 'value' },
    { names: ['--cloud-config'], kind: 'value' },
  ]);
  const name = options.value('--name')!;
  const endpoint = options.value('--endpoint-resource-manager');
  const profile = new AzProfile(io.env);
  if (profile.findCloud(name)) throw new CliError(`The cloud '${name}' is already registered.`);
  if (!endpoint) throw new UsageError("local Azure's az shim registers clouds from --endpoint-resource-manager only");
  const url = `${endpoint.replace(/\/+$/, '')}/metadata/endpoints?api-version=2022-09-01`;
  let answer: Awaited<ReturnType<typeof send>>;
  try {
    // az reads the metadata with a plain request, without the SDK's retries.
    answer = await send('GET', url, { retries: 0 });
  } catch (error) {
    throw new CliError(`Unable to get endpoints from the cloud.\n${(error as Error).message}`);
  }
  if (answer.status !== 200)
    throw new CliError(
      `Unable to get endpoints from the cloud. Server returned status code ${answer.status} for ${url}`,
    );
  const clouds = Array.isArray(answer.body) ? answer.body : [answer.body];
  const match =
    clouds.find(
      (c) =>
        normalizeUrl(String((c as { resourceManager?: unknown })?.resourceManager ?? '')) === normalizeUrl(endpoint),
    ) ?? clouds[0];
  const metadata = match as {
    resourceManager?: string;
    portal?: string;
    authentication?: { loginEndpoint?: string; audiences?: string[] };
    suffixes?: { storage?: string };
  };
  const login = metadata?.authentication?.loginEndpoint;
  const audience = metadata?.authentication?.audiences?.[0];
  if (!login || !audience)
    throw new CliError(`Unable to get endpoints from the cloud. ${url} names no authentication endpoints.`);
  profile.registerCloud({
    name,
    resourceManager: metadata.resourceManager ?? `${endpoint.replace(/\/+$/, '')}/`,
    activeDirectory: login.replace(/\/+$/, ''),
    activeDirectoryResourceId: audience,
    ...(metadata.portal ? { portal: metadata.portal } : {}),
    ...(metadata.suffixes?.storage ? { storageSuffix: metadata.suffixes.storage } : {}),
    isCustom: true,
  });
}

async function cloudSet(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [{ names: ['--name', '-n'], kind: 'value', required: true }]);
  const profile = new AzProfile(io.env);
  const cloud = profile.findCloud(options.value('--name')!);
  if (!cloud) throw new CliError(`The cloud '${options.value('--name')}' is not registered.`);
  profile.setActiveCloud(cloud.name);
}

function cloudJson(cloud: CloudEndpoints, active: boolean) {
  return {
    endpoints: {
      activeDirectory: cloud.activeDirectory,
      activeDirectoryResourceId: cloud.activeDirectoryResourceId,
      management: cloud.activeDirectoryResourceId,
      portal: cloud.portal ?? null,
      resourceManager: cloud.resourceManager,
    },
    isActive: active,
    name: cloud.name,
    profile: 'latest',
    suffixes: { storageEndpoint: cloud.storageSuffix ?? null },
  };
}

async function cloudShow(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [{ names: ['--name', '-n'], kind: 'value' }]);
  const profile = new AzProfile(io.env);
  const active = profile.activeCloud();
  const name = options.value('--name');
  const cloud = name ? profile.findCloud(name) : active;
  if (!cloud) throw new CliError(`The cloud '${name}' is not registered.`);
  print(options, io, cloudJson(cloud, cloud.name === active.name));
}

async function cloudList(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, []);
  const profile = new AzProfile(io.env);
  const active = profile.activeCloud();
  print(
    options,
    io,
    profile.allClouds().map((cloud) => cloudJson(cloud, cloud.name === active.name)),
  );
}

async function login(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [
    { names: ['--service-principal'], kind: 'flag' },
    { names: ['--username', '-u'], kind: 'value' },
    { names: ['--tenant', '-t'], kind: 'value' },
    { names: ['--federated-token'], kind: 'value' },
    { names: ['--password', '-p'], kind: 'value' },
    { names: ['--allow-no-subscriptions'], kind: 'flag' },
  ]);
  if (!options.flag('--service-principal')) {
    throw new CliError(
      "local Azure's az shim signs in only service principals: use --service-principal with --federated-token.",
    );
  }
  const clientId = options.value('--username');
  const tenant = options.value('--tenant');
  if (!clientId)
    throw new UsageError('usage error: --service-principal --username NAME --password SECRET --tenant TENANT');
  if (!tenant)
    throw new CliError('The tenant must be specified when logging in with a service principal. Use --tenant TENANT.');
  const assertion = options.value('--federated-token');
  if (!assertion) {
    throw new CliError(
      options.value('--password') !== undefined
        ? "local Azure's Entra ID accepts no client secrets: sign in with --federated-token."
        : 'usage error: --service-principal --username NAME --federated-token TOKEN --tenant TENANT',
    );
  }
  const profile = new AzProfile(io.env);
  const cloud = profile.activeCloud();
  const resource = cloud.activeDirectoryResourceId;
  const { accessToken, expiresOn } = await exchangeAssertion(cloud, { clientId, tenant, assertion }, resource);
  const listed = await send('GET', armUrl(cloud, '/subscriptions', SUBSCRIPTIONS_API), {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  if (listed.status >= 400) throw new ArmAnswerError(listed);
  const found = ((listed.body as { value?: unknown[] } | undefined)?.value ?? []) as {
    subscriptionId: string;
    displayName: string;
    state: string;
    tenantId: string;
    managedByTenants?: unknown[];
  }[];
  const user = { name: clientId, type: 'servicePrincipal' as const };
  let subscriptions: SubscriptionEntry[] = found.map((s, index) => ({
    id: s.subscriptionId,
    name: s.displayName,
    state: s.state,
    tenantId: s.tenantId,
    homeTenantId: s.tenantId,
    environmentName: cloud.name,
    isDefault: index === 0,
    managedByTenants: s.managedByTenants ?? [],
    user,
  }));
  if (subscriptions.length === 0) {
    if (!options.flag('--allow-no-subscriptions')) throw new CliError(`No subscriptions found for ${clientId}.`);
    subscriptions = [
      {
        id: tenant,
        name: 'N/A(tenant level account)',
        state: 'Enabled',
        tenantId: tenant,
        homeTenantId: tenant,
        environmentName: cloud.name,
        isDefault: true,
        managedByTenants: [],
        user,
      },
    ];
  }
  profile.saveServicePrincipal({ client_id: clientId, tenant, client_assertion: assertion });
  profile.saveToken({ clientId, tenant, resource, accessToken, expiresOn });
  profile.saveSubscriptions(subscriptions);
  print(
    options,
    io,
    subscriptions.map(({ environmentName, ...rest }) => ({ cloudName: environmentName, ...rest })),
  );
}

async function accountSet(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [
    { names: ['--subscription', '-s', '--name', '-n'], kind: 'value', required: true },
  ]);
  const wanted = options.value('--subscription')!;
  const profile = new AzProfile(io.env);
  const subscriptions = profile.subscriptions();
  if (subscriptions.length === 0) throw new CliError("Please run 'az login' to setup account.");
  const match = subscriptions.find((s) => s.id.toLowerCase() === wanted.toLowerCase() || s.name === wanted);
  if (!match)
    throw new CliError(`The subscription of '${wanted}' doesn't exist in cloud '${profile.activeCloud().name}'.`);
  profile.saveSubscriptions(subscriptions.map((s) => ({ ...s, isDefault: s === match })));
}

async function accountShow(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, []);
  const account = new AzProfile(io.env).defaultSubscription();
  if (!account) throw new CliError("Please run 'az login' to setup account.");
  print(options, io, account);
}

function rsaAgentKey(): Promise<string> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 4096 }, (error, publicKey) => {
      if (error) return reject(error);
      resolve(publicKey.export({ format: 'der', type: 'pkcs1' }).toString('base64'));
    });
  });
}

function parseTags(items: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of items) {
    if (item === '' || item === '""') continue;
    const equals = item.indexOf('=');
    tags[equals < 0 ? item : item.slice(0, equals)] = equals < 0 ? '' : item.slice(equals + 1);
  }
  return tags;
}

async function connectedk8sConnect(args: readonly string[], io: AzIo): Promise<void> {
  const options = parseOptions(args, [
    { names: ['--name', '-n'], kind: 'value', required: true },
    { names: ['--resource-group', '-g'], kind: 'value', required: true },
    { names: ['--location', '-l'], kind: 'value' },
    { names: ['--kube-config'], kind: 'value' },
    { names: ['--kube-context'], kind: 'value' },
    { names: ['--distribution'], kind: 'value' },
    { names: ['--infrastructure'], kind: 'value' },
    { names: ['--proxy-https'], kind: 'value' },
    { names: ['--proxy-http'], kind: 'value' },
    { names: ['--proxy-skip-range'], kind: 'value' },
    { names: ['--proxy-cert'], kind: 'value' },
    { names: ['--tags'], kind: 'list' },
    { names: ['--yes', '-y'], kind: 'flag' },
  ]);
  const sleep = io.sleep ?? realSleep;
  const name = options.value('--name')!;
  const group = options.value('--resource-group')!;
  if (!CLUSTER_NAME.test(name)) {
    throw new CliError(
      `--name: '${name}' is not a valid connected cluster name: use 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.`,
    );
  }
  const proxyCert = options.value('--proxy-cert');
  if (proxyCert && !existsSync(proxyCert)) throw new CliError(`Proxy cert path does not exist: ${proxyCert}`);
  for (const flag of ['--proxy-https', '--proxy-http']) {
    const proxy = options.value(flag);
    if (proxy !== undefined && !/^https?:\/\/\S+$/i.test(proxy)) {
      throw new CliError(`${flag}: the proxy URL must start with http:// or https://`);
    }
  }
  const target = readKubeconfig(
    kubeconfigPath(options.value('--kube-config'), io.env),
    options.value('--kube-context'),
  );
  const { token, subscriptionId, cloud } = await armToken(new AzProfile(io.env));
  io.err('This operation might take a while...\n\n');

  const groupPath = `/subscriptions/${subscriptionId}/resourcegroups/${group}`;
  let location = options.value('--location')?.replace(/\s+/g, '').toLowerCase();
  if (!location) {
    const rg = await arm('GET', armUrl(cloud, groupPath, RESOURCES_API), token, undefined, sleep);
    location = String((rg.body as { location?: unknown }).location ?? '');
  }

  const clusterPath = `${groupPath}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
  const clusterUrl = armUrl(cloud, clusterPath, CONNECTED_CLUSTER_API);
  const existing = await send('GET', clusterUrl, { headers: { Authorization: `Bearer ${token}` }, sleep });
  if (existing.status === 200) {
    throw new CliError(
      `The connected cluster resource ${name} already exists in the resource group ${group} and corresponds to a different Kubernetes cluster. To onboard this Kubernetes cluster to Azure, specify different resource name or resource group name.`,
    );
  }
  if (existing.status !== 404) throw new ArmAnswerError(existing);

  io.err(`Step: ${new Date().toISOString()}: Generating the agents' RSA key pair\n`);
  const agentPublicKeyCertificate = await rsaAgentKey();
  const tags = parseTags(options.list('--tags'));
  const body = {
    location,
    identity: { type: 'SystemAssigned' },
    ...(Object.keys(tags).length > 0 ? { tags } : {}),
    properties: {
      agentPublicKeyCertificate,
      distribution: options.value('--distribution') ?? 'generic',
      infrastructure: options.value('--infrastructure') ?? 'generic',
    },
  };
  io.err(`Step: ${new Date().toISOString()}: Creating the connected cluster resource ${name} in ${location}\n`);
  const created = await arm('PUT', clusterUrl, token, body, sleep);
  await followOperation(created, token, sleep);

  io.err(
    `Step: ${new Date().toISOString()}: Installing the Azure Arc agents ${AGENT_VERSION} (helm release azure-arc)\n`,
  );
  await installAgents(target);

  const final = await arm('GET', clusterUrl, token, undefined, sleep);
  print(options, io, final.body);
}
