/** A CT window: width and centre in HU. */
export interface CtPreset {
  readonly id: CtPresetId;
  readonly label: string;
  readonly width: number;
  readonly center: number;
}

export type CtPresetId = 'lung' | 'mediastinum' | 'abdomen' | 'liver' | 'bone' | 'brain';

/** Common CT windows (W/L in HU, as in most reading-room defaults). */
export const CT_PRESETS: readonly CtPreset[] = Object.freeze([
  { id: 'lung', label: 'Lung', width: 1500, center: -600 },
  { id: 'mediastinum', label: 'Mediastinum', width: 350, center: 50 },
  { id: 'abdomen', label: 'Abdomen', width: 400, center: 50 },
  { id: 'liver', label: 'Liver', width: 150, center: 30 },
  { id: 'bone', label: 'Bone', width: 1800, center: 400 },
  { id: 'brain', label: 'Brain', width: 80, center: 40 },
]);

/** The VOI range Cornerstone takes for a window: [center − width/2, center + width/2]. */
export function presetVoiRange(p: Pick<CtPreset, 'width' | 'center'>): { lower: number; upper: number } {
  return { lower: p.center - p.width / 2, upper: p.center + p.width / 2 };
}

export function findPreset(id: string): CtPreset | undefined {
  return CT_PRESETS.find((p) => p.id === id);
}
