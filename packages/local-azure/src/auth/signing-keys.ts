// RS256 signing keys of the two token issuers (GitHub's OIDC issuer and Entra ID), kept in the
// state dir so tokens minted before a restart still verify after it.

import type { webcrypto } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { writePrivateFile } from '../state-dir.js';

type CryptoKey = webcrypto.CryptoKey;

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  /** The public key as published in a JWKS. */
  readonly publicJwk: JWK;
}

export interface SigningKeys {
  readonly github: SigningKey;
  readonly entra: SigningKey;
}

type StoredKeys = Record<keyof SigningKeys, JWK>;

export async function loadSigningKeys(file: string): Promise<SigningKeys> {
  const stored: Partial<StoredKeys> = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  const github = stored.github ?? (await newPrivateJwk());
  const entra = stored.entra ?? (await newPrivateJwk());
  if (!stored.github || !stored.entra) writePrivateFile(file, `${JSON.stringify({ github, entra }, null, 2)}\n`);
  return { github: await signingKey(github), entra: await signingKey(entra) };
}

async function newPrivateJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  return exportJWK(privateKey);
}

async function signingKey(privateJwk: JWK): Promise<SigningKey> {
  const { kty, n, e } = privateJwk;
  const publicOnly: JWK = { kty, n, e };
  const kid = await calculateJwkThumbprint(publicOnly);
  const privateKey = (await importJWK({ ...privateJwk, alg: 'RS256' }, 'RS256')) as CryptoKey;
  const publicKey = (await importJWK({ ...publicOnly, alg: 'RS256' }, 'RS256', { extractable: true })) as CryptoKey;
  return { kid, privateKey, publicKey, publicJwk: { ...publicOnly, kid, use: 'sig', alg: 'RS256' } };
}
