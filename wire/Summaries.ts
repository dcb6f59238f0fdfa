/**
 * What `GET /api/sources/{id}/studies` and `…/studies/{study}/series` list: the summaries every PACS adapter returns
 * (pacs-adapters' `PacsAdapter.searchStudies` / `searchSeries`), sent as they are.
 */
export interface StudySummary {
  readonly studyInstanceUid: string;
  readonly patientId?: string;
  readonly patientName?: string;
  readonly studyDate?: string;
  readonly studyDescription?: string;
  readonly accessionNumber?: string;
  readonly modalities: readonly string[];
  readonly numberOfSeries?: number;
  readonly numberOfInstances?: number;
}

export interface SeriesSummary {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly modality?: string;
  readonly seriesNumber?: number;
  readonly seriesDescription?: string;
  readonly numberOfInstances?: number;
  /**
   * Frames of the series where the source knows them (the local store: a multi-frame instance, such as a capsule
   * sequence, counts its NumberOfFrames); absent from PACS that do not say.
   */
  readonly numberOfFrames?: number;
}
