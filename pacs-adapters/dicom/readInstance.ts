import { open } from 'node:fs/promises';
import { describeThrown } from '../../common/index.js';
import { pacsError } from '../errors.js';
import type { DicomInstance } from './DicomInstance.js';
import { parseDataSet } from './parseDataSet.js';
import { readImageHeader, type HeaderOptions } from './readImageHeader.js';

export interface ReadOptions extends HeaderOptions {
  /** Files above this size are refused before reading (default 2 GiB). */
  maxFileBytes?: number;
}

const DEFAULT_MAX_FILE = 2 * 1024 * 1024 * 1024;

/**
 * Reads one DICOM image file from disk into a parsed instance.
 * @throws PACS_ERR_FILE_READ, PACS_ERR_FILE_TOO_LARGE, and every error of parseInstance
 */
export async function readInstanceFile(file: string, options: ReadOptions = {}): Promise<DicomInstance> {
  const bytes = await readBounded(file, options.maxFileBytes ?? DEFAULT_MAX_FILE);
  return parseInstance(bytes, file, options);
}

/** Parses bytes already in memory (WADO responses, STOW bodies); `file` names the source in errors. */
export function parseInstance(bytes: Uint8Array, file: string, options: HeaderOptions = {}): DicomInstance {
  const parsed = parseDataSet(bytes, file);
  const header = readImageHeader(parsed.dataSet, file, parsed.transferSyntaxUid, options);
  return {
    file,
    bytes,
    dataSet: parsed.dataSet,
    header,
    inferredTransferSyntax: parsed.inferredTransferSyntax,
  };
}

export async function readBounded(file: string, maxBytes: number): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    throw pacsError('PACS_ERR_FILE_READ', `cannot open: ${describeThrown(e)}`, { file }, e);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) {
      throw pacsError('PACS_ERR_FILE_TOO_LARGE', `file is ${size} bytes: expected at most ${maxBytes}`, { file });
    }
    const buf = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buf, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, read);
  } finally {
    await handle.close();
  }
}
