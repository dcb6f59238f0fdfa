import type { Logger } from '../common/index.js';
import { DicomWebAdapter, DimseAdapter, type PacsAdapter } from '../pacs-adapters/index.js';
import type { PacsSourceConfig } from './config/index.js';

/** One adapter per configured PACS source (the server's and its queue workers' GSDIFF_SOURCES). */
export function sourceAdapters(configs: readonly PacsSourceConfig[], log: Logger): Map<string, PacsAdapter> {
  const out = new Map<string, PacsAdapter>();
  for (const s of configs) {
    out.set(
      s.id,
      s.kind === 'dicomweb'
        ? new DicomWebAdapter({ baseUrl: s.baseUrl, auth: s.auth ?? { kind: 'none' }, logger: log })
        : new DimseAdapter({ callingAet: s.callingAet, peer: s.peer, logger: log }),
    );
  }
  return out;
}
