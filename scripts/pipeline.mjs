#!/usr/bin/env node
// `npm run pipeline`: runs the pipeline on local Azure with the same action bundles a workflow uses.
// Local Azure is started with `arc-ml local up` (state dir .arc-ml/pipeline) and left running, so a
// second run shows the already-ready path. Stages not built yet are listed at the end.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const stateDir = join(root, '.arc-ml', 'pipeline');

function arcMl(...args) {
  execFileSync(process.execPath, [join(root, 'scripts/arc-ml.mjs'), 'local', ...args, '--state-dir', stateDir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** The variables of DIR/env (export NAME='value' lines). */
function readEnvFile(file) {
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const raw = match[2];
    env[match[1]] = raw.startsWith("'") ? raw.slice(1, -1).replaceAll(`'\\''`, "'") : raw.replace(/^"|"$/g, '');
  }
  if (env.PATH) env.PATH = env.PATH.replace('$PATH', process.env.PATH ?? '');
  return env;
}

/** Runs one action bundle as the runner does, streaming its log, and returns its outputs. */
async function runStep(title, action, inputs, env) {
  console.log(`\n▶ ${title} (actions/${action})`);
  const work = mkdtempSync(join(tmpdir(), `pipeline-${action}-`));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
    GITHUB_STATE: join(work, 'state'),
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const inputEnv = Object.fromEntries(
    Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]),
  );
  const started = performance.now();
  const code = await new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'actions', action, 'dist', 'index.js')], {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        ...files,
        ...inputEnv,
        GITHUB_ACTIONS: 'true',
        GITHUB_WORKSPACE: root,
        RUNNER_TEMP: work,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk) => process.stdout.write(renderLog(chunk.toString())));
    child.stderr.on('data', (chunk) => process.stderr.write(renderLog(chunk.toString())));
    child.on('close', done);
  });
  const outputs = parseOutputs(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
  rmSync(work, { recursive: true, force: true });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    console.error(`✗ ${title} failed after ${seconds}s`);
    process.exit(1);
  }
  console.log(
    `✓ ${title} in ${seconds}s — ${Object.entries(outputs)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  return outputs;
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

function parseOutputs(text) {
  const values = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i]);
    if (!heredoc) continue;
    const body = [];
    for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) body.push(lines[i]);
    values[heredoc[1]] = body.join('\n');
  }
  return values;
}

arcMl('up');
const env = readEnvFile(join(stateDir, 'env'));
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
