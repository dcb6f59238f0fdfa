import type { DeviceRequest } from '../../models/index.js';
import type { SeriesRule } from '../../pacs-adapters/index.js';

/** A PACS the server pulls from and, if asked, pushes results back to. */
export type PacsSourceConfig =
  | {
      readonly id: string;
      readonly kind: 'dicomweb';
      readonly baseUrl: string;
      readonly auth?: { kind: 'basic'; username: string; password: string } | { kind: 'bearer'; token: string };
      readonly pushBack?: boolean;
    }
  | {
      readonly id: string;
      readonly kind: 'dimse';
      readonly callingAet: string;
      readonly peer: { aet: string; host: string; port: number };
      readonly pushBack?: boolean;
    };

/** Validated, frozen configuration of `gsdiff serve` (loadServerConfig builds it from SETTINGS). */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** Holds the local store (`store/`), the job database (`jobs.sqlite`), job scratch files and the audit log. */
  readonly dataDir: string;
  /** The access token every route but /healthz requires. */
  readonly token: string;
  /** Epoch ms after which the token is refused (401, audited); undefined = it does not expire. */
  readonly tokenExpiresAt?: number;
  /** True when the token was generated on this start (then it is printed once). */
  readonly tokenGenerated: boolean;
  readonly corsOrigins: readonly string[];
  /** Largest accepted request body (STOW-RS, JSON), bytes. */
  readonly maxBodyBytes: number;
  readonly packDir: string;
  readonly device: DeviceRequest;
  /** Parallel CPU jobs; GPU jobs always run one at a time. */
  readonly cpuConcurrency: number;
  readonly sources: readonly PacsSourceConfig[];
  /**
   * The Redis job queue (`redis://…`, from --queue / GSDIFF_QUEUE). Set: jobs run in `gsdiff worker` processes and
   * this server only relays and publishes (`device` and `cpuConcurrency` are then the workers' business). Unset: the
   * embedded SQLite queue runs jobs in this process.
   */
  readonly queueUrl?: string;
  readonly watch?: {
    readonly sourceId: string;
    readonly rules: readonly SeriesRule[];
    readonly stableAfterMs: number;
    readonly pollIntervalMs: number;
  };
  /** Generate demo data into the store when it is empty. */
  readonly demoWhenEmpty: boolean;
  /** Serve the built viewer from this folder when it exists. */
  readonly viewerDir?: string;
}
