import { mkdirSync } from 'node:fs';
import type { Logger } from '../common/index.js';
import { DicomWebAdapter } from '../pacs-adapters/index.js';
import { QueueWorker } from './jobs/index.js';
import { sourceAdapters } from './sourceAdapters.js';
import type { WorkerConfig } from './config/index.js';

export interface RunningWorker {
  readonly worker: QueueWorker;
  /** Graceful: running jobs finish within the grace period, then are handed back. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Starts a queue worker: 'local' series are read through the server's DICOMweb (with its token), other sources
 * directly from their PACS (GSDIFF_SOURCES), so a worker needs no access to the server's disk.
 * @throws SRV_ERR_QUEUE_UNAVAILABLE naming the URL when Redis cannot be reached; SRV_ERR_CONFIG
 */
export async function startWorker(
  config: WorkerConfig,
  o: { logger: Logger; version: string },
): Promise<RunningWorker> {
  // The loader writes nothing; the scratch folder is made here, where it is needed.
  mkdirSync(config.dataDir, { recursive: true });
  const server = new DicomWebAdapter({
    baseUrl: `${config.serverUrl}/dicom-web`,
    auth: { kind: 'bearer', token: config.token },
    logger: o.logger,
  });
  const sources = sourceAdapters(config.sources, o.logger);
  const closeAdapters = async (): Promise<void> => {
    await Promise.all([server, ...sources.values()].map((s) => s.close().catch(() => undefined)));
  };
  let worker: QueueWorker;
  try {
    worker = await QueueWorker.start({
      queueUrl: config.queueUrl,
      server,
      sources,
      packDir: config.packDir,
      device: config.device,
      concurrency: config.concurrency,
      dataDir: config.dataDir,
      logger: o.logger,
      softwareVersion: o.version,
      ...(config.name ? { name: config.name } : {}),
      lockDurationMs: config.lockDurationMs,
      stalledIntervalMs: config.stalledIntervalMs,
      maxDeferrals: config.maxDeferrals,
    });
  } catch (e) {
    await closeAdapters();
    throw e;
  }
  return {
    worker,
    close: async (c = {}) => {
      await worker.close({ graceMs: c.graceMs ?? config.graceMs });
      await closeAdapters();
    },
  };
}
