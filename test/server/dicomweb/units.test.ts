import type { Request } from 'express';
import { negotiateDicom, negotiateJson, negotiateOctetStream, parseAccept } from '../../../server/dicomweb/accept.js';
import { lookupAttribute } from '../../../server/dicomweb/dictionary.js';
import { personName } from '../../../server/dicomweb/dicomJson.js';
import { readMultipartBody } from '../../../server/dicomweb/multipartReader.js';
import { frameList } from '../../../server/dicomweb/pathParams.js';
import { textMatcher } from '../../../server/dicomweb/qidoMatch.js';

const withAccept = (accept: string | undefined): Request =>
  ({
    method: 'GET',
    baseUrl: '/dicom-web',
    path: '/x',
    get: (h: string) => (h === 'accept' ? accept : undefined),
  }) as unknown as Request;

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p, 'latin1');
}

describe('server/dicomweb units', () => {
  it('parses Accept: quoted parameters, q order, q=0 dropped, missing = */*', () => {
    const r = parseAccept(
      'multipart/related; type="application/dicom"; transfer-syntax=*; q=0.5, application/dicom+json, text/x;q=0',
    );
    expect(r.map((m) => `${m.type}/${m.subtype}`)).toEqual(['application/dicom+json', 'multipart/related']);
    expect(r[1].params.get('type')).toBe('application/dicom');
    expect(r[1].params.get('transfer-syntax')).toBe('*');
    expect(parseAccept(undefined)).toEqual([{ type: '*', subtype: '*', params: new Map(), q: 1 }]);
    expect(() => parseAccept('nonsense')).toThrow(/Accept/);
  });

  it('negotiates JSON, DICOM and octet-stream answers', () => {
    expect(negotiateJson(withAccept(undefined))).toBe('application/dicom+json');
    expect(negotiateJson(withAccept('application/*'))).toBe('application/dicom+json');
    expect(negotiateJson(withAccept('application/json'))).toBe('application/json');
    expect(() => negotiateJson(withAccept('image/png'))).toThrow(/Accept/);
    const le = new Set(['1.2.840.10008.1.2.1']);
    expect(negotiateDicom(withAccept('*/*'), le).transferSyntax).toBeUndefined();
    expect(
      negotiateDicom(withAccept('multipart/related; type=application/dicom; transfer-syntax=1.2.840.10008.1.2.1'), le)
        .transferSyntax,
    ).toBe('1.2.840.10008.1.2.1');
    expect(() =>
      negotiateDicom(withAccept('multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2'), le),
    ).toThrow(/does not transcode/);
    expect(() => negotiateOctetStream(withAccept('multipart/related; type="application/octet-stream"'))).not.toThrow();
    expect(() => negotiateOctetStream(withAccept('application/octet-stream'))).toThrow();
  });

  it('matches wildcards safely (regex characters are literal) and ASCII case-insensitively', () => {
    expect(textMatcher('A.B*')('a.bcd')).toBe(true);
    expect(textMatcher('A.B*')('AXB')).toBe(false);
    expect(textMatcher('(x)?')('(x)1')).toBe(true);
    expect(textMatcher('ab')('AB')).toBe(false);
  });

  it('looks attributes up by keyword or tag', () => {
    expect(lookupAttribute('PatientID')).toEqual({ tag: '00100020', keyword: 'PatientID', vr: 'LO' });
    expect(lookupAttribute('0020000d')?.keyword).toBe('StudyInstanceUID');
    expect(lookupAttribute('00191002')).toEqual({ tag: '00191002', keyword: '00191002', vr: 'UN' });
    expect(lookupAttribute('toString')).toBeUndefined();
    expect(lookupAttribute('NoSuchKeyword')).toBeUndefined();
  });

  it('splits PN component groups', () => {
    expect(personName('Yamada^Tarou=山田^太郎=やまだ^たろう')).toEqual({
      Alphabetic: 'Yamada^Tarou',
      Ideographic: '山田^太郎',
      Phonetic: 'やまだ^たろう',
    });
    expect(personName('Doe^John')).toEqual({ Alphabetic: 'Doe^John' });
  });

  it('parses frame lists', () => {
    expect(frameList('1,3,2')).toEqual([1, 3, 2]);
    expect(() => frameList('')).toThrow();
    expect(() => frameList('1,0')).toThrow();
  });

  it('reads a multipart body split anywhere, with a leading CRLF and an epilogue', async () => {
    const body =
      '\r\n--b\r\nContent-Type: application/dicom\r\n\r\nAAA\r\n--b\r\nContent-Type: application/dicom\r\n\r\nBB\r\n--b--\r\nepilogue';
    for (let cut = 1; cut < body.length; cut += 7) {
      const got: string[] = [];
      for await (const p of readMultipartBody(chunks(body.slice(0, cut), body.slice(cut)), 'b', 1000)) {
        got.push(Buffer.from(p.bytes).toString());
      }
      expect([cut, got]).toEqual([cut, ['AAA', 'BB']]);
    }
    await expect(async () => {
      for await (const _ of readMultipartBody(chunks(body), 'b', 20)) void _;
    }).rejects.toMatchObject({ code: 'SRV_ERR_PAYLOAD_TOO_LARGE' });
    await expect(async () => {
      for await (const _ of readMultipartBody(chunks(body.slice(0, 60)), 'b', 1000)) void _;
    }).rejects.toMatchObject({ code: 'SRV_ERR_BAD_REQUEST', details: { truncated: true } });
  });
});
