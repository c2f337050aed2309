import { describe, expect, it } from '@jest/globals';
import { ActionError, errorMessage, InputError, parseYaml, runAction } from '../src/index.js';
import { fakeActionIO } from '../src/testing.js';

describe('runAction', () => {
  it('resolves true and reports nothing when run() succeeds', async () => {
    const io = fakeActionIO();
    let ran = false;
    await expect(
      runAction(
        'attach-compute',
        async () => {
          ran = true;
        },
        io,
      ),
    ).resolves.toBe(true);
    expect(ran).toBe(true);
    expect(io.failures).toEqual([]);
    expect(io.log.lines).toEqual([]);
  });

  it.each([
    ['an Error', new Error('compute not found'), 'attach-compute: compute not found'],
    ['a string', 'plain text', 'attach-compute: plain text'],
    ['an object with a message', { message: 'from a library' }, 'attach-compute: from a library'],
    ['an object', { code: 42 }, 'attach-compute: {"code":42}'],
    ['undefined', undefined, 'attach-compute: undefined'],
    [
      'an ActionError with a hint',
      new ActionError('no workspace', { hint: 'create it first' }),
      'attach-compute: no workspace\nhint: create it first',
    ],
    [
      'an InputError',
      new InputError('enable-training', '"ture" is not a boolean; use true or false'),
      'attach-compute: input "enable-training": "ture" is not a boolean; use true or false',
    ],
    [
      'an error with a cause',
      new Error('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:443') }),
      'attach-compute: fetch failed: connect ECONNREFUSED 127.0.0.1:443',
    ],
    ['an already-prefixed message', new Error('attach-compute: twice'), 'attach-compute: twice'],
  ])('fails the step for %s', async (_case, thrown, message) => {
    const io = fakeActionIO();
    await expect(
      runAction(
        'attach-compute',
        () => {
          throw thrown;
        },
        io,
      ),
    ).resolves.toBe(false);
    expect(io.failures).toEqual([message]);
  });

  it('prints the stack only in debug', async () => {
    const io = fakeActionIO();
    const error = new Error('outer', { cause: new Error('inner') });
    await runAction('x', () => Promise.reject(error), io);
    expect(io.log.messages('debug')).toEqual([error.stack, `caused by: ${(error.cause as Error).stack}`]);
    expect(io.log.messages('info')).toEqual([]);
    expect(io.failures[0]).not.toContain('    at ');
  });

  it('annotates a SourceError from a file at its position', async () => {
    const io = fakeActionIO();
    const doc = parseYaml('name: a\ntraffic: 150\n', { source: 'ml/deployment.yml', isFile: true });
    await runAction(
      'deploy-endpoint',
      () => {
        throw doc.errorAt(['traffic'], 'must be 0 to 100');
      },
      io,
    );
    expect(io.log.lines.filter((line) => line.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'must be 0 to 100',
        annotation: {
          title: 'deploy-endpoint',
          file: 'ml/deployment.yml',
          startLine: 2,
          startColumn: 10,
          endLine: 2,
          endColumn: 13,
        },
      },
    ]);
    expect(io.failures).toEqual(['deploy-endpoint: ml/deployment.yml:2:10: must be 0 to 100']);
  });

  it('does not annotate a SourceError from an inline input (there is no file to point at)', async () => {
    const io = fakeActionIO();
    const doc = parseYaml('traffic: 150', { source: 'input "spec"' });
    await runAction(
      'deploy-endpoint',
      () => {
        throw doc.errorAt(['traffic'], 'must be 0 to 100');
      },
      io,
    );
    expect(io.log.messages('error')).toEqual([]);
    expect(io.failures).toEqual(['deploy-endpoint: input "spec":1:10: must be 0 to 100']);
  });

  it('never throws, even when reporting fails', async () => {
    const previous = process.exitCode;
    const io = {
      ...fakeActionIO(),
      setFailed: () => {
        throw new Error('broken reporter');
      },
    };
    try {
      await expect(runAction('x', () => Promise.reject(new Error('boom')), io)).resolves.toBe(false);
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = previous;
    }
  });
});

describe('errorMessage', () => {
  it.each([
    [new AggregateError([new Error('a'), new Error('b')], 'all failed'), 'all failed: a; b'],
    [new Error('', { cause: 'why' }), 'Error: why'],
    [new Error('wrapped: inner', { cause: new Error('inner') }), 'wrapped: inner'],
    [42, '42'],
    [null, 'null'],
  ])('describes %p as %j', (thrown, message) => {
    expect(errorMessage(thrown)).toBe(message);
  });

  it('says each cause once, however deep the wrappers that repeat it', () => {
    const socket = new Error('socket hang up');
    const request = new Error('reading compute k8s failed: the cluster did not answer', { cause: socket });
    const action = new ActionError(request.message, { hint: 'run it again', cause: request });
    const outer = new Error('attach-compute step', { cause: action });

    expect(errorMessage(action)).toBe('reading compute k8s failed: the cluster did not answer: socket hang up');
    expect(errorMessage(outer)).toBe(
      'attach-compute step: reading compute k8s failed: the cluster did not answer: socket hang up',
    );
  });

  it('leaves out the cause of an error that wrote its message from it', () => {
    // The shape of an ARM failure explained by @arc-ml/azure: its message rephrases the SDK's.
    const sdk = new Error(
      'The long-running operation has failed. ComputeAttachFailed. The namespace azureml does not exist.',
    );
    const explained = Object.assign(
      new Error('attach compute k8s failed: ComputeAttachFailed: The namespace azureml does not exist.', {
        cause: sdk,
      }),
      { messageIncludesCause: true },
    );
    const withHint = new ActionError(explained.message, { hint: 'check the extension', cause: explained });

    expect(errorMessage(explained)).toBe(
      'attach compute k8s failed: ComputeAttachFailed: The namespace azureml does not exist.',
    );
    expect(errorMessage(withHint)).toBe(errorMessage(explained));
  });

  it('still says what a cause below an explained one adds', () => {
    const below = new Error('connect ECONNREFUSED 10.0.0.1:443');
    const sdk = new Error('request failed', { cause: below });
    const explained = Object.assign(new Error('reading x failed: RequestError: request failed', { cause: sdk }), {
      messageIncludesCause: true,
    });
    expect(errorMessage(explained)).toBe(
      'reading x failed: RequestError: request failed: connect ECONNREFUSED 10.0.0.1:443',
    );
  });

  it('stops at a cause that points back up the chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(errorMessage(b)).toBe('b: a');
  });
});

describe('runAction with wrapped failures', () => {
  it('prints the message of a wrapped failure once, with the hint of the outermost error', async () => {
    const io = fakeActionIO();
    const sdk = new Error('The client may not write computes.');
    const explained = Object.assign(
      new Error('attach compute k8s failed: AuthorizationFailed: The identity may not write computes.', { cause: sdk }),
      {
        messageIncludesCause: true,
      },
    );
    await runAction(
      'attach-compute',
      () => {
        throw new ActionError(explained.message, { hint: 'grant a role', cause: explained });
      },
      io,
    );
    expect(io.failures).toEqual([
      'attach-compute: attach compute k8s failed: AuthorizationFailed: The identity may not write computes.\nhint: grant a role',
    ]);
  });
});
