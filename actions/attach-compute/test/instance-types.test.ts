import { parseYaml, SourceError } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import { parseInstanceTypes } from '../src/instance-types.js';

const inline = (text: string) => parseYaml(text, { source: 'input "instance-types"', isFile: false });

describe('instance-types', () => {
  it('reads the Azure ML instanceTypes shape from YAML, keeping the order written', () => {
    const types = parseInstanceTypes(
      inline(
        [
          'gpu:',
          '  nodeSelector:',
          '    accelerator: nvidia',
          '    gpu: true',
          '  resources:',
          '    requests: { cpu: 2, memory: 8Gi, nvidia.com/gpu: 1 }',
          '    limits: { cpu: "4", memory: 16Gi, nvidia.com/gpu: 1 }',
          'small:',
          '  resources:',
          '    requests: { cpu: 0.5, memory: 1Gi, nvidia.com/gpu: null }',
        ].join('\n'),
      ),
    );
    expect([...types.keys()]).toEqual(['gpu', 'small']);
    expect(types.get('gpu')).toEqual({
      nodeSelector: { accelerator: 'nvidia', gpu: 'true' },
      requests: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': '1' },
      limits: { cpu: '4', memory: '16Gi', 'nvidia.com/gpu': '1' },
    });
    expect(types.get('small')).toEqual({ nodeSelector: {}, requests: { cpu: '0.5', memory: '1Gi' }, limits: {} });
  });

  it('reads JSON as well', () => {
    const types = parseInstanceTypes(
      inline(
        '{"cpu-small": {"nodeSelector": null, "resources": {"requests": {"cpu": "500m"}, "limits": {"cpu": "1"}}}}',
      ),
    );
    expect(types.get('cpu-small')).toEqual({ nodeSelector: {}, requests: { cpu: '500m' }, limits: { cpu: '1' } });
  });

  it.each([
    [
      'a quantity with the letter O for zero',
      'small:\n  resources:\n    requests:\n      cpu: 5OOm\n',
      'input "instance-types":4:12: instance type "small": requests.cpu "5OOm" is not a CPU quantity; use cores (2, 0.5) or millicores (500m) (the letter O is not a zero: did you mean "500m"?)',
    ],
    [
      'memory in gigabytes the way people say it',
      'small:\n  resources:\n    limits: { memory: 4GB }\n',
      'input "instance-types":3:23: instance type "small": limits.memory "4GB" is not a memory quantity; Kubernetes writes "4Gi" (binary: Ki, Mi, Gi, Ti) or decimal suffixes k, M, G, T',
    ],
    [
      'half a GPU',
      'gpu:\n  resources:\n    limits:\n      nvidia.com/gpu: 0.5\n',
      'input "instance-types":4:23: instance type "gpu": limits.nvidia.com/gpu "0.5" is not a whole number of GPUs; use 0, 1, 2, …',
    ],
    [
      'a GPU resource without its vendor',
      'gpu:\n  resources:\n    limits:\n      gpu: 1\n',
      'input "instance-types":4:12: "gpu" is not a resource an instance type can limit (GPUs are "nvidia.com/gpu"); use cpu, memory, nvidia.com/gpu',
    ],
    [
      'a misspelt key',
      'small:\n  resource:\n    requests: { cpu: 1 }\n',
      'input "instance-types":3:5: instance type "small" has an unknown key "resource"; did you mean "resources"?',
    ],
    [
      'snake case',
      'small:\n  node_selector: { a: b }\n',
      'input "instance-types":2:18: instance type "small" has an unknown key "node_selector"; did you mean "nodeSelector"?',
    ],
    [
      'a request above its limit',
      'small:\n  resources:\n    requests: { cpu: 2 }\n    limits: { cpu: 1500m }\n',
      'input "instance-types":3:22: instance type "small" requests more cpu (2) than its limit (1500m); a request must not exceed its limit',
    ],
    [
      'GPU requests and limits that differ',
      'gpu:\n  resources:\n    requests: { nvidia.com/gpu: 1 }\n    limits: { nvidia.com/gpu: 2 }\n',
      'input "instance-types":3:33: instance type "gpu" requests 1 GPU but limits 2; Kubernetes needs the same number for nvidia.com/gpu',
    ],
    [
      'a list instead of a map',
      '- small\n- large\n',
      'input "instance-types":1:1: instance-types must be a map, not a list',
    ],
    [
      'an invalid name',
      'small_1:\n  resources: {}\n',
      'input "instance-types":2:3: instance type name "small_1" is invalid: use letters, digits, \'-\' and \'.\', start and end with a letter or digit, at most 63 characters',
    ],
    ['an empty definition', 'small:\n', 'input "instance-types":1:1: instance type "small" has no definition'],
    [
      'a node label value that is a list',
      'small:\n  nodeSelector:\n    zone: [a, b]\n',
      'input "instance-types":3:11: the value of node label "zone" must be a string, not a list',
    ],
  ])('points at the problem: %s', (_case, text, message) => {
    let thrown: unknown;
    try {
      parseInstanceTypes(inline(text));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SourceError);
    expect((thrown as SourceError).message).toBe(message);
  });

  it('names the file and line of a problem in a file, for an annotation', () => {
    const doc = parseYaml('small:\n  resources:\n    requests:\n      memory: 512m\n', {
      source: 'ml/instance-types.yml',
      isFile: true,
    });
    expect(() => parseInstanceTypes(doc)).toThrow(
      expect.objectContaining({
        file: 'ml/instance-types.yml',
        isFile: true,
        line: 4,
        column: 15,
        message: expect.stringContaining('did you mean "512Mi"?'),
      }),
    );
  });
});
