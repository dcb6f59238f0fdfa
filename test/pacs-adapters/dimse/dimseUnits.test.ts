import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  DIMSE_LIBRARY_VERSION,
  DimseAdapter,
  SCP_TRANSFER_SYNTAXES,
  STORAGE_SOP_CLASSES,
  describeStatus,
  readPart10Meta,
  resolveDimseConfig,
  statusKind,
  wrapPart10,
} from '../../../pacs-adapters/dimse/index.js';
import { AsyncQueue } from '../../../pacs-adapters/dimse/AsyncQueue.js';
import { explicitToImplicit } from '../../../pacs-adapters/dimse/implicitVr.js';
import { backoffDelay } from '../../../pacs-adapters/net/backoff.js';
import { chooseTransferSyntax, compressedSyntaxesFor } from '../../../pacs-adapters/dimse/storageClasses.js';
import { storageRoleContexts } from '../../../pacs-adapters/dimse/cGetSeries.js';
import { studyIdentifier } from '../../../pacs-adapters/dimse/queries.js';
import { toSeriesFacts } from '../../../pacs-adapters/dimse/toSummaries.js';
import { parseInstance } from '../../../pacs-adapters/index.js';
import { sharedPath } from '../../helpers/sharedData.js';
import { attributes, headCtFiles, identitySeries } from './helpers.js';

const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const J2K = '1.2.840.10008.1.2.4.90';
const peer = { aet: 'ORTHANC', host: '127.0.0.1', port: 4242 };

