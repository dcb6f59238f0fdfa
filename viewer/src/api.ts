import { ViewerError } from './errors.js';
import type { DicomJsonDataset } from './dicomJson.js';
import type { SeriesSummary, StudySummary } from '../../pacs-adapters/pacs/PacsAdapter.js';
import type { Strength } from '../../models/pipeline/Strength.js';

/** As `GET /api/sources/{id}/studies` and `…/series` list them: the adapters' summaries, one definition. */
export type { SeriesSummary, StudySummary };
/** The job's restoration strength: the runtime's own type (a file with no imports, so nothing else is pulled in). */
export type { Strength };

export type JobTask = 'denoise' | 'deblur' | 'auto';
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** The part of server/jobs' JobRecord the viewer reads. */
export interface JobRecord {
  readonly id: string;
  readonly spec: {
    readonly sourceId: string;
    readonly studyInstanceUid: string;
    readonly seriesInstanceUid: string;
    readonly task: JobTask;
    readonly steps?: number;
    /** Always set by the server for new jobs (default medium); absent in records from before strength existed. */
    readonly strength?: Strength;
  };
  readonly state: JobState;
  readonly stage?: string;
  readonly progress: { readonly done: number; readonly total: number };
  readonly degradation?: string;
  readonly derivedSeriesInstanceUid?: string;
  readonly publishedAt?: string;
  readonly error?: { readonly code: string; readonly message: string };
  readonly createdAt: string;
}

export interface JobList {
  readonly jobs: readonly JobRecord[];
  readonly total: number;
}

export interface JobSubmission {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly task: JobTask;
  readonly steps?: number;
  /** Absent: the server's default (medium). */
  readonly strength?: Strength;
}

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
