import * as core from '@actions/core';

/** Values shorter than this are not masked: masking `abc` would hide every "abc" in the log. */
export const MIN_SECRET_LENGTH = 4;

/**
 * What to register for a secret: the whole value and, for a multi-line value (a PEM key, a kubeconfig),
 * each line on its own, because the runner masks line by line. Empty and very short parts are skipped.
 */
export function secretParts(value: string | undefined): string[] {
  if (value === undefined) return [];
  const parts = new Set<string>();
  const whole = value.trim();
  if (whole.length >= MIN_SECRET_LENGTH) parts.add(whole);
  if (/[\r\n]/.test(whole)) {
    for (const line of whole.split(/\r?\n|\r/)) {
      const part = line.trim();
      if (part.length >= MIN_SECRET_LENGTH) parts.add(part);
    }
  }
  return [...parts];
}

/** Masks a secret in all later log output. Returns what was registered. */
export function maskSecret(
  value: string | undefined,
  setSecret: (secret: string) => void = (secret) => core.setSecret(secret),
): string[] {
  const parts = secretParts(value);
  for (const part of parts) setSecret(part);
  return parts;
}

/** Replaces every occurrence of each secret (and each line of multi-line ones) with `***`. */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  const parts = [...new Set([...secrets].flatMap(secretParts))].sort((a, b) => b.length - a.length);
  let result = text;
  for (const part of parts) result = result.split(part).join('***');
  return result;
}
