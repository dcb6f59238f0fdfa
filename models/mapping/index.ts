/**
 * Value mapping between stored values (CT HU, 8-bit RGB) and the model's [-1, 1] range, the delta inverse
 * that applies only the model's change, so unchanged pixels pass through bit for bit, and the strength blend of a
 * restored frame with its input.
 */
export { checkCtMapping, checkRgbMapping } from './ValueMapping.js';
export type { CtValueMapping, RgbValueMapping } from './ValueMapping.js';
export { huToModel } from './huToModel.js';
export { rgbToModel } from './rgbToModel.js';
export { modelDeltaToHu } from './modelDeltaToHu.js';
export { modelDeltaToRgb } from './modelDeltaToRgb.js';
export { blendWithInput } from './blendWithInput.js';
