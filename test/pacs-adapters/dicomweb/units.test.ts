import { parseMultipart } from '@remix-run/multipart-parser';
import { PacsError } from '../../../pacs-adapters/index.js';
import { backoffDelay } from '../../../pacs-adapters/net/backoff.js';
import { describeStatus, statusHex } from '../../../pacs-adapters/dicomweb/dicomStatus.js';
import { asDatasetArray, type DicomJsonDataset } from '../../../pacs-adapters/dicomweb/dicomJson.js';
import { DicomWebAdapter, redactUrl } from '../../../pacs-adapters/dicomweb/index.js';
import { multipartBody } from '../../../pacs-adapters/dicomweb/multipartBody.js';
import { studyParams } from '../../../pacs-adapters/dicomweb/qidoQuery.js';
import { stowOutcome } from '../../../pacs-adapters/dicomweb/stowOutcome.js';
import { toSeriesFacts, toStudySummary } from '../../../pacs-adapters/dicomweb/toSummaries.js';

describe('DicomWebAdapter config', () => {
  it.each([
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ baseUrl: 'ftp://pacs/dicom-web' }, 'baseUrl'],
    [{ baseUrl: 'http://user:pw@pacs/dicom-web' }, 'baseUrl'],
    [{ baseUrl: 'http://pacs', timeoutMs: 0 }, 'timeoutMs'],
    [{ baseUrl: 'http://pacs', retries: { attempts: 0 } }, 'retries.attempts'],
    [{ baseUrl: 'http://pacs', retries: { baseDelayMs: 500, maxDelayMs: 100 } }, 'retries.maxDelayMs'],
    [{ baseUrl: 'http://pacs', auth: { kind: 'bearer' as const, token: 'secret tok' } }, 'auth.token'],
    [{ baseUrl: 'http://pacs', auth: { kind: 'basic' as const, username: 'a:b', password: 'x' } }, 'auth.username'],
  ])('refuses %j naming %s', (config, field) => {
    let err: unknown;
    try {
      new DicomWebAdapter(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PacsError);
    expect(err).toMatchObject({ code: 'PACS_ERR_CONFIG', details: { field } });
    expect((err as Error).message).not.toContain('secret');
  });

  it('freezes defaults and strips the trailing slash', () => {
    const a = new DicomWebAdapter({ baseUrl: 'http://127.0.0.1:8042/dicom-web/' });
    expect(a.name).toBe('dicomweb http://127.0.0.1:8042/dicom-web');
    expect(a.config).toMatchObject({ timeoutMs: 30_000, retries: { attempts: 3 }, storeBatchSize: 16 });
    expect(Object.isFrozen(a.config)).toBe(true);
  });
});

