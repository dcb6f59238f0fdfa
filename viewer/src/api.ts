import type {
  DicomJsonDataset,
  JobList,
  JobRecord,
  JobSubmission,
  SeriesSummary,
  ServerStatus,
  StudySummary,
} from '../../wire/index.js';
import { ViewerError } from './errors.js';

/**
 * The server's HTTP API and DICOMweb, same origin, with the token as `Authorization: Bearer`. Failures become a
 * ViewerError with the server's error code (`SRV_ERR_*`) when the answer is one of its JSON errors.
 */
export class ApiClient {
  constructor(
    private readonly token: () => string | undefined,
    readonly origin: string,
  ) {}

  /** The DICOMweb root the wadors image ids point at. */
  get dicomWebRoot(): string {
    return `${this.origin}/dicom-web`;
  }

  /** Headers for any authenticated request (also used by the image loader). */
  authorization(): Record<string, string> {
    const token = this.token();
    if (!token) throw new ViewerError('VIEWER_ERR_NO_TOKEN', 'authorization: expected an access token, got none');
    return { Authorization: `Bearer ${token}` };
  }

  /** The server's state: the demo study's generation (`GET /api/status`). */
  status(): Promise<ServerStatus> {
    return this.json('/api/status');
  }

  studies(source = 'local'): Promise<StudySummary[]> {
    return this.json(`/api/sources/${encodeURIComponent(source)}/studies`);
  }

  series(studyInstanceUid: string, source = 'local'): Promise<SeriesSummary[]> {
    return this.json(
      `/api/sources/${encodeURIComponent(source)}/studies/${encodeURIComponent(studyInstanceUid)}/series`,
    );
  }

  submitJob(job: JobSubmission): Promise<JobRecord> {
    return this.json('/api/jobs', { method: 'POST', body: JSON.stringify(job) });
  }

  jobs(limit = 20): Promise<JobList> {
    return this.json(`/api/jobs?limit=${limit}`);
  }

  /** Cancels a queued or running job (`DELETE /api/jobs/{id}`); resolves with its record. */
  cancelJob(id: string): Promise<JobRecord> {
    return this.json(`/api/jobs/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  job(id: string): Promise<JobRecord> {
    return this.json(`/api/jobs/${encodeURIComponent(id)}`);
  }

  /** WADO-RS series metadata: one DICOM JSON data set per instance. */
  seriesMetadata(studyInstanceUid: string, seriesInstanceUid: string): Promise<DicomJsonDataset[]> {
    return this.json(
      `/dicom-web/studies/${encodeURIComponent(studyInstanceUid)}/series/${encodeURIComponent(seriesInstanceUid)}/metadata`,
      { headers: { accept: 'application/dicom+json' } },
    );
  }

  /** The job websocket URL (browsers cannot set headers on websockets: the token goes in the query). */
  jobStreamUrl(jobId: string, from: number): string {
    const token = this.authorization().Authorization.slice('Bearer '.length);
    const base = this.origin.replace(/^http/, 'ws');
    return `${base}/ws/jobs/${encodeURIComponent(jobId)}?from=${from}&token=${encodeURIComponent(token)}`;
  }

  private async json<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string> | undefined),
      ...this.authorization(),
    };
    let res: Response;
    try {
      res = await fetch(`${this.origin}${path}`, { ...init, headers });
    } catch (e) {
      throw new ViewerError(
        'VIEWER_ERR_HTTP',
        `${init.method ?? 'GET'} ${path}: the server did not answer`,
        {},
        {
          cause: e,
        },
      );
    }
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as { code?: string; message?: string } | undefined;
      throw new ViewerError(
        body?.code ?? 'VIEWER_ERR_HTTP',
        `${init.method ?? 'GET'} ${path}: ${body?.message ?? `HTTP ${res.status}`}`,
        { status: res.status },
      );
    }
    return (await res.json()) as T;
  }
}
