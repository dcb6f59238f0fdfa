import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import dicomParser from 'dicom-parser';
import { pino, type Logger } from 'pino';

/** Shared read-only fixtures; tests read them in place and never write there. */
export const DATA = '/work/shared/data';
export const GE_HEAD = path.join(DATA, 'ct-ge-head-human-tilted');
export const PYDICOM = path.join(DATA, 'dicom-edge-cases', 'pydicom');
export const geFile = (n: number): string => path.join(GE_HEAD, `${String(n).padStart(2, '0')}.dcm`);

/** A fresh folder under the OS temp dir, and its removal. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gsdiff-local-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function fileSha256(file: string): Promise<string> {
  return sha256(await readFile(file));
}

export async function readBytes(file: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(file));
}

/** The string value of a top-level element. */
export function uidOf(bytes: Uint8Array, tag: string): string {
  const v = dicomParser.parseDicom(bytes).string(tag);
  if (v === undefined) throw new Error(`uidOf: ${tag} missing`);
  return v;
}

/**
 * A copy of `bytes` with some string elements rewritten in place (same element length, NUL-padded), so the
 * file stays a valid DICOM file: how tests make derived instances or hostile UIDs from real files.
 */
export function patchStrings(bytes: Uint8Array, values: Readonly<Record<string, string>>): Uint8Array {
  const out = new Uint8Array(bytes);
  const ds = dicomParser.parseDicom(out);
  for (const [tag, value] of Object.entries(values)) {
    const el = ds.elements[tag];
    if (!el) throw new Error(`patchStrings: ${tag} missing`);
    if (value.length > el.length) throw new Error(`patchStrings: ${tag} holds ${el.length} bytes, got ${value.length}`);
    for (let i = 0; i < el.length; i += 1) out[el.dataOffset + i] = i < value.length ? value.charCodeAt(i) : 0;
  }
  return out;
}

/** Another valid UID of the same length: the last four characters become 9000 + n. */
export function otherUid(uid: string, n: number): string {
  const next = `${uid.slice(0, -4)}${9000 + n}`;
  if (next === uid || !/^[0-9]+(\.[0-9]+)*$/.test(next)) throw new Error(`otherUid: cannot derive from ${uid}`);
  return next;
}

/**
 * Makes a "derived" copy of a GE head slice: new SeriesInstanceUID (n-th derived series) and SOPInstanceUID
 * (k-th instance), file meta updated too.
 */
export async function derivedInstance(slice: number, series: number, k: number): Promise<Uint8Array> {
  const bytes = await readBytes(geFile(slice));
  const sop = otherUid(uidOf(bytes, 'x00080018'), series * 100 + k);
  return patchStrings(bytes, {
    x0020000e: otherUid(uidOf(bytes, 'x0020000e'), series),
    x00080018: sop,
    x00020003: sop,
  });
}

/** A debug-level pino logger whose lines are kept in `lines`. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}
