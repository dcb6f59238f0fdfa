/** The BullMQ queue every server and worker of one deployment share (one Redis database per deployment). */
export const QUEUE_NAME = 'gsdiff-restore';
/** Key prefix of everything this module writes besides BullMQ's own keys. */
const P = 'gsdiff';

/** Redis keys and channels of the queue backend, in one place. */
export const KEYS = Object.freeze({
  /** The stream workers write job output into and the server relays from (see outEntries.ts). */
  out: `${P}:out`,
  /** The id (`<ms>-<seq>`) up to which the server has relayed `out`; workers compare it with theirs (backpressure). */
  relayCursor: `${P}:relay-cursor`,
  /** Held (SET NX PX, renewed) by the one server that relays and publishes. */
  serverLock: `${P}:server`,
  /** Pub/sub channel: job ids whose run must stop (cancel). */
  cancelChannel: `${P}:cancel`,
  /** Set while a job is cancelled: a worker that picks it up later refuses it. */
  cancelled: (jobId: string) => `${P}:cancelled:${jobId}`,
  /** Set by the server once the job's derived series is committed: a later attempt ends at once. */
  published: (jobId: string) => `${P}:published:${jobId}`,
  /** SeriesNumbers reserved by running jobs of a study (workers of several machines pick distinct numbers). */
  seriesNumbers: (studyUid: string) => `${P}:series-numbers:${studyUid}`,
});

/** How long markers (cancelled, published, reserved numbers) live: long past any retry of their job. */
export const MARKER_TTL_S = 7 * 24 * 3600;
