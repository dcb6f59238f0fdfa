import dimse from 'dcmjs-dimse';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../write/dcmjsCodec.js';

/**
 * The one import of dcmjs-dimse (a CommonJS bundle: its exports are read from the default import). Everything in
 * this folder takes the library from here, so a version change touches one file (and `internals.ts`).
 */
export const { Client, Dataset, Scp, Implementation, constants, requests, responses } = dimse;
export const { PresentationContext } = dimse.association;

export type DimseClient = InstanceType<typeof dimse.Client>;
export type DimseDataset = InstanceType<typeof dimse.Dataset>;
export type DimseAssociation = InstanceType<typeof dimse.association.Association>;
export type DimsePresentationContext = InstanceType<typeof dimse.association.PresentationContext>;
export type DimseRequest = InstanceType<typeof dimse.requests.Request>;
export type DimseResponse = InstanceType<typeof dimse.responses.Response>;
export type CStoreRequest = InstanceType<typeof dimse.requests.CStoreRequest>;
export type CFindResponse = InstanceType<typeof dimse.responses.CFindResponse>;
export type CGetResponse = InstanceType<typeof dimse.responses.CGetResponse>;
export type CMoveResponse = InstanceType<typeof dimse.responses.CMoveResponse>;
export type CStoreResponse = InstanceType<typeof dimse.responses.CStoreResponse>;

/** dcmjs-dimse's version, checked by the tests against the pin in package.json. */
export const DIMSE_LIBRARY_VERSION: string = dimse.version;

// The library logs every PDU through the root `loglevel` logger at trace level by default (plain console lines,
// association dumps). Our own pino lines say what happened; set `dimse.log.setLevel('debug')` to debug the wire.
dimse.log.setLevel('silent', false);
// Our DIMSE identity in A-ASSOCIATE PDUs, the same as in files we write (PS3.7 D.3.3.2).
Implementation.setImplementationClassUid(IMPLEMENTATION_CLASS_UID);
Implementation.setImplementationVersion(IMPLEMENTATION_VERSION_NAME);