describe('dimse building blocks', () => {
  it('uses the exact dcmjs-dimse version package.json pins (internals.ts depends on it)', () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies['dcmjs-dimse']).toBe(DIMSE_LIBRARY_VERSION);
  });

  it('Part 10 framing: a file re-framed from its own data set reads back the same', () => {
    for (const rel of ['ct-ge-head-human-tilted/01.dcm', 'ct-wg04-compressed/CT1_J2KR']) {
      const bytes = new Uint8Array(readFileSync(sharedPath(rel)));
      const meta = readPart10Meta(bytes, rel);
      const framed = wrapPart10(bytes.subarray(meta.datasetOffset), { ...meta, sourceAet: 'PEER' });
      const again = readPart10Meta(framed, 'framed');
      expect(again).toMatchObject({
        sopClassUid: meta.sopClassUid,
        sopInstanceUid: meta.sopInstanceUid,
        transferSyntaxUid: meta.transferSyntaxUid,
      });
      expect(
        Buffer.from(framed.subarray(again.datasetOffset)).equals(Buffer.from(bytes.subarray(meta.datasetOffset))),
      ).toBe(true);
      expect(parseInstance(framed, 'framed').header.sopInstanceUid).toBe(meta.sopInstanceUid);
    }
    expect(() => readPart10Meta(new Uint8Array(300), 'zeros')).toThrow(
      expect.objectContaining({ code: 'PACS_ERR_NOT_DICOM' }),
    );
  });

  it('Explicit to Implicit VR: same attributes (private ones and nested sequences too), no dictionary', async () => {
    const [derived] = (await identitySeries(headCtFiles().slice(0, 1))).instances;
    for (const bytes of [new Uint8Array(readFileSync(headCtFiles()[0])), derived]) {
      const meta = readPart10Meta(bytes, 'src');
      const implicit = explicitToImplicit(bytes.subarray(meta.datasetOffset), 'src');
      const framed = wrapPart10(implicit, { ...meta, transferSyntaxUid: IMPLICIT });
      expect(attributes(framed, 'implicit')).toEqual(attributes(bytes, 'explicit'));
    }
    const meta = readPart10Meta(derived, 'src');
    expect(() => explicitToImplicit(derived.subarray(meta.datasetOffset, meta.datasetOffset + 1000), 'cut')).toThrow(
      expect.objectContaining({ code: 'PACS_ERR_PARSE' }),
    );
  });

  it('classifies DIMSE statuses (PS3.7 C)', () => {
    expect(statusKind(0x0000)).toBe('success');
    expect(statusKind(0xff00)).toBe('pending');
    expect(statusKind(0xfe00)).toBe('cancel');
    expect(statusKind(0xb000)).toBe('warning');
    expect(statusKind(0x0001)).toBe('warning');
    expect(statusKind(0xa700)).toBe('failure');
    expect(statusKind(0xc123)).toBe('failure');
    expect(statusKind(0x0122)).toBe('failure');
    expect(describeStatus(0xa801)).toBe('0xA801 Refused: move destination unknown');
  });

  it('takes the MPEG-2, H.264 (incl. fragmentable) and HEVC syntaxes, and C-GET proposes them for video classes only', () => {
    const video = [
      '1.2.840.10008.1.2.4.100',
      '1.2.840.10008.1.2.4.100.1',
      '1.2.840.10008.1.2.4.101',
      '1.2.840.10008.1.2.4.101.1',
      '1.2.840.10008.1.2.4.102',
      '1.2.840.10008.1.2.4.102.1',
      '1.2.840.10008.1.2.4.103',
      '1.2.840.10008.1.2.4.103.1',
      '1.2.840.10008.1.2.4.104',
      '1.2.840.10008.1.2.4.104.1',
      '1.2.840.10008.1.2.4.105',
      '1.2.840.10008.1.2.4.105.1',
      '1.2.840.10008.1.2.4.106',
      '1.2.840.10008.1.2.4.106.1',
      '1.2.840.10008.1.2.4.107',
      '1.2.840.10008.1.2.4.108',
    ];
    for (const uid of video) expect(chooseTransferSyntax([uid], SCP_TRANSFER_SYNTAXES)).toBe(uid);
    const VIDEO_ENDOSCOPIC = '1.2.840.10008.5.1.4.1.1.77.1.1.1';
    const CT = '1.2.840.10008.5.1.4.1.1.2';
    expect(compressedSyntaxesFor(VIDEO_ENDOSCOPIC).sort()).toEqual([...video, '1.2.840.10008.1.2.4.50'].sort());
    expect(compressedSyntaxesFor(CT).filter((t) => video.includes(t))).toEqual([]);
    expect(compressedSyntaxesFor(CT)).toContain(J2K);
    const contexts = storageRoleContexts([CT, VIDEO_ENDOSCOPIC]);
    const forVideo = contexts.filter((c) => c.sopClassUid === VIDEO_ENDOSCOPIC).flatMap((c) => c.transferSyntaxes);
    expect(forVideo).toEqual(expect.arrayContaining([EXPLICIT, IMPLICIT, ...video]));
    expect(contexts.length).toBeLessThanOrEqual(120);
  });

  it('the SCP prefers Explicit VR LE, keeps a compressed syntax offered alone, takes Implicit last', () => {
    expect(chooseTransferSyntax([IMPLICIT, EXPLICIT], SCP_TRANSFER_SYNTAXES)).toBe(EXPLICIT);
    expect(chooseTransferSyntax([J2K], SCP_TRANSFER_SYNTAXES)).toBe(J2K);
    expect(chooseTransferSyntax([IMPLICIT], SCP_TRANSFER_SYNTAXES)).toBe(IMPLICIT);
    expect(chooseTransferSyntax(['1.2.840.10008.1.2.4.110'], SCP_TRANSFER_SYNTAXES)).toBeUndefined(); // JPEG XL
    for (const uid of [
      '1.2.840.10008.5.1.4.1.1.2', // CT
      '1.2.840.10008.5.1.4.1.1.2.1', // Enhanced CT
      '1.2.840.10008.5.1.4.1.1.4', // MR
      '1.2.840.10008.5.1.4.1.1.7', // SC
      '1.2.840.10008.5.1.4.1.1.77.1.1', // VL Endoscopic
      '1.2.840.10008.5.1.4.1.1.77.1.1.1', // Video Endoscopic
    ]) {
      expect(STORAGE_SOP_CLASSES).toContain(uid);
    }
  });

  it('validates the configuration once, naming the field', () => {
    const ok = resolveDimseConfig({ callingAet: ' GSDIFF ', peer });
    expect(ok).toMatchObject({ callingAet: 'GSDIFF', retrieve: { mode: 'get' }, maxPduLength: 262_144 });
    expect(Object.isFrozen(ok)).toBe(true);
    const bad = (c: object, field: string) =>
      expect(() => resolveDimseConfig({ callingAet: 'GSDIFF', peer, ...c })).toThrow(
        expect.objectContaining({ code: 'PACS_ERR_CONFIG', details: { field } }),
      );
    bad({ callingAet: 'A\\B' }, 'callingAet');
    bad({ callingAet: 'X'.repeat(17) }, 'callingAet');
    bad({ peer: { ...peer, port: 70000 } }, 'peer.port');
    bad({ peer: { ...peer, host: '' } }, 'peer.host');
    bad({ maxPduLength: 100 }, 'maxPduLength');
    bad({ retrieve: { mode: 'move', destinationAet: 'GSDIFF', port: 0 } }, 'retrieve.port');
    bad({ retries: { attempts: 0 } }, 'retries.attempts');
    expect(new DimseAdapter({ callingAet: 'GSDIFF', peer }).name).toBe('dimse ORTHANC@127.0.0.1:4242');
  });

  it('builds identifiers that return empty keys and refuse list or malformed values', () => {
    expect(studyIdentifier({ modality: 'CT', studyDate: '20240101-' })).toMatchObject({
      QueryRetrieveLevel: 'STUDY',
      ModalitiesInStudy: 'CT',
      StudyDate: '20240101-',
      PatientName: null,
    });
    for (const q of [{ studyInstanceUid: '1.2.x' }, { studyDate: '2024' }, { patientId: 'a\\b' }, { modality: 'ct' }]) {
      expect(() => studyIdentifier(q)).toThrow(expect.objectContaining({ code: 'PACS_ERR_BAD_ATTRIBUTE' }));
    }
  });

  it('reads facts; a CTDIvol of 0 (how dcmjs decodes an empty FD) is absent', () => {
    expect(
      toSeriesFacts({
        Modality: 'CT',
        CTDIvol: 0,
        ImageType: ['ORIGINAL', 'PRIMARY'],
        ConvolutionKernel: ['B30f', 'Q'],
      }),
    ).toEqual({
      modality: 'CT',
      sopClassUid: undefined,
      seriesDescription: undefined,
      convolutionKernel: 'B30f\\Q',
      ctdiVol: undefined,
      imageType: ['ORIGINAL', 'PRIMARY'],
    });
    expect(toSeriesFacts({ CTDIvol: 12.5, ImageType: 'DERIVED\\SECONDARY' })).toMatchObject({
      ctdiVol: 12.5,
      imageType: ['DERIVED', 'SECONDARY'],
    });
  });

  it('AsyncQueue: push waits for room; buffered items come before the failure', async () => {
    const q = new AsyncQueue<number>(1);
    await q.push(1);
    let second = false;
    const p = q.push(2).then(() => (second = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBe(false);
    const it = q[Symbol.asyncIterator]();
    expect((await it.next()).value).toBe(1);
    await p;
    expect(second).toBe(true);
    q.fail(new Error('boom'));
    expect((await it.next()).value).toBe(2);
    await expect(it.next()).rejects.toThrow('boom');
  });

  it('backoff doubles, caps and jitters', () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 300 };
    expect([1, 2, 3].map((r) => backoffDelay(r, policy, 0))).toEqual([50, 100, 150]);
    expect(backoffDelay(3, policy, 0.999)).toBeLessThanOrEqual(300);
  });
});
