/** Grid splicing (GSDiff): k = rows·cols frames laid out row-major in one image, and back. Pure functions. */
export { spliceGrid, checkGridShape } from './spliceGrid.js';
export { unspliceGrid } from './unspliceGrid.js';
