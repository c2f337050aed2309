#!/usr/bin/env node
// `npm run pipeline`: runs the pipeline on local Azure with the same action bundles a workflow uses.
// Local Azure is started with `arc-ml local up` (state dir .arc-ml/pipeline) and left running, so a
// second run shows the already-ready path. Stages not built yet are listed at the end.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const stateDir = join(root, '.arc-ml', 'pipeline');

// The steps run through the same runner the integration tests use (action.yml defaults, the
// GITHUB_* files), and the env file is read by local Azure's own parser: compile both first.
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/test-support'], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
const { runActionBundle } = await import('../packages/test-support/lib/index.js');
const { parseEnvFile } = await import('../packages/local-azure/lib/index.js');

function arcMl(...args) {
  execFileSync(process.execPath, [join(root, 'scripts/arc-ml.mjs'), 'local', ...args, '--state-dir', stateDir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Runs one action bundle as the runner does, streaming its log, and returns its outputs. */
async function runStep(title, action, inputs, env) {
  console.log(`\n▶ ${title} (actions/${action})`);
  const started = performance.now();
  const result = await runActionBundle({
    action,
    inputs,
    env,
    timeoutMs: 30 * 60_000,
    onOutput: (stream, text) => (stream === 'stdout' ? process.stdout : process.stderr).write(renderLog(text)),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (result.exitCode !== 0) {
    console.error(`✗ ${title} failed after ${seconds}s`);
    process.exit(1);
  }
  const outputs = Object.entries(result.outputs).map(([name, value]) => `${name}=${value}`);
  console.log(`✓ ${title} in ${seconds}s — ${outputs.join(', ')}`);
  return result.outputs;
}

/** Shows the log as the Actions UI would: debug lines hidden (ARC_ML_DEBUG=1 shows them), commands rendered. */
function renderLog(text) {
  const debug = process.env.ARC_ML_DEBUG === '1';
  return text
    .split(/(?<=\n)/)
    .map((line) => {
      if (line.startsWith('::debug::')) return debug ? `  │ debug: ${line.slice(9)}` : '';
      if (line.startsWith('::endgroup::')) return '';
      const command = /^::(group|warning|error|notice)[^:]*::(.*)$/s.exec(line);
      if (command)
        return `  │ ${command[1] === 'group' ? '▸ ' : `${command[1]}: `}${command[2].replaceAll('%0A', '\n  │ ')}`;
      if (/^::[a-z-]+(::| )/.test(line)) return ''; // add-mask and other runner commands
      return line.trim() ? `  │ ${line}` : line;
    })
    .join('');
}

arcMl('up');
const env = parseEnvFile(readFileSync(join(stateDir, 'env'), 'utf8'));
const started = performance.now();

const cluster = await runStep(
  'Connect the Arc cluster',
  'connect-arc',
  {
    'resource-group': env.ARC_ML_RESOURCE_GROUP,
    'cluster-name': env.ARC_ML_CLUSTER,
    'cluster-type': 'connected',
    location: env.ARC_ML_LOCATION,
    onboard: 'true',
    kubeconfig: env.ARC_ML_KUBECONFIG,
    distribution: 'k3s',
  },
  env,
);

await runStep(
  'Install the Azure ML extension',
  'install-azureml-extension',
  {
    'cluster-id': cluster['cluster-id'],
    'allow-insecure-connections': 'true',
    'inference-router-service-type': 'LoadBalancer',
  },
  env,
);

await runStep(
  'Attach the cluster as a compute',
  'attach-compute',
  {
    'resource-group': env.ARC_ML_RESOURCE_GROUP,
    workspace: env.ARC_ML_WORKSPACE,
    'compute-name': 'arc-k3s-compute',
    'cluster-id': cluster['cluster-id'],
    namespace: 'azureml',
    'instance-types': 'examples/mnist/instance-types.yml',
    'default-instance-type': 'cpu-small',
  },
  env,
);

console.log(`\nPlatform stages done in ${((performance.now() - started) / 1000).toFixed(1)}s on local Azure.`);
console.log('Not yet built: submit-training → deploy-endpoint → smoke-test (their issues come next).');
console.log(
  `Local Azure keeps running: run again to see the already-ready path, or stop it with\n  pnpm arc-ml local down --state-dir ${stateDir}`,
);
