import type { InferenceSession } from 'onnxruntime-node';

/** What the contract checker needs of a session: names plus dtype and shape per tensor. */
export interface TensorMeta {
  readonly name: string;
  readonly type: string;
  /** Dimension sizes; a string or negative number is a dynamic axis. */
  readonly shape: readonly (number | string)[];
}

export function tensorMetas(list: readonly InferenceSession.ValueMetadata[]): TensorMeta[] {
  return list.map((m) =>
    m.isTensor ? { name: m.name, type: m.type, shape: m.shape } : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/** A static size, or undefined when the axis is dynamic. */
export function staticDim(d: number | string | undefined): number | undefined {
  return typeof d === 'number' && d > 0 ? d : undefined;
}