describe('backoffDelay', () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
  it('doubles per retry, caps, and jitters within [half, full] of the nominal delay', () => {
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, policy, 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((r) => backoffDelay(r, policy, 0.999999))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe('redactUrl and query building', () => {
  it('replaces patient identifiers in keyword or tag form', () => {
    const shown = redactUrl('http://u:p@pacs/dicom-web/studies?PatientID=123&00100010=DOE&StudyDate=2024&limit=1');
    expect(shown).not.toContain('123');
    expect(shown).not.toContain('DOE');
    expect(shown).not.toContain('u:p@');
    expect(shown).toContain('StudyDate=2024');
  });
  it('asks for the summary fields and refuses impossible matches', () => {
    const p = studyParams({ patientId: 'X*', studyDate: '20240101-', limit: 5, offset: 0 });
    expect(p.getAll('includefield')).toEqual(['00081030', '00080061', '00201206', '00201208']);
    expect(p.get('StudyDate')).toBe('20240101-');
    expect(() => studyParams({ limit: 0 })).toThrow(expect.objectContaining({ code: 'PACS_ERR_BAD_ATTRIBUTE' }));
    expect(() => studyParams({ studyInstanceUid: '1.2/../3' })).toThrow(
      expect.objectContaining({ code: 'PACS_ERR_BAD_ATTRIBUTE' }),
    );
  });
});

describe('DICOM JSON (PS3.18 F.2)', () => {
  it('reads PN objects, IS/DS as numbers or strings, multi-valued CS', () => {
    const [ds] = asDatasetArray(
      [
        {
          '0020000D': { vr: 'UI', Value: ['1.2.3'] },
          '00100010': { vr: 'PN', Value: [{ Ideographic: '山田', Alphabetic: 'Yamada^Tarou' }] },
          '00080061': { vr: 'CS', Value: ['CT', 'PT'] },
          '00201206': { vr: 'IS', Value: ['3'] },
          '00201208': { vr: 'IS', Value: [120] },
          '00080020': { vr: 'DA' },
        },
      ],
      'test',
    );
    expect(toStudySummary(ds, 'test')).toEqual({
      studyInstanceUid: '1.2.3',
      patientId: undefined,
      patientName: 'Yamada^Tarou',
      studyDate: undefined,
      studyDescription: undefined,
      accessionNumber: undefined,
      modalities: ['CT', 'PT'],
      numberOfSeries: 3,
      numberOfInstances: 120,
    });
    const facts = toSeriesFacts({
      '00189345': { vr: 'FD', Value: [12.5] },
      '00181210': { vr: 'SH', Value: ['B30f', 'SOFT'] },
    });
    expect(facts).toMatchObject({ ctdiVol: 12.5, convolutionKernel: 'B30f\\SOFT', imageType: undefined });
  });
  it('refuses what is not DICOM JSON', () => {
    expect(() => asDatasetArray({}, 'u')).toThrow(expect.objectContaining({ code: 'PACS_ERR_BAD_RESPONSE' }));
    expect(() => asDatasetArray([{ PatientID: 'x' }], 'u')).toThrow(
      expect.objectContaining({ code: 'PACS_ERR_BAD_RESPONSE' }),
    );
  });
});

describe('STOW-RS', () => {
  it('writes a multipart/related body the parser reads back part for part', () => {
    const parts = [new Uint8Array([1, 2, 3, 13, 10, 45, 45]), new Uint8Array(0), new Uint8Array(5000).fill(7)];
    const { body, contentType } = multipartBody(parts);
    expect(contentType).toMatch(/^multipart\/related; type="application\/dicom"; boundary=gsdiff-[0-9a-f]{48}$/);
    const boundary = contentType.split('boundary=')[1];
    const back = [...parseMultipart(body, { boundary })];
    expect(back.map((p) => Buffer.from(p.bytes))).toEqual(parts.map((p) => Buffer.from(p)));
    expect(back.every((p) => p.headers['content-type'] === 'application/dicom')).toBe(true);
  });

  it('reads status values as numbers or strings', () => {
    expect([statusHex(49152), statusHex('C000'), statusHex('0xA700'), statusHex('272'), statusHex(-1)]).toEqual([
      'C000',
      'C000',
      'A700',
      '0110',
      undefined,
    ]);
    expect(describeStatus('C0FF')).toBe('status C0FF (Cannot understand)');
  });

  const seq = (tag: string, rows: [string, string?, number?][]): DicomJsonDataset => ({
    [tag]: {
      vr: 'SQ',
      Value: rows.map(([sop, reasonTag, reason]) => ({
        '00081155': { vr: 'UI', Value: [sop] },
        ...(reasonTag ? { [reasonTag]: { vr: 'US', Value: [reason] } } : {}),
      })),
    },
  });

  it('accounts for every sent instance exactly once', () => {
    const body = {
      ...seq('00081199', [['1'], ['2', '00081196', 0xb006], ['3'], ['9']]),
      ...seq('00081198', [['3', '00081197', 0x0110]]),
    };
    const o = stowOutcome(['1', '2', '3', '4'], 202, body, 'test');
    expect(o.stored).toEqual(['1', '2']);
    expect(o.warnings.map((w) => [w.sopInstanceUid, w.code])).toEqual([['2', 'B006']]);
    expect(o.failed.map((f) => [f.sopInstanceUid, f.code])).toEqual([
      ['3', '0110'],
      ['4', 'PACS_ERR_STORE_PARTIAL'],
    ]);
    expect(o.unexpected).toEqual(['9']);
  });

  it('takes a bodiless 200 as all stored, a bodiless 409 as none', () => {
    expect(stowOutcome(['1', '2'], 200, undefined, 't').stored).toEqual(['1', '2']);
    expect(stowOutcome(['1', '2'], 409, undefined, 't').failed.map((f) => f.code)).toEqual([
      'PACS_ERR_STORE_PARTIAL',
      'PACS_ERR_STORE_PARTIAL',
    ]);
  });
});
