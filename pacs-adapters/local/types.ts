import type { PacsError } from '../errors.js';

/**
 * Public record and result types of the local store. Optional attributes are absent (not empty strings) when
 * the data set lacks them.
 */

/** Study-level attributes indexed from the first instance seen of a study (later instances fill blanks only). */
export interface StudyAttributes {
  readonly studyInstanceUid: string;
  readonly patientId?: string;
  readonly patientName?: string;
  readonly patientBirthDate?: string;
  readonly patientSex?: string;
  /** DA, YYYYMMDD. */
  readonly studyDate?: string;
  /** TM, HHMMSS.FFFFFF. */
  readonly studyTime?: string;
  readonly studyDescription?: string;
  readonly accessionNumber?: string;
  readonly studyId?: string;
  readonly referringPhysicianName?: string;
}

/** Series-level attributes indexed from the first instance seen of a series. */
export interface SeriesAttributes {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly modality?: string;
  readonly seriesNumber?: number;
  readonly seriesDescription?: string;
  readonly seriesDate?: string;
  readonly seriesTime?: string;
  readonly bodyPartExamined?: string;
}

/** Instance-level attributes; image attributes are absent for non-image objects (SR, KOS, PR…). */
export interface InstanceAttributes {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid: string;
  readonly sopClassUid: string;
  readonly transferSyntaxUid: string;
  readonly instanceNumber?: number;
  readonly rows?: number;
  readonly columns?: number;
  readonly numberOfFrames?: number;
}

/** One row of `listStudies`. */
export interface StudyEntry extends StudyAttributes {
  /** Distinct Modality values of the study's series, sorted. */
  readonly modalitiesInStudy: readonly string[];
  readonly numberOfSeries: number;
  readonly numberOfInstances: number;
}

/** One row of `listSeries`. */
export interface SeriesEntry extends SeriesAttributes {
  readonly numberOfInstances: number;
  /** Frames of the series: a multi-frame instance counts its NumberOfFrames, any other 1. */
  readonly numberOfFrames: number;
}

/** One row of `listInstances`. */
export interface InstanceEntry extends InstanceAttributes {
  /** Absolute path of the stored file. Read it; never write it. */
  readonly path: string;
  /** Lower-case hex SHA-256 of the stored bytes. */
  readonly sha256: string;
  readonly byteSize: number;
  /** Where the bytes came from: the imported path, or the `source` given to `storeInstance`. */
  readonly source: string;
  /** ISO 8601 time the instance was indexed. */
  readonly storedAt: string;
}

/**
 * QIDO-style study query. Text fields match exactly unless they contain `*` or `?` (wildcards, matched
 * case-insensitively for ASCII). `studyDate` is `YYYYMMDD` or a range `A-B`, `A-`, `-B`.
 */
export interface StudyFilter {
  readonly studyInstanceUid?: string;
  readonly patientId?: string;
  readonly patientName?: string;
  readonly accessionNumber?: string;
  readonly studyDescription?: string;
  readonly studyDate?: string;
  /** Matches studies with at least one series of this Modality. */
  readonly modality?: string;
  readonly limit?: number;
  readonly offset?: number;
}

export interface StoreOptions {
  /** Replace an instance whose SOPInstanceUID is stored with other bytes instead of failing (default false). */
  readonly overwrite?: boolean;
}

/** Result of `storeInstance`. */
export interface StoreResult {
  /** 'exists' when identical bytes (same SHA-256) were already stored: nothing was written. */
  readonly status: 'stored' | 'exists';
  readonly sopInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly studyInstanceUid: string;
  /** Absolute path of the stored file. */
  readonly path: string;
}

/** Outcome for one file of `importPath`. */
export type ImportOutcome =
  | ({ readonly file: string } & StoreResult)
  | {
      readonly file: string;
      readonly status: 'skipped';
      /** Why the file is not an instance (not DICOM, a DICOMDIR, a linked directory…). */
      readonly reason: string;
      readonly error?: PacsError;
    }
  | { readonly file: string; readonly status: 'failed'; readonly error: PacsError };

/** Result of `importPath`: one outcome per file, in path order, and counts by status. */
export interface ImportReport {
  readonly outcomes: readonly ImportOutcome[];
  readonly stored: number;
  readonly exists: number;
  readonly skipped: number;
  readonly failed: number;
}

/** What the recovery pass at `LocalStore.open` found and fixed. */
export interface RecoveryReport {
  /** Entries removed from tmp/ (half-written files, uncommitted stages, series being deleted). */
  readonly tmpEntriesRemoved: number;
  /** Index rows removed because their file is missing. */
  readonly rowsRemoved: number;
  /** Rows re-read from their file because an overwrite was interrupted. */
  readonly rowsReindexed: number;
  /** Files found under objects/ without an index row, parsed and indexed. */
  readonly filesIndexed: number;
  /** Files under objects/ that could not be indexed where they lie, moved to quarantine/. */
  readonly filesQuarantined: number;
}

/** Result of `deleteSeries`; zero counts when the series was not stored. */
export interface DeleteSeriesResult {
  readonly seriesInstanceUid: string;
  readonly instancesRemoved: number;
  readonly bytesFreed: number;
}

/** Result of `StagedSeries.commit`. */
export interface CommitResult {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly instances: number;
  /** Absolute path of the published series folder. */
  readonly path: string;
}

/** Result of `stats`. */
export interface StoreStats {
  readonly root: string;
  readonly schemaVersion: number;
  readonly studies: number;
  readonly series: number;
  readonly instances: number;
  readonly bytes: number;
  /** Stages opened and neither committed nor aborted. */
  readonly openStages: number;
}
