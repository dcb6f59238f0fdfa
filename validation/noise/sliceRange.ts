import type { CtSliceSource } from './CtSliceSource.js';

/** Slices first..first+count-1 of a source as a source of their own (an exported or held-out range). */
export function sliceRange(src: CtSliceSource, first: number, count: number): CtSliceSource {
  return {
    ...src,
    label: `${src.label}[${first + 1}-${first + count}]`,
    count,
    frame: (i) => src.frame(first + i),
  };
}
