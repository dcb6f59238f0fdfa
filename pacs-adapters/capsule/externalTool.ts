import { resolve } from 'node:path';
import { describeThrown } from '../../common/index.js';
import { pacsError, type PacsError } from '../errors.js';

/** The external programs this folder runs, each with the Debian package that installs it. */
export const CAPSULE_TOOLS = {
  ffprobe: { program: 'ffprobe', debianPackage: 'ffmpeg' },
  ffmpeg: { program: 'ffmpeg', debianPackage: 'ffmpeg' },
} as const;

export type CapsuleTool = keyof typeof CAPSULE_TOOLS;

/**
 * The path handed to ffmpeg/ffprobe: absolute, so a name that starts with "-" is never read as an option and a
 * name like "http:x" is never read as a protocol (ffmpeg would otherwise open it as a URL).
 */
export function toolInputPath(file: string): string {
  return resolve(file);
}

/** Error code of a failed spawn/exec, when Node gives one (ENOENT, EACCES…). */
export function spawnErrorCode(e: unknown): string | undefined {
  if (e !== null && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    return (e as { code: string }).code;
  }
  return undefined;
}

/**
 * Maps a failure to start an external program to a registry error: ENOENT / EACCES mean the tool is missing or
 * not executable (PACS_ERR_TOOL_MISSING, naming the Debian package); anything else is returned as undefined so
 * the caller reports it as a video error.
 */
export function toolStartError(tool: CapsuleTool, path: string, file: string, e: unknown): PacsError | undefined {
  const code = spawnErrorCode(e);
  if (code !== 'ENOENT' && code !== 'EACCES') return undefined;
  const { program, debianPackage } = CAPSULE_TOOLS[tool];
  return pacsError(
    'PACS_ERR_TOOL_MISSING',
    `${program} could not be started: expected an executable "${path}" (install the Debian package "${debianPackage}": apt-get install ${debianPackage}), got ${code}: ${describeThrown(e)}`,
    { file, tool: program, path, debianPackage, errno: code },
    e,
  );
}

/** Keeps the last `limit` characters of a child's stderr, so a chatty tool cannot grow memory without bound. */
export class TailBuffer {
  private text = '';

  constructor(private readonly limit = 4096) {}

  push(chunk: Buffer | string): void {
    this.text += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    if (this.text.length > this.limit) this.text = this.text.slice(this.text.length - this.limit);
  }

  /** The kept text on one line, trimmed, or `fallback` when the tool printed nothing. */
  oneLine(fallback: string): string {
    const t = this.text.replace(/\s+/g, ' ').trim();
    return t === '' ? fallback : t;
  }
}
