/**
 * The Pixel Data element (7FE0,0010) in the encapsulated format (PS3.5 A.4): OB with undefined length, an empty
 * Basic Offset Table item (PS3.5 8.2.5-8.2.8 leave it empty for video: one stream, not one codestream per frame),
 * one item per fragment, each padded with 0x00 to an even length, and the Sequence Delimitation Item.
 * Pixel Data is the last element of an image data set, so the caller appends these bytes to the encoded header.
 */
export function encapsulatedPixelDataElement(fragments: readonly Uint8Array[]): Uint8Array {
  const itemBytes = fragments.reduce((n, f) => n + 8 + f.length + (f.length % 2), 0);
  const out = new Uint8Array(12 + 8 + itemBytes + 8);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  out[4] = 0x4f; // 'O'
  out[5] = 0x42; // 'B'
  view.setUint32(8, 0xffffffff, true); // undefined length
  let at = 12;
  const item = (length: number): void => {
    view.setUint16(at, 0xfffe, true);
    view.setUint16(at + 2, 0xe000, true);
    view.setUint32(at + 4, length, true);
    at += 8;
  };
  item(0); // Basic Offset Table, empty
  for (const f of fragments) {
    const padded = f.length + (f.length % 2);
    item(padded);
    out.set(f, at);
    at += padded;
  }
  view.setUint16(at, 0xfffe, true);
  view.setUint16(at + 2, 0xe0dd, true);
  view.setUint32(at + 4, 0, true);
  return out;
}

/** Cuts a stream into fragments of `fragmentBytes` (the last one shorter); the whole stream when not given. */
export function splitIntoFragments(stream: Uint8Array, fragmentBytes?: number): Uint8Array[] {
  if (fragmentBytes === undefined || stream.length <= fragmentBytes) return [stream];
  const out: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += fragmentBytes) out.push(stream.subarray(at, at + fragmentBytes));
  return out;
}
