import { readdirSync, readFileSync } from 'node:fs';
import { ActionError } from '@arc-ml/actions-kit';
import { type AzureCloud, connectedClusterId, managedClusterId } from '@arc-ml/azure';
import { afterAll, describe, expect, it } from '@jest/globals';
import { run } from '../src/main.js';
import {
  BASE_INPUTS,
  CLIENT,
  connected,
  FakeAz,
  FakeAzure,
  fileMode,
  ID_TOKEN,
  KUBE_TOKEN,
  KUBECONFIG,
  managed,
  NAME,
  RG,
  removeTempDirs,
  SUB,
  TENANT,
  testDeps,
} from './fakes.js';

const ONBOARD = { ...BASE_INPUTS, onboard: 'true', kubeconfig: KUBECONFIG };

afterAll(removeTempDirs);

describe('connect-arc with a connected cluster', () => {
  it('reports a Connected cluster after one read and changes nothing', async () => {
    const azure = new FakeAzure().withConnected(connected());
    const deps = testDeps(BASE_INPUTS, azure);

    await run(deps);

    expect(deps.io.outputs.values).toEqual({
      'cluster-id': connectedClusterId(SUB, RG, NAME),
      'cluster-type': 'connected',
      'connectivity-status': 'Connected',
      'kubernetes-version': '1.30.4',
      'agent-version': '1.21.10',
      changed: false,
    });
    expect(azure.reads).toEqual([`connected ${RG}/${NAME}`]);
    expect(azure.writes).toEqual([]);
    expect(deps.az.commands).toHaveLength(0);
    expect(deps.io.log.messages('info')).toContain(
      `Arc cluster ${NAME} is Connected (Kubernetes 1.30.4, agents 1.21.10): already connected; nothing to do`,
    );
    expect(deps.io.summary.markdown).toContain(`## Arc cluster ${NAME}: Connected`);
    expect(deps.io.summary.markdown).toContain('| Nodes | 3 (12 cores) |');
  });

  it('waits while the cluster is Connecting, printing each state with the elapsed time', async () => {
    const connecting = connected({ connectivityStatus: 'Connecting', agentVersion: undefined });
    const azure = new FakeAzure().withConnected(connecting, connecting, connecting, connected());
    const deps = testDeps(BASE_INPUTS, azure);

    await run(deps);

    expect(deps.io.outputs.values['connectivity-status']).toBe('Connected');
    expect(deps.io.outputs.values['changed']).toBe(false);
    expect(deps.io.log.messages('info')).toEqual(
      expect.arrayContaining([
        `Arc cluster ${NAME}: Connecting (elapsed 0ms)`,
        `Arc cluster ${NAME}: Connected (elapsed 5s)`,
        `Arc cluster ${NAME}: Connected after 5s`,
      ]),
    );
    expect(deps.time.sleeps).toEqual([2000, 3000]);
    expect(azure.writes).toEqual([]);
  });

  it('gives up after the timeout with what to check in the cluster', async () => {
    const azure = new FakeAzure().withConnected(connected({ connectivityStatus: 'Connecting' }));
    const deps = testDeps({ ...BASE_INPUTS, timeout: '1m' }, azure);

    const error = await run(deps).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toMatch(
      /Timed out after 1m 00s waiting for Arc cluster edge-k3s to become Connected; its last state was Connecting/,
    );
    expect((error as ActionError).hint).toContain('kubectl get pods -n azure-arc');
  });

  it.each([
    [
      'Offline',
      connected({ connectivityStatus: 'Offline', lastConnectivityTime: new Date('2025-01-01T00:00:00Z') }),
      /is Offline: its Arc agents have not reached Azure since 2025-01-01T00:00:00.000Z/,
      /kubectl get pods -n azure-arc .* az connectedk8s update --name edge-k3s/,
    ],
    [
      'Expired',
      connected({
        connectivityStatus: 'Expired',
        managedIdentityCertificateExpirationTime: new Date('2025-03-01T00:00:00Z'),
      }),
      /is Expired: its managed identity certificate expired on 2025-03-01T00:00:00.000Z .* more than 90 days/,
      /az connectedk8s delete --name edge-k3s --resource-group ml-rg --yes, then run this step with onboard: true/,
    ],
    [
      'Failed provisioning',
      connected({ provisioningState: 'Failed', connectivityStatus: 'Connecting' }),
      /has provisioning state Failed: its onboarding did not finish/,
      /az connectedk8s delete --name edge-k3s/,
    ],
    ['Deleting', connected({ provisioningState: 'Deleting' }), /is being deleted/, /Wait for the deletion to finish/],
  ])('fails on a cluster that is %s, saying what it means and what to do', async (_state, cluster, message, hint) => {
    const azure = new FakeAzure().withConnected(cluster);
    const deps = testDeps({ ...BASE_INPUTS, onboard: 'true', kubeconfig: KUBECONFIG }, azure);

    const error = (await run(deps).catch((e: unknown) => e)) as ActionError;

    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
    expect(azure.writes).toEqual([]);
    expect(deps.az.commands).toEqual([]);
    // The summary says it at a glance: the state, why, and what to do.
    expect(deps.io.summary.markdown).toMatch(
      /^## Arc cluster edge-k3s: (Offline|Expired|Failed|Deleting); not usable$/m,
    );
    expect(deps.io.summary.markdown).toContain('### What to do');
  });

  it('sets the tags the cluster lacks (after printing the plan), keeping its others', async () => {
    const azure = new FakeAzure().withConnected(connected({ tags: { team: 'ml', env: 'dev' } }));
    const deps = testDeps({ ...BASE_INPUTS, tags: 'env=prod\nteam=ml' }, azure);
    let logAtWrite: string[] = [];
    azure.onWrite = () => {
      logAtWrite = deps.io.log.messages('info');
    };

    await run(deps);

    expect(azure.writes).toEqual([{ op: 'tags', tags: { team: 'ml', env: 'prod' } }]);
    expect(logAtWrite.join('\n')).toContain(
      `connect-arc plan:\n  1. set tag env=prod on connected cluster ${NAME} (its other tags are kept)`,
    );
    expect(deps.io.outputs.values['changed']).toBe(true);
  });

  it('warns about onboarding-only inputs and settings that differ from the existing cluster, without changing them', async () => {
    const azure = new FakeAzure().withConnected(connected());
    const deps = testDeps(
      { ...BASE_INPUTS, location: 'West Europe', distribution: 'openshift', 'https-proxy': 'http://proxy:3128' },
      azure,
    );

    await run(deps);

    const warnings = deps.io.log.messages('warning');
    expect(warnings).toContainEqual(
      'distribution, https-proxy are used only when onboarding; onboard is false, so they are ignored',
    );
    expect(warnings.join('\n')).toMatch(
      /onboarded with other settings than location westeurope \(the cluster is in eastus\), distribution openshift \(the cluster says k3s\)/,
    );
    expect(azure.writes).toEqual([]);
  });
});

