import type { SeriesSummary, StudySummary } from '../../wire/index.js';

/**
 * The one interface every PACS connection implements (DICOMweb, DIMSE, the local store), so jobs, the watcher and the
 * server never care how a hospital connects. Identifiers are DICOM UIDs; bytes are whole Part 10 instances.
 */

export interface StudyQuery {
  readonly patientId?: string;
  /** DICOM date or range, e.g. "20240101-20240131". */
  readonly studyDate?: string;
  readonly accessionNumber?: string;
  readonly studyInstanceUid?: string;
  /** ModalitiesInStudy match, e.g. "CT". */
  readonly modality?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface SeriesQuery {
  readonly modality?: string;
  readonly seriesInstanceUid?: string;
  readonly limit?: number;
  readonly offset?: number;
}

/** What a search returns is what the server's browse routes send the viewer: the summaries are defined in wire/. */
export type { StudySummary, SeriesSummary };

export interface InstanceRef {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid?: string;
  readonly instanceNumber?: number;
}

/** One retrieved instance: a complete Part 10 file. */
export interface RetrievedInstance {
  readonly sopInstanceUid: string;
  readonly bytes: Uint8Array;
}

/** Attributes of a series' first instance that processing rules look at (kernel, dose, SOP class…). */
export interface SeriesFacts {
  readonly modality?: string;
  readonly sopClassUid?: string;
  readonly seriesDescription?: string;
  readonly convolutionKernel?: string;
  readonly ctdiVol?: number;
  readonly imageType?: readonly string[];
}

export interface StoreFailure {
  readonly sopInstanceUid?: string;
  readonly reason: string;
  /** A PACS_ERR_* code, or the DICOM status / failure reason the peer gave. */
  readonly code: string;
}

/** Outcome of a store: never a silent partial success. */
export interface StoreReport {
  readonly stored: readonly string[];
  readonly failed: readonly StoreFailure[];
  /** Instances the peer accepted with a warning (e.g. STOW-RS 202 warnings, DIMSE warning statuses). */
  readonly warnings: readonly StoreFailure[];
}

export interface PacsAdapter {
  /** For logs and errors, e.g. "dicomweb http://pacs/dicom-web". */
  readonly name: string;
  searchStudies(query?: StudyQuery, signal?: AbortSignal): Promise<StudySummary[]>;
  searchSeries(studyInstanceUid: string, query?: SeriesQuery, signal?: AbortSignal): Promise<SeriesSummary[]>;
  listInstances(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<InstanceRef[]>;
  seriesFacts(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<SeriesFacts>;
  /** Streams a series instance by instance; a 600-slice series is never held whole. */
  retrieveSeries(
    studyInstanceUid: string,
    seriesInstanceUid: string,
    signal?: AbortSignal,
  ): AsyncIterable<RetrievedInstance>;
  storeInstances(
    instances: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<StoreReport>;
  close(): Promise<void>;
}
