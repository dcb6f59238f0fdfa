import { pacsError } from '../errors.js';
import type { InstanceRef, SeriesFacts, SeriesSummary, StudySummary } from '../pacs/PacsAdapter.js';
import { num, personName, str, strs, type DicomJsonDataset } from './dicomJson.js';
import { TAG } from './tags.js';

/**
 * A QIDO-RS study result as a StudySummary.
 * @throws PACS_ERR_BAD_RESPONSE when StudyInstanceUID (0020,000D) is absent
 */
export function toStudySummary(ds: DicomJsonDataset, where: string): StudySummary {
  return {
    studyInstanceUid: required(ds, TAG.StudyInstanceUID, 'StudyInstanceUID', where),
    patientId: str(ds, TAG.PatientID),
    patientName: personName(ds, TAG.PatientName),
    studyDate: str(ds, TAG.StudyDate),
    studyDescription: str(ds, TAG.StudyDescription),
    accessionNumber: str(ds, TAG.AccessionNumber),
    modalities: strs(ds, TAG.ModalitiesInStudy),
    numberOfSeries: num(ds, TAG.NumberOfStudyRelatedSeries),
    numberOfInstances: num(ds, TAG.NumberOfStudyRelatedInstances),
  };
}

/**
 * A QIDO-RS series result as a SeriesSummary. Some servers omit StudyInstanceUID at series level; the study
 * searched is used then.
 * @throws PACS_ERR_BAD_RESPONSE when SeriesInstanceUID (0020,000E) is absent
 */
export function toSeriesSummary(ds: DicomJsonDataset, studyInstanceUid: string, where: string): SeriesSummary {
  return {
    studyInstanceUid: str(ds, TAG.StudyInstanceUID) ?? studyInstanceUid,
    seriesInstanceUid: required(ds, TAG.SeriesInstanceUID, 'SeriesInstanceUID', where),
    modality: str(ds, TAG.Modality),
    seriesNumber: num(ds, TAG.SeriesNumber),
    seriesDescription: str(ds, TAG.SeriesDescription),
    numberOfInstances: num(ds, TAG.NumberOfSeriesRelatedInstances),
  };
}

/**
 * A QIDO-RS instance result as an InstanceRef.
 * @throws PACS_ERR_BAD_RESPONSE when SOPInstanceUID (0008,0018) is absent
 */
export function toInstanceRef(ds: DicomJsonDataset, study: string, series: string, where: string): InstanceRef {
  return {
    studyInstanceUid: str(ds, TAG.StudyInstanceUID) ?? study,
    seriesInstanceUid: str(ds, TAG.SeriesInstanceUID) ?? series,
    sopInstanceUid: required(ds, TAG.SOPInstanceUID, 'SOPInstanceUID', where),
    sopClassUid: str(ds, TAG.SOPClassUID),
    instanceNumber: num(ds, TAG.InstanceNumber),
  };
}

/** The facts of a series read from one of its instances (QIDO-RS instance level with includefield). */
export function toSeriesFacts(ds: DicomJsonDataset): SeriesFacts {
  const imageType = strs(ds, TAG.ImageType);
  return {
    modality: str(ds, TAG.Modality),
    sopClassUid: str(ds, TAG.SOPClassUID),
    seriesDescription: str(ds, TAG.SeriesDescription),
    convolutionKernel: strs(ds, TAG.ConvolutionKernel).join('\\') || undefined,
    ctdiVol: num(ds, TAG.CTDIvol),
    imageType: imageType.length > 0 ? imageType : undefined,
  };
}

function required(ds: DicomJsonDataset, tag: string, keyword: string, where: string): string {
  const v = str(ds, tag);
  if (v !== undefined) return v;
  throw pacsError(
    'PACS_ERR_BAD_RESPONSE',
    `${where}: ${keyword} (${tag.slice(0, 4)},${tag.slice(4)}) missing: expected a UID in every result`,
    { url: where, tag },
  );
}
