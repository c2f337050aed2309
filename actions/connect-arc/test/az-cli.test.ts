import { ActionError } from '@arc-ml/actions-kit';
import { describe, expect, it } from '@jest/globals';
import { type AzCommand, printable, runOrFail, tail } from '../src/az-cli.js';
import { FakeAz } from './fakes.js';

const LOGIN: AzCommand = {
  step: 'sign the Azure CLI in',
  args: [
    'login',
    '--service-principal',
    '--username',
    'app',
    '--federated-token',
    { secret: 'eyJ.tok.en' },
    '--tags',
    'a b',
  ],
};

describe('az commands', () => {
  it('prints secret arguments as *** and quotes what a shell would split', () => {
    expect(printable(LOGIN)).toBe("az login --service-principal --username app --federated-token *** --tags 'a b'");
  });

  it('keeps the last lines of stderr, redacted and indented', () => {
    const stderr = ['one', '', 'two token=s3cret-value', 'three'].join('\n');
    expect(tail(stderr, ['s3cret-value'], 2)).toBe(':\n  two token=***\n  three');
    expect(tail('\n\n', [])).toBe('');
  });

  it('resolves when the command succeeds', async () => {
    const az = new FakeAz().answer('login --service-principal', { stdout: '[]' });
    await expect(runOrFail(az, LOGIN, {}, { hint: 'h', secrets: [] })).resolves.toEqual({
      exitCode: 0,
      stdout: '[]',
      stderr: '',
    });
  });

  it('fails with the step, the redacted command, the exit code, the stderr tail and the hint', async () => {
    const az = new FakeAz().answer('login --service-principal', {
      exitCode: 1,
      stderr: 'ERROR: AADSTS700024: Client assertion is not within its valid time range. eyJ.tok.en\n',
    });

    const error = (await runOrFail(az, LOGIN, {}, { hint: 'check the clock', secrets: [] }).catch(
      (e: unknown) => e,
    )) as ActionError;

    expect(error).toBeInstanceOf(ActionError);
    expect(error.message).toBe(
      "sign the Azure CLI in failed: `az login --service-principal --username app --federated-token *** --tags 'a b'` exited with code 1:\n  ERROR: AADSTS700024: Client assertion is not within its valid time range. ***",
    );
    expect(error.hint).toBe('check the clock');
  });
});
