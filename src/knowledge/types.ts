// What ingestion makes of one knowledge file, before it is stored.

export type DocKind = 'doc' | 'faq' | 'misconception';
export type UnitRole = 'passage' | 'question' | 'answer' | 'claim';

export const TOPICS = ['commune', 'tourism', 'border', 'sea', 'human_rights', 'events', 'plan'] as const;

export interface DocMeta {
  answerEn?: string;
  correctionEn?: string;
  claim?: string;
  /** Misconception: groups of alternatives; the folded question must contain one of each group. */
  requires?: string[][];
}

export interface ParsedDocument {
  id: string;
  kind: DocKind;
  title: string;
  topic: string;
  lang: 'vi' | 'en';
  source: string;
  sourceUrl: string | null;
  updated: string | null;
  reviewedBy: string | null;
  /** Display text: FAQ answer, misconception correction, or the document's plain text. */
  body: string;
  meta: DocMeta;
  units: KnowledgeUnit[];
}

export interface KnowledgeUnit {
  role: UnitRole;
  ord: number;
  section: string | null;
  lang: 'vi' | 'en';
  /** Plain text shown when this unit is quoted (passages) or matched (phrasings). */
  text: string;
}

/** A file that could not be read or understood; names the file. */
export class KnowledgeFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'KnowledgeFileError';
  }
}
