import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { createLogger } from '../../common/index.js';
import { encodeCtSlice, newUid, readNaturalDataset } from '../../pacs-adapters/index.js';
import { loadServerConfig, startServer, type RunningServer } from '../../server/index.js';

/** Every log line the server wrote (pino, debug level) while a suite ran. */
export class LogCapture {
  readonly lines: string[] = [];
  write(chunk: string): void {
    for (const l of chunk.split('\n')) if (l) this.lines.push(l);
  }
}

export interface Harness {
  readonly running: RunningServer;
  readonly app: Express;
  readonly url: string;
  readonly token: string;
  readonly dataDir: string;
  readonly logs: LogCapture;
  /** Log lines plus the audit log's lines. */
  allLogLines(): string[];
  close(): Promise<void>;
}

/** Starts the whole server (startServer) on loopback with its pino output captured; `env` adds GSDIFF_* settings. */
export async function startHarness(token: string, env: Record<string, string> = {}): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gsdiff-hardening-'));
  const logs = new LogCapture();
  const config = loadServerConfig(
    { data: dataDir, port: 0, demo: false, device: 'cpu' },
    { GSDIFF_TOKEN: token, ...env },
  );
  const running = await startServer(config, { logger: createLogger('debug', logs), version: 'hardening' });
  const app = running.server.listeners('request')[0] as unknown as Express;
  return {
    running,
    app,
    url: running.url,
    token,
    dataDir,
    logs,
    allLogLines: () => {
      const audit = join(dataDir, 'audit.log');
      return [...logs.lines, ...(existsSync(audit) ? readFileSync(audit, 'utf8').split('\n').filter(Boolean) : [])];
    },
    close: async () => {
      await running.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A synthetic patient whose identity is easy to find in a log line. */
export const SYNTHETIC_PATIENT = { name: 'HARDENING^PHI^PATIENT', id: 'PHI-ID-7731-HX' } as const;

/** A small synthetic CT series of that patient, in the store, ready for a job. */
export async function storeSyntheticSeries(
  running: RunningServer,
  slices = 6,
): Promise<{ study: string; series: string; sops: string[] }> {
  const study = newUid();
  const series = newUid();
  const ctx = {
    patientId: SYNTHETIC_PATIENT.id,
    patientName: SYNTHETIC_PATIENT.name,
    studyInstanceUid: study,
    studyId: 'H1',
    studyDescription: 'hardening',
    seriesInstanceUid: series,
    seriesNumber: 1,
    seriesDescription: 'low dose',
    frameOfReferenceUid: newUid(),
    provenance: 'SYNTHETIC',
    softwareVersion: 't',
    createdAt: new Date(),
  };
  const sops: string[] = [];
  for (let z = 0; z < slices; z++) {
    const sop = newUid();
    sops.push(sop);
    const hu = Float32Array.from({ length: 32 * 32 }, (_, j) => 40 + 50 * Math.sin(j / 9 + z));
    await running.store.storeInstance(
      encodeCtSlice(ctx, {
        sopInstanceUid: sop,
        instanceNumber: z + 1,
        rows: 32,
        columns: 32,
        hu,
        position: [0, 0, z * 2],
        pixelSpacing: [0.7, 0.7],
        sliceThickness: 2,
        acquisition: { ctdiVol: 2 },
      }),
      'test',
    );
  }
  return { study, series, sops };
}

/** Patient name, ID and birth date from the headers of real files (values shorter than 4 characters are skipped). */
export function phiOf(files: readonly string[]): string[] {
  const values = new Set<string>();
  for (const f of files) {
    const ds = readNaturalDataset(new Uint8Array(readFileSync(f)), f);
    for (const key of ['PatientName', 'PatientID', 'PatientBirthDate', 'OtherPatientIDs']) {
      const v = ds[key] as unknown;
      const texts = (Array.isArray(v) ? v : [v]).map((x) =>
        x && typeof x === 'object' && 'Alphabetic' in x
          ? String((x as { Alphabetic: unknown }).Alphabetic)
          : String(x ?? ''),
      );
      for (const t of texts) if (t.trim().length >= 4) values.add(t.trim());
    }
  }
  return [...values];
}

/** Lines that contain any of the values: as written, with ^ as a space (a rendered name), or URL-encoded. */
export function linesWithPhi(lines: readonly string[], phi: readonly string[]): string[] {
  const forms = (p: string): string[] => {
    const spaced = p.replace(/\^/g, ' ').trim();
    return [
      p,
      spaced,
      encodeURIComponent(p),
      encodeURIComponent(spaced),
      new URLSearchParams({ v: p }).toString().slice(2),
    ];
  };
  const needles = [...new Set(phi.flatMap(forms))].filter((n) => n.length >= 4);
  return lines.filter((l) => needles.some((n) => l.includes(n)));
}
