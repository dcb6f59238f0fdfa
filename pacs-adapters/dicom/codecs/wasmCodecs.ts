import { createRequire } from 'node:module';

/**
 * The emscripten codec modules of @cornerstonejs/codec-* (the ones Cornerstone3D's own loader uses), instantiated
 * once per process and reused: each instantiation compiles its wasm, a decoder object per module is enough.
 */
const require = createRequire(import.meta.url);

interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  getDecodedBuffer(): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getNearLossless?(): number;
}

type Factory = (opts: {
  print: (s: string) => void;
  printErr: (s: string) => void;
}) => Promise<Record<string, new () => WasmDecoder>>;

const modules = {
  jpeg: { path: '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs', cls: 'JPEGDecoder' },
  jpegls: { path: '@cornerstonejs/codec-charls/decodewasmjs', cls: 'JpegLSDecoder' },
  j2k: { path: '@cornerstonejs/codec-openjpeg/decodewasmjs', cls: 'J2KDecoder' },
  htj2k: { path: '@cornerstonejs/codec-openjph/wasmjs', cls: 'HTJ2KDecoder' },
} as const;

export type WasmCodecName = keyof typeof modules;

const cache = new Map<WasmCodecName, Promise<{ decoder: WasmDecoder; module: Record<string, unknown> }>>();

async function load(name: WasmCodecName): Promise<{ decoder: WasmDecoder; module: Record<string, unknown> }> {
  const spec = modules[name];
  const exported = require(spec.path) as Factory | { default: Factory };
  const factory = typeof exported === 'function' ? exported : exported.default;
  // OpenJPEG logs every header it reads to stdout; codec diagnostics surface through thrown errors instead.
  const mod = await factory({ print: () => undefined, printErr: () => undefined });
  return { decoder: new mod[spec.cls](), module: mod };
}

export interface WasmDecodeResult {
  bytes: Uint8Array;
  width: number;
  height: number;
  bitsPerSample: number;
  components: number;
  nearLossless?: number;
}

/**
 * Runs one wasm decoder over one encoded frame. Calls are synchronous inside wasm, so sharing one decoder per
 * codec is safe in Node's single thread. The output is copied out because the next call reuses wasm memory.
 */
export async function wasmDecode(name: WasmCodecName, encoded: Uint8Array): Promise<WasmDecodeResult> {
  let entry = cache.get(name);
  if (!entry) {
    entry = load(name);
    cache.set(name, entry);
  }
  const { decoder, module } = await entry;
  const input = decoder.getEncodedBuffer(encoded.length);
  input.set(encoded);
  try {
    decoder.decode();
  } catch (e) {
    const getMessage = module.getExceptionMessage as ((p: number) => string) | undefined;
    throw new Error(typeof e === 'number' && getMessage ? getMessage(e) : String(e instanceof Error ? e.message : e), {
      cause: e,
    });
  }
  const info = decoder.getFrameInfo();
  const out = decoder.getDecodedBuffer();
  return {
    bytes: out.slice(),
    width: info.width,
    height: info.height,
    bitsPerSample: info.bitsPerSample,
    components: info.componentCount,
    nearLossless: decoder.getNearLossless?.(),
  };
}