describe('connect-arc with a missing cluster', () => {
  it('fails with the input and the command that would onboard it when onboard is false', async () => {
    const azure = new FakeAzure();
    const deps = testDeps({ ...BASE_INPUTS, location: 'eastus', distribution: 'k3s' }, azure);

    const error = (await run(deps).catch((e: unknown) => e)) as ActionError;

    expect(error.message).toBe(
      `${NAME} is not an Arc connected cluster in resource group ${RG}, and there is no AKS cluster of that name either, and onboard is false`,
    );
    expect(error.hint).toContain('set onboard: true and pass kubeconfig');
    expect(error.hint).toContain(
      `az connectedk8s connect --name ${NAME} --resource-group ${RG} --location eastus --distribution k3s`,
    );
    expect(azure.reads).toEqual([`connected ${RG}/${NAME}`, `managed ${RG}/${NAME}`]);
    expect(deps.az.commands).toEqual([]);
  });

  it('onboards through az: isolated config, sign-in with a masked token, extension added only when missing, then waits', async () => {
    const azure = new FakeAzure().withConnected(
      undefined,
      connected({ connectivityStatus: 'Connecting', tags: { env: 'ci' } }),
      connected({ tags: { env: 'ci' } }),
    );
    const az = new FakeAz();
    const deps = testDeps({ ...ONBOARD, location: 'East US', distribution: 'k3s', tags: 'env=ci' }, azure, az);
    let kubeconfigAtConnect: { mode?: number; text?: string } = {};
    az.onConnect = (command) => {
      const file = command.args[command.args.indexOf('--kube-config') + 1]!;
      kubeconfigAtConnect = { mode: fileMode(file)!, text: readFileSync(file, 'utf8') };
    };

    await run(deps);

    expect(az.words).toEqual([
      'version',
      'cloud set',
      'login',
      'account set',
      'extension show',
      'extension add',
      'connectedk8s connect',
    ]);
    const [, cloudSet, login, accountSet, , , connect] = az.commands;
    expect(cloudSet!.args).toEqual(['cloud', 'set', '--name', 'AzureCloud', '--output', 'none']);
    expect(login!.printed).toBe(
      `login --service-principal --username ${CLIENT} --tenant ${TENANT} --federated-token *** --allow-no-subscriptions --output none`,
    );
    expect(login!.args).toContain(ID_TOKEN);
    expect(accountSet!.args).toEqual(['account', 'set', '--subscription', SUB, '--output', 'none']);
    expect(connect!.args).toEqual([
      'connectedk8s',
      'connect',
      '--name',
      NAME,
      '--resource-group',
      RG,
      '--location',
      'eastus',
      '--kube-config',
      expect.stringMatching(/connect-arc-\w+\/kubeconfig$/),
      '--kube-context',
      'edge',
      '--distribution',
      'k3s',
      '--tags',
      'env=ci',
      '--yes',
      '--output',
      'none',
    ]);
    // Every az command ran with one fresh config dir under RUNNER_TEMP, removed afterwards with the kubeconfig.
    const configDirs = new Set(az.commands.map((c) => c.env['AZURE_CONFIG_DIR']));
    expect(configDirs.size).toBe(1);
    expect([...configDirs][0]).toContain(deps.runnerTemp);
    expect(connect!.env['AZURE_CORE_COLLECT_TELEMETRY']).toBe('false');
    expect(kubeconfigAtConnect).toEqual({ mode: 0o600, text: KUBECONFIG });
    expect(readdirSync(deps.runnerTemp)).toEqual([]);
    // Secrets masked and never printed.
    expect(deps.io.masked).toEqual(expect.arrayContaining([ID_TOKEN, KUBE_TOKEN]));
    const log = deps.io.log.lines.map((l) => l.message).join('\n');
    expect(log).not.toContain(ID_TOKEN);
    expect(log).not.toContain(KUBE_TOKEN);
    // The plan came before the az steps, progress after.
    expect(log.indexOf('plan:')).toBeLessThan(log.indexOf('Onboard edge-k3s with az connectedk8s connect'));
    expect(log).toContain(`Arc cluster ${NAME}: Connected after 2s`);
    expect(deps.io.outputs.values).toMatchObject({
      changed: true,
      'connectivity-status': 'Connected',
      'cluster-type': 'connected',
    });
    expect(deps.io.summary.markdown).toContain('onboarded with az connectedk8s connect; Connected after 2s');
    expect(azure.writes).toEqual([]);
  });

  it('does not add the connectedk8s extension when it is installed', async () => {
    const azure = new FakeAzure().withConnected(undefined, connected());
    const az = new FakeAz().answer('extension show', { stdout: '{"name": "connectedk8s", "version": "1.10.7"}' });
    const deps = testDeps({ ...ONBOARD, 'cluster-type': 'connected' }, azure, az);

    await run(deps);

    expect(az.words).not.toContain('extension add');
    expect(deps.io.log.messages('info')).toContain('connectedk8s extension 1.10.7 is installed');
    expect(azure.reads.filter((r) => r.startsWith('managed'))).toEqual([]);
  });

  it('registers a custom cloud (arm-endpoint) with the CLI before selecting it', async () => {
    const custom: AzureCloud = {
      name: 'ArcMlLocal',
      resourceManagerEndpoint: 'https://127.0.0.1:8443',
      authorityHost: 'https://127.0.0.1:8443',
      resourceManagerAudience: 'https://management.local.arc-ml/',
      storageEndpointSuffix: 'local.arc-ml',
      isCustom: true,
    };
    const azure = new FakeAzure().withConnected(undefined, connected());
    const az = new FakeAz();
    const deps = testDeps(
      { ...ONBOARD, 'cluster-type': 'connected', 'arm-endpoint': 'https://127.0.0.1:8443/' },
      azure,
      az,
      custom,
    );

    await run(deps);

    expect(az.commands[1]!.args).toEqual([
      'cloud',
      'register',
      '--name',
      'ArcMlCustomCloud',
      '--endpoint-resource-manager',
      'https://127.0.0.1:8443',
      '--output',
      'none',
    ]);
    expect(az.commands[2]!.args).toEqual(['cloud', 'set', '--name', 'ArcMlCustomCloud', '--output', 'none']);
  });

  it('passes proxy settings, keeping proxy credentials masked', async () => {
    const azure = new FakeAzure().withConnected(undefined, connected());
    const az = new FakeAz();
    const proxy = 'http://svc-arc:Pr0xy-Pa55@proxy.contoso.com:3128';
    const deps = testDeps(
      { ...ONBOARD, 'cluster-type': 'connected', 'https-proxy': proxy, 'no-proxy': 'localhost\n10.0.0.0/8, .svc' },
      azure,
      az,
    );

    await run(deps);

    const connect = az.commands.at(-1)!;
    expect(
      connect.args.slice(connect.args.indexOf('--proxy-https'), connect.args.indexOf('--proxy-https') + 4),
    ).toEqual(['--proxy-https', proxy, '--proxy-skip-range', 'localhost,10.0.0.0/8,.svc']);
    expect(connect.printed).toContain('--proxy-https ***');
    expect(deps.io.masked).toEqual(expect.arrayContaining([proxy, 'Pr0xy-Pa55']));
  });

  it('fails naming the az step, its exit code and its last error lines, secrets redacted, and cleans up', async () => {
    const azure = new FakeAzure().withConnected(undefined, undefined);
    const az = new FakeAz().answer('connectedk8s connect', {
      exitCode: 1,
      stderr: `This operation might take a while...\nERROR: Unable to install helm release: token ${KUBE_TOKEN} rejected\n`,
    });
    const deps = testDeps(ONBOARD, azure, az);

    const error = (await run(deps).catch((e: unknown) => e)) as ActionError;

    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toMatch(
      /^onboard edge-k3s with az connectedk8s connect failed: `az connectedk8s connect --name edge-k3s .*` exited with code 1:\n/,
    );
    expect(error.message).toContain('  ERROR: Unable to install helm release: token *** rejected');
    expect(error.message).not.toContain(KUBE_TOKEN);
    expect(error.hint).toContain('https://10.0.0.10:6443');
    expect(readdirSync(deps.runnerTemp)).toEqual([]);
  });

  it('fails at the sign-in step with Entra refusal text when az login is refused', async () => {
    const azure = new FakeAzure();
    const az = new FakeAz().answer('login --service-principal', {
      exitCode: 1,
      stderr: `ERROR: AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:a/b:ref:refs/heads/dev'.\n`,
    });
    const deps = testDeps(ONBOARD, azure, az);

    const error = (await run(deps).catch((e: unknown) => e)) as ActionError;

    expect(error.message).toMatch(
      /^sign the Azure CLI in failed: `az login .* --federated-token \*\*\* .*` exited with code 1:\n {2}ERROR: AADSTS700213/,
    );
    expect(error.hint).toContain(`The app ${CLIENT} needs a federated credential`);
    expect(az.words).not.toContain('connectedk8s connect');
  });
});

