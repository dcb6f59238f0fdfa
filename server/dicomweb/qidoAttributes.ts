import type { InstanceEntry, SeriesEntry, StudyEntry } from '../../pacs-adapters/index.js';

/** The level of a QIDO-RS query or attribute (PS3.18 10.6.1). */
export type QidoLevel = 'study' | 'series' | 'instance';

/** One result row: the entity of the query level and its parents, as indexed by the LocalStore. */
export interface QidoRow {
  readonly study: StudyEntry;
  readonly series?: SeriesEntry;
  readonly instance?: InstanceEntry;
}

/** How an attribute matches a query value (PS3.18 8.3.4.1, PS3.4 C.2.2.2). */
export type MatchKind = 'uid' | 'text' | 'date' | 'time' | 'number' | 'modalities';

export type RawValue = string | number;

/** An attribute QIDO-RS answers from the index (no file is read). */
export interface QidoAttribute {
  readonly keyword: string;
  readonly tag: string;
  readonly vr: string;
  readonly level: QidoLevel;
  /** How the attribute matches; absent when it is return-only. */
  readonly match?: MatchKind;
  /** Returned by default at its own level (PS3.18 Tables 10.6.3-3, -4, -5). */
  readonly required: boolean;
  /** Raw values of a row (PN as its DICOM string), or undefined when absent. */
  values(row: QidoRow, root: string): readonly RawValue[] | undefined;
}

const one = (v: RawValue | undefined): RawValue[] | undefined => (v === undefined || v === '' ? undefined : [v]);

const studyUrl = (root: string, r: QidoRow): string => `${root}/studies/${r.study.studyInstanceUid}`;
const seriesUrl = (root: string, r: QidoRow): string => `${studyUrl(root, r)}/series/${r.series?.seriesInstanceUid}`;

type Spec = Omit<QidoAttribute, 'level'>;

const study = (s: Spec): QidoAttribute => ({ ...s, level: 'study' });
const series = (s: Spec): QidoAttribute => ({ ...s, level: 'series' });
const instance = (s: Spec): QidoAttribute => ({ ...s, level: 'instance' });

/** Study level: PS3.18 Table 10.6.3-3, from the study index. */
export const STUDY_ATTRIBUTES: readonly QidoAttribute[] = [
  study({
    keyword: 'StudyDate',
    tag: '00080020',
    vr: 'DA',
    match: 'date',
    required: true,
    values: (r) => one(r.study.studyDate),
  }),
  study({
    keyword: 'StudyTime',
    tag: '00080030',
    vr: 'TM',
    match: 'time',
    required: true,
    values: (r) => one(r.study.studyTime),
  }),
  study({
    keyword: 'AccessionNumber',
    tag: '00080050',
    vr: 'SH',
    match: 'text',
    required: true,
    values: (r) => one(r.study.accessionNumber),
  }),
  study({ keyword: 'InstanceAvailability', tag: '00080056', vr: 'CS', required: true, values: () => ['ONLINE'] }),
  study({
    keyword: 'ModalitiesInStudy',
    tag: '00080061',
    vr: 'CS',
    match: 'modalities',
    required: true,
    values: (r) => (r.study.modalitiesInStudy.length === 0 ? undefined : r.study.modalitiesInStudy),
  }),
  study({
    keyword: 'ReferringPhysicianName',
    tag: '00080090',
    vr: 'PN',
    match: 'text',
    required: true,
    values: (r) => one(r.study.referringPhysicianName),
  }),
  study({
    keyword: 'StudyDescription',
    tag: '00081030',
    vr: 'LO',
    match: 'text',
    required: false,
    values: (r) => one(r.study.studyDescription),
  }),
  study({
    keyword: 'RetrieveURL',
    tag: '00081190',
    vr: 'UR',
    required: true,
    values: (r, root) => [studyUrl(root, r)],
  }),
  study({
    keyword: 'PatientName',
    tag: '00100010',
    vr: 'PN',
    match: 'text',
    required: true,
    values: (r) => one(r.study.patientName),
  }),
  study({
    keyword: 'PatientID',
    tag: '00100020',
    vr: 'LO',
    match: 'text',
    required: true,
    values: (r) => one(r.study.patientId),
  }),
  study({
    keyword: 'PatientBirthDate',
    tag: '00100030',
    vr: 'DA',
    match: 'date',
    required: true,
    values: (r) => one(r.study.patientBirthDate),
  }),
  study({
    keyword: 'PatientSex',
    tag: '00100040',
    vr: 'CS',
    match: 'text',
    required: true,
    values: (r) => one(r.study.patientSex),
  }),
  study({
    keyword: 'StudyInstanceUID',
    tag: '0020000D',
    vr: 'UI',
    match: 'uid',
    required: true,
    values: (r) => [r.study.studyInstanceUid],
  }),
  study({
    keyword: 'StudyID',
    tag: '00200010',
    vr: 'SH',
    match: 'text',
    required: true,
    values: (r) => one(r.study.studyId),
  }),
  study({
    keyword: 'NumberOfStudyRelatedSeries',
    tag: '00201206',
    vr: 'IS',
    required: true,
    values: (r) => [r.study.numberOfSeries],
  }),
  study({
    keyword: 'NumberOfStudyRelatedInstances',
    tag: '00201208',
    vr: 'IS',
    required: true,
    values: (r) => [r.study.numberOfInstances],
  }),
];

