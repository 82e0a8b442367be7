// The answer pipeline's contract: the webhook worker, `ask`, the console chat and the
// dashboard's "try the bot" page all call AnswerPipeline.answer and get an AnswerResult.

export type Outcome = 'answered' | 'misconception' | 'out_of_scope' | 'smalltalk';
export type Lang = 'vi' | 'en';

export interface SourceRef {
  id: string;
  title: string;
}

export interface RetrievedChunk {
  docId: string;
  title: string;
  text: string;
  /** Fused retrieval score, higher is better (not comparable across queries). */
  score: number;
}

export interface AnswerResult {
  question: string;
  /** Exactly the text that goes to Zalo (before splitting into ≤ 2,000-character messages). */
  answer: string;
  outcome: Outcome;
  lang: Lang;
  sources: SourceRef[];
  misconception: { id: string; claim: string } | null;
  /** 0..1, calibrated on the labelled set in test/fixtures. */
  confidence: number;
  topic: string | null;
  /** Top retrieved chunks, best first (for evaluation and the dashboard; not sent to users). */
  retrieved: RetrievedChunk[];
  latencyMs: number;
}

export interface AnswerContext {
  /** The user's last confidently detected language, for one-word messages like "ok". */
  lastLang?: Lang;
}

export interface AnswerPipeline {
  answer(question: string, ctx?: AnswerContext): Promise<AnswerResult>;
}
