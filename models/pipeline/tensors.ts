import * as ort from 'onnxruntime-node';

/** A float32 tensor over a typed array, without copying. */
export function f32(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor('float32', data, dims);
}

/** A timestep fed with the dtype and rank the graph declares (diffusers reads it from the session too). */
export function timestepTensor(t: number, type: string, rank: number, batch = 1): ort.Tensor {
  const dims = rank === 0 ? [] : [batch];
  const n = rank === 0 ? 1 : batch;
  return type === 'int64'
    ? new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: n }, () => BigInt(Math.round(t))),
        dims,
      )
    : new ort.Tensor(
        'float32',
        Float32Array.from({ length: n }, () => t),
        dims,
      );
}

export function tokenTensor(ids: readonly number[], type: string): ort.Tensor {
  return type === 'int64'
    ? new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (v) => BigInt(v)),
        [1, ids.length],
      )
    : new ort.Tensor('int32', Int32Array.from(ids), [1, ids.length]);
}

/** The float data of a named output. */
export function outputData(out: ort.InferenceSession.ReturnType, name: string): Float32Array {
  return out[name].data as Float32Array;
}
