import { pino } from 'pino';
import type { Logger } from '../../common/index.js';
import { pacsError } from '../errors.js';
import type {
  InstanceRef,
  PacsAdapter,
  RetrievedInstance,
  SeriesFacts,
  SeriesQuery,
  SeriesSummary,
  StoreReport,
  StudyQuery,
  StudySummary,
} from '../pacs/PacsAdapter.js';
import type { DicomWebConfig, ResolvedDicomWebConfig } from './DicomWebConfig.js';
import type { HttpContext } from './HttpContext.js';
import { listInstances } from './listInstances.js';
import { qidoGet } from './qidoGet.js';
import { FACT_FIELDS, seriesParams, studyParams, uid } from './qidoQuery.js';
import { resolveConfig } from './resolveConfig.js';
import { retrieveSeries } from './retrieveSeries.js';
import { retrieveVideoInstance } from './retrieveVideoInstance.js';
import { storeInstances } from './storeInstances.js';
import { toSeriesFacts, toSeriesSummary, toStudySummary } from './toSummaries.js';

/**
 * A PACS reached over DICOMweb (PS3.18): QIDO-RS searches, WADO-RS streamed series retrieval, STOW-RS stores.
 * Idempotent GETs are retried with jittered exponential backoff; STOW-RS POSTs never are. Every failure is a
 * PacsError naming the URL (patient identifiers redacted) and what was expected. See README.md.
 * @example
 * const pacs = new DicomWebAdapter({
 *   baseUrl: 'http://127.0.0.1:8042/dicom-web',
 *   auth: { kind: 'basic', username: 'gsdiff', password },
 *   logger,
 * });
 * for await (const { sopInstanceUid, bytes } of pacs.retrieveSeries(study, series)) await stage.add(bytes);
 * const report = await pacs.storeInstances(derived);
 * await pacs.close();
 */
export class DicomWebAdapter implements PacsAdapter {
  readonly name: string;
  readonly config: ResolvedDicomWebConfig;
  private readonly ctx: HttpContext;
  private readonly closing = new AbortController();

  /**
   * @param config - base URL, auth, timeouts, retries, batch sizes, logger
   * @throws PACS_ERR_CONFIG when a setting is invalid
   */
  constructor(config: DicomWebConfig) {
    this.config = resolveConfig(config);
    this.name = `dicomweb ${this.config.baseUrl}`;
    const log: Logger = (config.logger ?? pino({ level: 'silent' })).child({ module: 'pacs-adapters/dicomweb' });
    this.ctx = { config: this.config, log, closed: this.closing.signal };
  }

  /**
   * QIDO-RS study search (GET {base}/studies) with PatientID, StudyDate, AccessionNumber, StudyInstanceUID,
   * ModalitiesInStudy matching, limit/offset, and includefield for the summary fields.
   * @throws PACS_ERR_BAD_ATTRIBUTE, and the errors of every QIDO-RS request (see README)
   */
  async searchStudies(query: StudyQuery = {}, signal?: AbortSignal): Promise<StudySummary[]> {
    const found = await qidoGet(this.ctx, '/studies', studyParams(query), signal);
    return found.map((ds, i) => toStudySummary(ds, `QIDO-RS studies result ${i}`));
  }

  /**
   * QIDO-RS series search within a study (GET {base}/studies/{study}/series).
   * @throws PACS_ERR_BAD_ATTRIBUTE, and the errors of every QIDO-RS request
   */
  async searchSeries(
    studyInstanceUid: string,
    query: SeriesQuery = {},
    signal?: AbortSignal,
  ): Promise<SeriesSummary[]> {
    const study = uid('studyInstanceUid', studyInstanceUid);
    const found = await qidoGet(this.ctx, `/studies/${study}/series`, seriesParams(query), signal);
    return found.map((ds, i) => toSeriesSummary(ds, study, `QIDO-RS series result ${i}`));
  }

