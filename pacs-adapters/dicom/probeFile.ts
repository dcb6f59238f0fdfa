import { GsdiffError, describeThrown } from '../../common/index.js';
import { decodeFrame } from './decodeFrame.js';
import { readInstanceFile } from './readInstance.js';

/** What happened when a file was read and every frame decoded: used by `gsdiff info` and the corpus tests. */
export type ProbeOutcome =
  | {
      readonly status: 'decoded';
      readonly file: string;
      readonly kind: 'gray' | 'rgb';
      readonly columns: number;
      readonly rows: number;
      readonly frames: number;
      readonly transferSyntaxUid: string;
    }
  | {
      readonly status: 'rejected';
      readonly file: string;
      readonly code: string;
      readonly message: string;
      readonly details: Readonly<Record<string, unknown>>;
    }
  | { readonly status: 'crashed'; readonly file: string; readonly message: string };

/**
 * Reads a file and decodes all its frames. Typed errors become `rejected`; anything else thrown is a bug and
 * is reported as `crashed` so tests can tell the two apart.
 */
export async function probeFile(file: string): Promise<ProbeOutcome> {
  try {
    const inst = await readInstanceFile(file, { requireIdentity: false });
    let kind: 'gray' | 'rgb' = 'gray';
    for (let i = 0; i < inst.header.numberOfFrames; i++) kind = (await decodeFrame(inst, i)).kind;
    const h = inst.header;
    return {
      status: 'decoded',
      file,
      kind,
      columns: h.columns,
      rows: h.rows,
      frames: h.numberOfFrames,
      transferSyntaxUid: h.transferSyntaxUid,
    };
  } catch (e) {
    if (e instanceof GsdiffError) {
      return { status: 'rejected', file, code: e.code, message: e.message, details: e.details };
    }
    return { status: 'crashed', file, message: describeThrown(e) };
  }
}
