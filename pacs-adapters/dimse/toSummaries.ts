import type { InstanceRef, SeriesFacts, SeriesSummary, StudySummary } from '../pacs/PacsAdapter.js';
import { num, str, strs, type Elements } from './elementValues.js';

/**
 * C-FIND matches to the PacsAdapter summaries. Matches without the UIDs their level requires are dropped (a peer
 * answering such a match is broken; the count is logged by the caller).
 */
export function toStudySummary(e: Elements): StudySummary | undefined {
  const studyInstanceUid = str(e.StudyInstanceUID);
  if (!studyInstanceUid) return undefined;
  return {
    studyInstanceUid,
    patientId: str(e.PatientID),
    patientName: str(e.PatientName),
    studyDate: str(e.StudyDate),
    studyDescription: str(e.StudyDescription),
    accessionNumber: str(e.AccessionNumber),
    modalities: strs(e.ModalitiesInStudy),
    numberOfSeries: num(e.NumberOfStudyRelatedSeries),
    numberOfInstances: num(e.NumberOfStudyRelatedInstances),
  };
}

export function toSeriesSummary(e: Elements, studyInstanceUid: string): SeriesSummary | undefined {
  const seriesInstanceUid = str(e.SeriesInstanceUID);
  if (!seriesInstanceUid) return undefined;
  return {
    studyInstanceUid: str(e.StudyInstanceUID) ?? studyInstanceUid,
    seriesInstanceUid,
    modality: str(e.Modality),
    seriesNumber: num(e.SeriesNumber),
    seriesDescription: str(e.SeriesDescription),
    numberOfInstances: num(e.NumberOfSeriesRelatedInstances),
  };
}

export function toInstanceRef(
  e: Elements,
  studyInstanceUid: string,
  seriesInstanceUid: string,
): InstanceRef | undefined {
  const sopInstanceUid = str(e.SOPInstanceUID);
  if (!sopInstanceUid) return undefined;
  return {
    studyInstanceUid: str(e.StudyInstanceUID) ?? studyInstanceUid,
    seriesInstanceUid: str(e.SeriesInstanceUID) ?? seriesInstanceUid,
    sopInstanceUid,
    sopClassUid: str(e.SOPClassUID),
    instanceNumber: num(e.InstanceNumber),
  };
}

/**
 * The facts of one instance. dcmjs decodes a zero-length FD as 0 (it cannot tell "empty" from 0.0), and a PACS
 * returns CTDIvol empty when the file has none, so a CTDIvol of exactly 0 is reported as absent.
 */
export function toSeriesFacts(e: Elements): SeriesFacts {
  const ctdi = num(e.CTDIvol);
  const imageType = strs(e.ImageType);
  return {
    modality: str(e.Modality),
    sopClassUid: str(e.SOPClassUID),
    seriesDescription: str(e.SeriesDescription),
    convolutionKernel: strs(e.ConvolutionKernel).join('\\') || undefined,
    ctdiVol: ctdi === undefined || ctdi === 0 ? undefined : ctdi,
    imageType: imageType.length > 0 ? imageType : undefined,
  };
}

/** Study order: StudyDate (absent last), then StudyInstanceUID. */
export function compareStudies(a: StudySummary, b: StudySummary): number {
  return cmp(a.studyDate, b.studyDate) || a.studyInstanceUid.localeCompare(b.studyInstanceUid);
}

/** Series order: SeriesNumber (absent last), then SeriesInstanceUID. */
export function compareSeries(a: SeriesSummary, b: SeriesSummary): number {
  return cmpNum(a.seriesNumber, b.seriesNumber) || a.seriesInstanceUid.localeCompare(b.seriesInstanceUid);
}

/** Instance order: InstanceNumber (absent last), then SOPInstanceUID. */
export function compareInstances(a: InstanceRef, b: InstanceRef): number {
  return cmpNum(a.instanceNumber, b.instanceNumber) || a.sopInstanceUid.localeCompare(b.sopInstanceUid);
}

function cmp(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

function cmpNum(a: number | undefined, b: number | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a - b;
}