  /**
   * Every instance of a series, paged by `qidoPageSize`, ordered by InstanceNumber (absent last), then UID.
   * An unknown series gives [] (QIDO-RS answers an empty match, not 404).
   * @throws PACS_ERR_BAD_ATTRIBUTE, and the errors of every QIDO-RS request
   */
  listInstances(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<InstanceRef[]> {
    return listInstances(this.ctx, studyInstanceUid, seriesInstanceUid, signal);
  }

  /**
   * Facts of a series read from the first instance the PACS lists, with ONE QIDO-RS instance-level request
   * (`limit=1` and includefield Modality, SOPClassUID, SeriesDescription, ConvolutionKernel, CTDIvol, ImageType):
   * cheaper than WADO-RS series metadata, which returns the full header of every instance.
   * @throws PACS_ERR_NOT_FOUND when the series has no instance, and the errors of every QIDO-RS request
   */
  async seriesFacts(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<SeriesFacts> {
    const study = uid('studyInstanceUid', studyInstanceUid);
    const series = uid('seriesInstanceUid', seriesInstanceUid);
    const params = new URLSearchParams({ limit: '1' });
    for (const f of FACT_FIELDS) params.append('includefield', f);
    const path = `/studies/${study}/series/${series}/instances`;
    const [first] = await qidoGet(this.ctx, path, params, signal);
    if (first === undefined) {
      throw pacsError(
        'PACS_ERR_NOT_FOUND',
        `GET ${this.config.baseUrl}${path}: expected at least one instance of series ${series}, got none`,
        { url: `${this.config.baseUrl}${path}`, series },
      );
    }
    return toSeriesFacts(first);
  }

  /**
   * WADO-RS series retrieve, streamed instance by instance (see retrieveSeries.ts for retries and memory).
   * @throws PACS_ERR_NOT_FOUND, PACS_ERR_AUTH, PACS_ERR_HTTP, PACS_ERR_BAD_RESPONSE, PACS_ERR_MULTIPART,
   *   PACS_ERR_UNREACHABLE, PACS_ERR_TIMEOUT, PACS_ERR_NOT_DICOM, PACS_ERR_PARSE, PACS_ERR_CLOSED
   */
  retrieveSeries(
    studyInstanceUid: string,
    seriesInstanceUid: string,
    signal?: AbortSignal,
  ): AsyncIterable<RetrievedInstance> {
    return retrieveSeries(this.ctx, studyInstanceUid, seriesInstanceUid, signal);
  }

  /**
   * One video instance fetched as video: DICOM JSON metadata plus the Pixel Data bitstream as video/* or
   * octet-stream bulk data, rebuilt as a Part 10 instance (see retrieveVideoInstance.ts). For servers that do not
   * serve the instance as application/dicom; otherwise `retrieveSeries` keeps the original bytes.
   * @throws PACS_ERR_BAD_RESPONSE, PACS_ERR_NOT_FOUND, PACS_ERR_AUTH, PACS_ERR_HTTP, PACS_ERR_MULTIPART,
   *   PACS_ERR_UNREACHABLE, PACS_ERR_TIMEOUT, PACS_ERR_CLOSED, PACS_ERR_WRITE
   */
  retrieveVideoInstance(
    studyInstanceUid: string,
    seriesInstanceUid: string,
    sopInstanceUid: string,
    signal?: AbortSignal,
  ): Promise<RetrievedInstance> {
    return retrieveVideoInstance(this.ctx, studyInstanceUid, seriesInstanceUid, sopInstanceUid, signal);
  }

  /**
   * STOW-RS store in bounded batches; resolves with a per-instance report, never retried (see storeInstances.ts).
   */
  storeInstances(
    instances: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    signal?: AbortSignal,
  ): Promise<StoreReport> {
    return storeInstances(this.ctx, instances, signal);
  }

  /** Aborts requests in flight (they fail with PACS_ERR_CLOSED) and refuses new ones. Idempotent. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(
      pacsError('PACS_ERR_CLOSED', `${this.name}: expected an open adapter, got one closed`, {
        url: this.config.baseUrl,
      }),
    );
  }
}
