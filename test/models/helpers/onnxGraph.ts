// A minimal ONNX protobuf writer for test graphs: enough of onnx.proto (ModelProto, GraphProto, NodeProto,
// TensorProto, ValueInfoProto) to write one-node graphs without Python, so a test can build a pack whose graphs
// differ in a known way.

const VARINT = 0;
const BYTES = 2;

function varint(n: number): number[] {
  const out: number[] = [];
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const int = (field: number, n: number): number[] => [...key(field, VARINT), ...varint(n)];
const bytes = (field: number, b: ArrayLike<number>): number[] => [
  ...key(field, BYTES),
  ...varint(b.length),
  ...Array.from(b),
];
const text = (field: number, s: string): number[] => bytes(field, Buffer.from(s, 'utf8'));

/** A float32 tensor value-info: dims are numbers (static) or names (dynamic). */
function valueInfo(name: string, dims: readonly (number | string)[]): number[] {
  const dim = (d: number | string): number[] => bytes(1, typeof d === 'number' ? int(1, d) : text(2, d));
  const shape = dims.flatMap(dim);
  const tensorType = [...int(1, 1 /* FLOAT */), ...bytes(2, shape)];
  return [...text(1, name), ...bytes(2, bytes(1, tensorType))];
}

function initializer(name: string, dims: readonly number[], data: Float32Array): number[] {
  return [
    ...dims.flatMap((d) => int(1, d)),
    ...int(2, 1 /* FLOAT */),
    ...text(8, name),
    ...bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)),
  ];
}

/**
 * A per-frame TRN graph (models/README.md "Component I/O", `trn_frame`): `looks` f32 [N, 3 (2r+1), H, W] ->
 * `refined` f32 [N, 3, H, W] = `scale` x the centre look, as one 1x1 Conv.
 * @returns the ONNX file's bytes
 */
export function centreLookTimes(radius: number, scale: number): Uint8Array {
  const cin = 3 * (2 * radius + 1);
  const w = new Float32Array(3 * cin);
  for (let o = 0; o < 3; o++) w[o * cin + 3 * radius + o] = scale;
  const node = [...text(1, 'looks'), ...text(1, 'W'), ...text(2, 'refined'), ...text(3, 'centre'), ...text(4, 'Conv')];
  const graph = [
    ...bytes(1, node),
    ...text(2, 'centre_look_times'),
    ...bytes(5, initializer('W', [3, cin, 1, 1], w)),
    ...bytes(11, valueInfo('looks', ['N', cin, 'H', 'W'])),
    ...bytes(12, valueInfo('refined', ['N', 3, 'H', 'W'])),
  ];
  const model = [...int(1, 7 /* IR version */), ...text(2, 'gsdiff-test'), ...bytes(7, graph), ...bytes(8, int(2, 13))];
  return Uint8Array.from(model);
}
