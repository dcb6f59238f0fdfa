/**
 * True when a JPEG-family codestream ends with its end-of-image marker FFD9, ignoring the bytes encoders pad a
 * fragment to even length with (00, or the JPEG fill byte FF as in the NEMA WG04 JPEG-LS near-lossless files). CharLS given a JPEG-LS stream cut before FFD9 can spin for tens of seconds before
 * failing (found by the DICOM fuzzer, docs/RELIABILITY.md), so such a stream is refused before it reaches the codec.
 */
export function endsWithEoi(encoded: Uint8Array): boolean {
  let end = encoded.length;
  while (end > 0 && (encoded[end - 1] === 0 || encoded[end - 1] === 0xff)) end--;
  return end >= 2 && encoded[end - 2] === 0xff && encoded[end - 1] === 0xd9;
}
