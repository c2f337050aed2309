// What az keeps in AZURE_CONFIG_DIR (default ~/.azure): the registered clouds and the active one,
// the signed-in accounts (azureProfile.json), the service principal's federated token
// (service_principal_entries.json) and the token cache — the last two readable by the owner only.
// Extensions live in AZURE_EXTENSION_DIR (default AZURE_CONFIG_DIR/cliextensions).

import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CloudEndpoints {
  readonly name: string;
  readonly resourceManager: string;
  /** Microsoft Entra login endpoint (`activeDirectory` in `az cloud show`). */
  readonly activeDirectory: string;
  /** The audience of Resource Manager tokens (`activeDirectoryResourceId`). */
  readonly activeDirectoryResourceId: string;
  readonly portal?: string;
  readonly storageSuffix?: string;
  readonly isCustom: boolean;
}

export const BUILT_IN_CLOUDS: readonly CloudEndpoints[] = [
  {
    name: 'AzureCloud',
    resourceManager: 'https://management.azure.com/',
    activeDirectory: 'https://login.microsoftonline.com',
    activeDirectoryResourceId: 'https://management.core.windows.net/',
    portal: 'https://portal.azure.com',
    storageSuffix: 'core.windows.net',
    isCustom: false,
  },
  {
    name: 'AzureUSGovernment',
    resourceManager: 'https://management.usgovcloudapi.net/',
    activeDirectory: 'https://login.microsoftonline.us',
    activeDirectoryResourceId: 'https://management.core.usgovcloudapi.net/',
    portal: 'https://portal.azure.us',
    storageSuffix: 'core.usgovcloudapi.net',
    isCustom: false,
  },
  {
    name: 'AzureChinaCloud',
    resourceManager: 'https://management.chinacloudapi.cn/',
    activeDirectory: 'https://login.chinacloudapi.cn',
    activeDirectoryResourceId: 'https://management.core.chinacloudapi.cn/',
    portal: 'https://portal.azure.cn',
    storageSuffix: 'core.chinacloudapi.cn',
    isCustom: false,
  },
];

export interface SubscriptionEntry {
  readonly id: string;
  readonly name: string;
  readonly state: string;
  readonly tenantId: string;
  readonly homeTenantId: string;
  readonly environmentName: string;
  readonly isDefault: boolean;
  readonly managedByTenants: readonly unknown[];
  readonly user: { readonly name: string; readonly type: 'servicePrincipal' };
}

export interface ServicePrincipalEntry {
  readonly client_id: string;
  readonly tenant: string;
  readonly client_assertion: string;
}

export interface CachedToken {
  readonly clientId: string;
  readonly tenant: string;
  readonly resource: string;
  readonly accessToken: string;
  /** Seconds since the epoch. */
  readonly expiresOn: number;
}

interface CloudsFile {
  active?: string;
  registered?: CloudEndpoints[];
}

export class AzProfile {
  readonly configDir: string;
  readonly extensionDir: string;

  constructor(env: NodeJS.ProcessEnv) {
    this.configDir = env['AZURE_CONFIG_DIR'] || join(homedir(), '.azure');
    this.extensionDir = env['AZURE_EXTENSION_DIR'] || join(this.configDir, 'cliextensions');
  }

  // ---- clouds ----

  registeredClouds(): CloudEndpoints[] {
    return this.#read<CloudsFile>('clouds.config.json', {}).registered ?? [];
  }

  allClouds(): CloudEndpoints[] {
    return [...BUILT_IN_CLOUDS, ...this.registeredClouds()];
  }

  findCloud(name: string): CloudEndpoints | undefined {
    return this.allClouds().find((cloud) => cloud.name.toLowerCase() === name.toLowerCase());
  }

  activeCloud(): CloudEndpoints {
    const active = this.#read<CloudsFile>('clouds.config.json', {}).active ?? 'AzureCloud';
    return this.findCloud(active) ?? BUILT_IN_CLOUDS[0]!;
  }

  registerCloud(cloud: CloudEndpoints): void {
    const file = this.#read<CloudsFile>('clouds.config.json', {});
    this.#write('clouds.config.json', { ...file, registered: [...(file.registered ?? []), cloud] });
  }

  setActiveCloud(name: string): void {
    const file = this.#read<CloudsFile>('clouds.config.json', {});
    this.#write('clouds.config.json', { ...file, active: name });
  }

  // ---- accounts ----

  subscriptions(): SubscriptionEntry[] {
    return this.#read<{ subscriptions?: SubscriptionEntry[] }>('azureProfile.json', {}).subscriptions ?? [];
  }

  saveSubscriptions(subscriptions: readonly SubscriptionEntry[]): void {
    this.#write('azureProfile.json', { installationId: 'arc-ml-local', subscriptions });
  }

  defaultSubscription(): SubscriptionEntry | undefined {
    return this.subscriptions().find((s) => s.isDefault);
  }

  servicePrincipals(): ServicePrincipalEntry[] {
    return this.#read<ServicePrincipalEntry[]>('service_principal_entries.json', []);
  }

  saveServicePrincipal(entry: ServicePrincipalEntry): void {
    const others = this.servicePrincipals().filter((e) => e.client_id !== entry.client_id || e.tenant !== entry.tenant);
    this.#write('service_principal_entries.json', [...others, entry], 0o600);
  }

  cachedToken(clientId: string, tenant: string, resource: string): CachedToken | undefined {
    return this.#read<CachedToken[]>('msal_token_cache.json', []).find(
      (t) => t.clientId === clientId && t.tenant === tenant && t.resource === resource,
    );
  }

  saveToken(token: CachedToken): void {
    const others = this.#read<CachedToken[]>('msal_token_cache.json', []).filter(
      (t) => !(t.clientId === token.clientId && t.tenant === token.tenant && t.resource === token.resource),
    );
    this.#write('msal_token_cache.json', [...others, token], 0o600);
  }

  // ---- extensions ----

  extensionVersion(name: string): string | undefined {
    const file = join(this.extensionDir, name, `azext_${name}`, 'azext_metadata.json');
    if (!existsSync(file)) return undefined;
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
    } catch {
      return undefined;
    }
  }

  extensionPath(name: string): string {
    return join(this.extensionDir, name);
  }

  installExtension(name: string, version: string): void {
    const file = join(this.extensionDir, name, `azext_${name}`, 'azext_metadata.json');
    writeFileAtomic(
      file,
      `${JSON.stringify({ name, version, 'azext.minCliCoreVersion': '2.0.67' }, null, 2)}\n`,
      0o644,
    );
  }

  // ---- files ----

  #read<T>(name: string, fallback: T): T {
    const file = join(this.configDir, name);
    if (!existsSync(file)) return fallback;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      return fallback;
    }
  }

  #write(name: string, value: unknown, mode = 0o644): void {
    writeFileAtomic(join(this.configDir, name), `${JSON.stringify(value, null, 2)}\n`, mode);
  }
}

function writeFileAtomic(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, content, { mode });
  chmodSync(temp, mode);
  renameSync(temp, path);
}