describe('connect-arc with AKS', () => {
  it('resolves a Succeeded managed cluster without Arc (cluster-type aks)', async () => {
    const azure = new FakeAzure().withManaged(managed());
    const deps = testDeps({ ...BASE_INPUTS, 'cluster-type': 'aks' }, azure);

    await run(deps);

    expect(deps.io.outputs.values).toEqual({
      'cluster-id': managedClusterId(SUB, RG, NAME),
      'cluster-type': 'aks',
      'kubernetes-version': '1.30.4',
      changed: false,
    });
    expect(azure.reads).toEqual([`managed ${RG}/${NAME}`]);
    expect(deps.io.summary.markdown).toContain(`## AKS cluster ${NAME}: Succeeded`);
  });

  it('falls back to the managed cluster with cluster-type auto', async () => {
    const azure = new FakeAzure().withManaged(managed());
    const deps = testDeps(BASE_INPUTS, azure);

    await run(deps);

    expect(deps.io.outputs.values['cluster-type']).toBe('aks');
    expect(azure.reads).toEqual([`connected ${RG}/${NAME}`, `managed ${RG}/${NAME}`]);
  });

  it('waits while the managed cluster is Updating', async () => {
    const azure = new FakeAzure().withManaged(
      managed({ provisioningState: 'Updating' }),
      managed({ provisioningState: 'Updating' }),
      managed(),
    );
    const deps = testDeps({ ...BASE_INPUTS, 'cluster-type': 'aks' }, azure);

    await run(deps);

    expect(deps.io.outputs.values['cluster-type']).toBe('aks');
    expect(deps.io.log.messages('info')).toContain(`AKS cluster ${NAME}: Succeeded (elapsed 10s)`);
  });

  it.each([
    [
      'missing',
      undefined,
      /AKS cluster edge-k3s was not found in resource group ml-rg/,
      /az aks list --resource-group ml-rg/,
    ],
    [
      'Failed',
      managed({ provisioningState: 'Failed' }),
      /has provisioning state Failed, not Succeeded/,
      /az aks update --name edge-k3s/,
    ],
    [
      'Stopped',
      managed({ powerState: 'Stopped' }),
      /AKS cluster edge-k3s is Stopped/,
      /az aks start --name edge-k3s --resource-group ml-rg/,
    ],
  ])('fails on a managed cluster that is %s', async (_case, cluster, message, hint) => {
    const azure = new FakeAzure().withManaged(cluster);
    const deps = testDeps({ ...BASE_INPUTS, 'cluster-type': 'aks' }, azure);

    const error = (await run(deps).catch((e: unknown) => e)) as ActionError;

    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(hint);
  });
});
