/** Milliseconds spent per GSDiff model stage, over one window or accumulated over a series. */
export interface StageTimings {
  guidance: number;
  vaeEncode: number;
  denoise: number;
  vaeDecode: number;
  refine: number;
}

export function emptyTimings(): StageTimings {
  return { guidance: 0, vaeEncode: 0, denoise: 0, vaeDecode: 0, refine: 0 };
}

/** Adds one window's stage timings into a series total. */
export function addStageTimings(total: StageTimings, window: Readonly<StageTimings>): void {
  total.guidance += window.guidance;
  total.vaeEncode += window.vaeEncode;
  total.denoise += window.denoise;
  total.vaeDecode += window.vaeDecode;
  total.refine += window.refine;
}
