/** A coded concept (Code Sequence Macro, PS3.3 Table 8.8-1). */
export interface CodeItem {
  readonly CodeValue: string;
  readonly CodingSchemeDesignator: string;
  readonly CodeMeaning: string;
}

/** How a derived image was made: what reviewers and auditors read in DerivationDescription. */
export interface DerivationInfo {
  /** e.g. "GSDiff grid-splicing diffusion restoration". */
  readonly method: string;
  readonly task: 'denoise' | 'deblur' | 'identity';
  readonly packName: string;
  readonly packVersion?: string;
  /** sha256 of the model pack (hex). */
  readonly packSha256: string;
  readonly parameters: Readonly<Record<string, string | number | boolean>>;
  /**
   * The restoration strength and its blend weight w (output = input + w (restored - input)); written as
   * "strength medium (blend 0.75 with the input: …)" after the parameters, with "; own noise removed 0.5" inside the
   * parentheses when the pack declares its strengths (the mix of its TRN graph for that strength).
   */
  readonly strength?: { readonly level: string; readonly weight: number; readonly ownNoiseRemoved?: number };
  /** Our software version (ContributingEquipmentSequence SoftwareVersions). */
  readonly softwareVersion: string;
}

/** Series-level attributes shared by every instance of one derived series. */
export interface DerivedSeriesSpec {
  readonly seriesInstanceUid: string;
  readonly seriesNumber: number;
  readonly seriesDescription: string;
  /** Creation moment; one value for the whole series so its instances agree. */
  readonly createdAt: Date;
}

// CID 7203 "Image Derivation": the closest standard concepts; DerivationDescription carries the specifics.
export const DERIVATION_CODES: Readonly<Record<DerivationInfo['task'], CodeItem>> = {
  denoise: { CodeValue: '113087', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Smoothing' },
  deblur: { CodeValue: '113086', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Edge enhancement' },
  identity: { CodeValue: '113087', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Smoothing' },
};

// CID 7202: the purpose of each Source Image Sequence item.
export const SOURCE_IMAGE_PURPOSE: CodeItem = {
  CodeValue: '121322',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Source image for image processing operation',
};

// CID 7005 "Contributing Equipment Purposes of Reference".
export const PROCESSING_EQUIPMENT: CodeItem = {
  CodeValue: '109102',
  CodingSchemeDesignator: 'DCM',
  CodeMeaning: 'Processing Equipment',
};
