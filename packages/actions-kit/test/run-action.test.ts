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
});
