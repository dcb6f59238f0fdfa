/** Query keys whose values identify a patient (keyword or tag form); their values never reach logs or errors. */
const PHI_KEYS = new Set([
  'patientid',
  '00100020',
  'patientname',
  '00100010',
  'patientbirthdate',
  '00100030',
  'accessionnumber',
  '00080050',
  'otherpatientids',
  '00101000',
]);

/**
 * A URL as it may appear in logs, error messages and error details: patient-identifying query values become
 * `[PHI]`, credentials are dropped. UIDs stay (they identify objects, not people, and are needed to debug).
 * @example redactUrl('http://pacs/dicom-web/studies?PatientID=123&limit=5') // '.../studies?PatientID=%5BPHI%5D&limit=5'
 */
export function redactUrl(url: string | URL): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  for (const key of [...u.searchParams.keys()]) {
    if (PHI_KEYS.has(key.toLowerCase())) u.searchParams.set(key, '[PHI]');
  }
  return u.href;
}
