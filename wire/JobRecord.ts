/**
 * The job record and its vocabulary, as the server stores it (`jobs.sqlite`), returns it (`/api/jobs`) and streams it
 * (`/ws/jobs/{id}`), and as the viewer reads it. One definition: server/jobs and the viewer import it from here.
 */

/** denoise / deblur condition on the pack's noise / blur label; auto recognises the degradation. */
export type JobTask = 'denoise' | 'deblur' | 'auto';

/**
 * Restoration strength as vendor denoisers offer it: the blend of each restored frame with its input (models/README.md
 * "Strength"; the weights and the default are the runtime's, `models/pipeline/Strength.ts`).
 */
export type Strength = 'low' | 'medium' | 'high';

/** Where inference runs: a device, or `auto` (the runtime tries the most capable first, models/runtime/devices.ts). */
export type DeviceRequest = 'cpu' | 'webgpu' | 'cuda' | 'auto';

/** The derived series as H.264 or HEVC video (RGB series), for archives that expect video; absent: lossless. */
export type VideoOutput = 'h264' | 'hevc';

/** What to restore and how: the body of `POST /api/jobs` as validated by the server, kept in the record. */
export interface JobSpec {
  /** A key of the service's `sources` ('local' is the embedded store). */
  readonly sourceId: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly task: JobTask;
  /** A pack folder beside the default pack (`dirname(packDir)/<pack>`); default: the default pack. */
  readonly pack?: string;
  /** DDIM steps (1..1000); default: the service's `defaultSteps`, else the pack's. */
  readonly steps?: number;
  /**
   * Restoration strength, every pack class: each restored frame blended with its input (models/README.md
   * "Strength"). Always set in a stored record (submit fills in DEFAULT_STRENGTH, medium); absent only in records
   * written before strength existed.
   */
  readonly strength?: Strength;
  /** Device for this job; default: the service's device. */
  readonly device?: DeviceRequest;
  /** RGB series: derived instances as this video (LossyImageCompression recorded); absent: lossless. */
  readonly video?: VideoOutput;
  /** Store the derived series back into the source PACS when done (ignored for 'local'). */
  readonly pushBack?: boolean;
}

/**
 * The JSON body of `POST /api/jobs` (what a client sends; the server checks every field and answers 400
 * `SRV_ERR_BAD_REQUEST` naming the field). Absent fields take the server's defaults (task auto, strength medium,
 * source 'local', pushBack: the source's setting).
 */
export interface JobSubmission {
  readonly source?: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly task?: JobTask;
  readonly strength?: Strength;
  readonly pack?: string;
  readonly steps?: number;
  readonly device?: DeviceRequest;
  readonly video?: VideoOutput;
  readonly pushBack?: boolean;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const JOB_STATES: readonly JobState[] = Object.freeze(['queued', 'running', 'done', 'failed', 'cancelled']);

/** The states a job ends in: the last record of a stream (and its close reason) is one of them. */
export type JobEnd = Extract<JobState, 'done' | 'failed' | 'cancelled'>;
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set<JobState>(['done', 'failed', 'cancelled']);

/** True for done, failed and cancelled. */
export function isJobEnd(state: unknown): state is JobEnd {
  return state === 'done' || state === 'failed' || state === 'cancelled';
}

/** The stage a running job is in (numbered in server/jobs/runJob.ts). */
export type JobStage = 'pull' | 'restore' | 'publish' | 'pushBack';

/** Milliseconds per stage; `restore` holds restoreSeries' own breakdown (recognition, unet, vae, …, total). */
export interface JobTimings {
  readonly pull?: number;
  readonly restore?: Readonly<Record<string, number>>;
  readonly publish?: number;
  readonly pushBack?: number;
}

/** Outcome of the push-back stage. It never undoes the local result. */
export interface PushBackReport {
  readonly state: 'done' | 'partial' | 'failed' | 'skipped';
  readonly stored: number;
  readonly failed: number;
  readonly warnings: number;
  /** First failure, or why the stage was skipped. */
  readonly message?: string;
}

/** Why a job did not finish: a registry code (SRV_ERR_*, PACS_ERR_*, MODEL_ERR_*) and its message. */
export interface JobError {
  readonly code: string;
  readonly message: string;
}

/** What started a job automatically (the watcher); absent for jobs submitted through the API. */
export interface JobTrigger {
  readonly rule: string;
  /** Instances of the source series when it was handed over. */
  readonly instances: number;
}

/** One job as stored in `jobs.sqlite` and returned by the API (times are ISO 8601). */
export interface JobRecord {
  readonly id: string;
  readonly spec: JobSpec;
  /** Who submitted it (the audit actor, or `watch:<rule>`). */
  readonly actor: string;
  readonly state: JobState;
  /** Set while running. */
  readonly stage?: JobStage;
  /** Restored frames so far / frames in the series (0/0 until the series is assembled). */
  readonly progress: { readonly done: number; readonly total: number };
  readonly timings: JobTimings;
  /** The degradation text the restoration conditioned on. */
  readonly degradation?: string;
  /** The derived series' UID, known before it is written; the series exists once `publishedAt` is set. */
  readonly derivedSeriesInstanceUid?: string;
  readonly publishedAt?: string;
  readonly pushBack?: PushBackReport;
  readonly error?: JobError;
  /** Runs started (a restart after a crash starts another). */
  readonly attempts: number;
  /** Noise seed: the same for every attempt, so a re-run restores the same pixels. */
  readonly seed: number;
  readonly trigger?: JobTrigger;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
}

/** A page of jobs, newest first (`GET /api/jobs`). */
export interface JobList {
  readonly jobs: readonly JobRecord[];
  readonly total: number;
}
