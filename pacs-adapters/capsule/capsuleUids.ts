import { createHash } from 'node:crypto';
import { newUid } from '../write/dcmjsCodec.js';

/**
 * A UID derived from a seed and names: 2.25 + a name-based UUID (RFC 9562 version 8, SHA-256 of the parts) as a
 * decimal integer (PS3.5 B.2). The same seed and parts always give the same UID; different parts practically
 * never collide. At most 44 characters.
 * @example deterministicUid('my-seed', 'study', 'ad91cf7ca91440aa.mp4')
 */
export function deterministicUid(seed: string, ...parts: readonly string[]): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([seed, ...parts]))
    .digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10
  return `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
}

/** Deterministic UIDs when a seed is given, else fresh random ones (dcmjs newUid, also 2.25 + UUID). */
export function uidSource(seed: string | undefined): (...parts: readonly string[]) => string {
  return seed === undefined ? () => newUid() : (...parts) => deterministicUid(seed, ...parts);
}
