// The audit trail's chain and checkpoint rules, shared by the writer (audit.ts), the restart reader
// (audit-tail.ts) and the verifier (audit-verify.ts).
//
// A record is one JSON line `{"seq":N,"ts":…,"prev":P,…,"hash":H}`: H is the MAC of the line's text
// without its hash field (`…}`), P the previous record's H. With a key (HMAC-SHA-256) nobody without
// the key can edit, insert, delete or append records and recompute the chain; without one (plain
// SHA-256) the chain only shows accidental damage. Checkpoints (seq, hash, time), signed with an
// Ed25519 key or MACed with the chain key, go to a separate file: they catch a cut tail up to the last
// checkpoint, and let a verifier name the last point known good.
import * as crypto from 'node:crypto';
import { readFileSync } from 'node:fs';

export const GENESIS_HASH = '0'.repeat(64);
export const AUDIT_FORMAT = 'mcp-observability.audit/2';
/** Where a key comes from when no key file is given. */
export const AUDIT_KEY_ENV = 'MCP_OBSERVABILITY_AUDIT_KEY';

/** The end of every record line; a line that does not end so is not a (complete) record. */
export const HASH_SUFFIX = /,"hash":"([0-9a-f]{64})"\}$/;
/** The start of every record line. */
export const SEQ_PREFIX = /^\{"seq":(\d{1,15}),/;

export type Mac = (body: string) => string;

export interface ChainKey {
  /** HMAC-SHA-256 with this key; plain SHA-256 when absent. */
  secret?: Buffer;
}

/** The record MAC: HMAC-SHA-256 with the key, else SHA-256. */
export function macOf(key: ChainKey): Mac {
  const secret = key.secret;
  if (secret) return (body) => crypto.createHmac('sha256', secret).update(body).digest('hex');
  // One-shot crypto.hash (Node >= 20.12) skips the Hash object createHash() builds per line.
  return typeof crypto.hash === 'function'
    ? (body) => crypto.hash('sha256', body, 'hex')
    : (body) => crypto.createHash('sha256').update(body).digest('hex');
}

/** An incremental MAC, for records too long to hold in memory at once (restart reads them in chunks). */
export function macStream(key: ChainKey): crypto.Hash | crypto.Hmac {
  return key.secret ? crypto.createHmac('sha256', key.secret) : crypto.createHash('sha256');
}

/** A short public id of a key (first 16 hex of SHA-256 of "audit-key-id:" + key): names it without revealing it. */
export function keyId(secret: Buffer): string {
  return crypto.createHash('sha256').update('audit-key-id:').update(secret).digest('hex').slice(0, 16);
}

/**
 * The chain key: the file's contents (trimmed) when a file is given, else the environment variable
 * MCP_OBSERVABILITY_AUDIT_KEY, else none. A key shorter than 16 bytes is refused (guessable).
 */
export function loadChainKey(file: string | undefined, env: NodeJS.ProcessEnv = process.env): ChainKey {
  const text = file !== undefined ? readFileSync(file, 'utf8').trim() : env[AUDIT_KEY_ENV]?.trim();
  if (text === undefined || text === '') return {};
  const secret = Buffer.from(text, 'utf8');
  if (secret.length < 16) throw new Error(`audit key${file ? ` in ${file}` : ` in ${AUDIT_KEY_ENV}`} is shorter than 16 bytes`);
  return { secret };
}

/** What a checkpoint vouches for: the record `seq` of the trail has MAC `hash`, at `ts`. */
export interface Checkpoint {
  seq: number;
  hash: string;
  ts: string;
}

export interface CheckpointSigner {
  alg: 'ed25519' | 'hmac-sha256';
  sign(text: string): string;
}

export interface CheckpointVerifier {
  alg: 'ed25519' | 'hmac-sha256';
  verify(text: string, sig: string): boolean;
}

/** The exact text a checkpoint's signature covers. */
export const checkpointText = (c: Checkpoint) => `${AUDIT_FORMAT} checkpoint ${c.seq} ${c.hash} ${c.ts}`;

/** Ed25519 when a private key (PEM) is given, else HMAC with the chain key, else none (no checkpoints). */
export function checkpointSigner(privateKeyPem: string | undefined, key: ChainKey): CheckpointSigner | undefined {
  if (privateKeyPem !== undefined) {
    const privateKey = crypto.createPrivateKey(privateKeyPem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('audit signing key: an Ed25519 private key (PEM) is expected');
    return { alg: 'ed25519', sign: (text) => crypto.sign(null, Buffer.from(text), privateKey).toString('base64') };
  }
  const secret = key.secret;
  if (!secret) return undefined;
  return { alg: 'hmac-sha256', sign: (text) => crypto.createHmac('sha256', secret).update(text).digest('base64') };
}

/** Ed25519 with a public key (PEM), else HMAC with the chain key. */
export function checkpointVerifier(publicKeyPem: string | undefined, key: ChainKey): CheckpointVerifier | undefined {
  if (publicKeyPem !== undefined) {
    const publicKey = crypto.createPublicKey(publicKeyPem);
    return { alg: 'ed25519', verify: (text, sig) => crypto.verify(null, Buffer.from(text), publicKey, Buffer.from(sig, 'base64')) };
  }
  const secret = key.secret;
  if (!secret) return undefined;
  return {
    alg: 'hmac-sha256',
    verify: (text, sig) => {
      const expected = crypto.createHmac('sha256', secret).update(text).digest();
      const given = Buffer.from(sig, 'base64');
      return given.length === expected.length && crypto.timingSafeEqual(given, expected);
    },
  };
}