/** Series level: PS3.18 Table 10.6.3-4, from the series index. */
export const SERIES_ATTRIBUTES: readonly QidoAttribute[] = [
  series({
    keyword: 'Modality',
    tag: '00080060',
    vr: 'CS',
    match: 'text',
    required: true,
    values: (r) => one(r.series?.modality),
  }),
  series({
    keyword: 'SeriesDate',
    tag: '00080021',
    vr: 'DA',
    match: 'date',
    required: false,
    values: (r) => one(r.series?.seriesDate),
  }),
  series({
    keyword: 'SeriesTime',
    tag: '00080031',
    vr: 'TM',
    match: 'time',
    required: false,
    values: (r) => one(r.series?.seriesTime),
  }),
  series({
    keyword: 'SeriesDescription',
    tag: '0008103E',
    vr: 'LO',
    match: 'text',
    required: true,
    values: (r) => one(r.series?.seriesDescription),
  }),
  series({
    keyword: 'RetrieveURL',
    tag: '00081190',
    vr: 'UR',
    required: true,
    values: (r, root) => [seriesUrl(root, r)],
  }),
  series({
    keyword: 'BodyPartExamined',
    tag: '00180015',
    vr: 'CS',
    match: 'text',
    required: false,
    values: (r) => one(r.series?.bodyPartExamined),
  }),
  series({
    keyword: 'SeriesInstanceUID',
    tag: '0020000E',
    vr: 'UI',
    match: 'uid',
    required: true,
    values: (r) => one(r.series?.seriesInstanceUid),
  }),
  series({
    keyword: 'SeriesNumber',
    tag: '00200011',
    vr: 'IS',
    match: 'number',
    required: true,
    values: (r) => one(r.series?.seriesNumber),
  }),
  series({
    keyword: 'NumberOfSeriesRelatedInstances',
    tag: '00201209',
    vr: 'IS',
    required: true,
    values: (r) => one(r.series?.numberOfInstances),
  }),
];

/** Instance level: PS3.18 Table 10.6.3-5, from the instance index (BitsAllocated only through includefield). */
export const INSTANCE_ATTRIBUTES: readonly QidoAttribute[] = [
  instance({
    keyword: 'SOPClassUID',
    tag: '00080016',
    vr: 'UI',
    match: 'uid',
    required: true,
    values: (r) => one(r.instance?.sopClassUid),
  }),
  instance({
    keyword: 'SOPInstanceUID',
    tag: '00080018',
    vr: 'UI',
    match: 'uid',
    required: true,
    values: (r) => one(r.instance?.sopInstanceUid),
  }),
  instance({ keyword: 'InstanceAvailability', tag: '00080056', vr: 'CS', required: true, values: () => ['ONLINE'] }),
  instance({
    keyword: 'RetrieveURL',
    tag: '00081190',
    vr: 'UR',
    required: true,
    values: (r, root) => [`${seriesUrl(root, r)}/instances/${r.instance?.sopInstanceUid}`],
  }),
  instance({
    keyword: 'AvailableTransferSyntaxUID',
    tag: '00083002',
    vr: 'UI',
    required: false,
    values: (r) => one(r.instance?.transferSyntaxUid),
  }),
  instance({
    keyword: 'InstanceNumber',
    tag: '00200013',
    vr: 'IS',
    match: 'number',
    required: true,
    values: (r) => one(r.instance?.instanceNumber),
  }),
  instance({
    keyword: 'NumberOfFrames',
    tag: '00280008',
    vr: 'IS',
    match: 'number',
    required: true,
    values: (r) => one(r.instance?.numberOfFrames),
  }),
  instance({
    keyword: 'Rows',
    tag: '00280010',
    vr: 'US',
    match: 'number',
    required: true,
    values: (r) => one(r.instance?.rows),
  }),
  instance({
    keyword: 'Columns',
    tag: '00280011',
    vr: 'US',
    match: 'number',
    required: true,
    values: (r) => one(r.instance?.columns),
  }),
];

export const ATTRIBUTES_BY_LEVEL: Readonly<Record<QidoLevel, readonly QidoAttribute[]>> = {
  study: STUDY_ATTRIBUTES,
  series: SERIES_ATTRIBUTES,
  instance: INSTANCE_ATTRIBUTES,
};
