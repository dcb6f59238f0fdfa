import { errorFactory, GsdiffError, type ErrorSpec } from '../common/index.js';

/**
 * Every error models/ raises. Messages read "<what failed>: expected X, got Y"; `details` names the pack, component,
 * input, stage, window or tile. Mirrored in docs/errors.md.
 */
export const MODEL_ERRORS = {
  MODEL_ERR_PACK_NOT_FOUND: { status: 404, summary: 'The model pack folder or its model_index.json does not exist.' },
  MODEL_ERR_PACK_INDEX: {
    status: 422,
    summary: 'model_index.json or a config file it lists (scheduler, labels) is malformed or misses a field.',
  },
  MODEL_ERR_PACK_FILE: { status: 422, summary: 'A file the pack lists is missing or its sha256 does not match.' },
  MODEL_ERR_PACK_COMPONENT: { status: 422, summary: 'A component is missing or cannot be loaded by onnxruntime.' },
  MODEL_ERR_PACK_CONTRACT: {
    status: 422,
    summary: 'A component input or output has the wrong name, shape or dtype for its pack class (GSDiff, denoiser).',
  },
  MODEL_ERR_DEVICE_UNAVAILABLE: { status: 503, summary: 'The requested execution provider is not available here.' },
  MODEL_ERR_BAD_OPTION: {
    status: 400,
    summary: 'A runtime option (steps, strength, stride, device…) is out of range.',
  },
  MODEL_ERR_BAD_INPUT: { status: 400, summary: 'Frames handed to the pipeline have the wrong size, kind or count.' },
  MODEL_ERR_INFERENCE: {
    status: 500,
    summary: 'onnxruntime failed while running a component, or its output has the wrong shape.',
  },
  MODEL_ERR_RECOGNIZER: { status: 502, summary: 'The vision-language degradation recognizer failed or timed out.' },
  MODEL_ERR_CANCELLED: { status: 499, summary: 'The restoration was cancelled.' },
} as const satisfies Record<string, ErrorSpec>;

export type ModelErrorCode = keyof typeof MODEL_ERRORS;

export class ModelError extends GsdiffError {
  declare readonly code: ModelErrorCode;
}

/**
 * Builds a registry error.
 * @example throw modelError('MODEL_ERR_PACK_CONTRACT', 'unet input "timestep": expected dtype float32 or int64, got string', { component: 'unet' })
 */
export const modelError = errorFactory<ModelErrorCode, ModelError>(MODEL_ERRORS, ModelError);
