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
  /**
   * The false claim caught: a curated misconception's id, or for a claim no entry corrects
   * "rumour-<kind>" (rumour-sovereignty, rumour-border-change, rumour-scam, rumour-unverified…),
   * with `rumour: true` so insights can count and group the uncurated ones for staff to curate.
   */
  misconception: { id: string; claim: string } | null;
  /** Set when the reply treats the message as an uncurated rumour or a scam (no curated correction). */
  rumour?: boolean;
  /** 0..1, calibrated on the labelled set in test/fixtures. */
  confidence: number;
  topic: string | null;
  /** Top retrieved chunks, best first (for evaluation and the dashboard; not sent to users). */
  retrieved: RetrievedChunk[];
  latencyMs: number;
  /** Which pipeline step decided, and why, in order (ask --json prints it; "Thử trợ lý" shows it to staff). */
  trace?: TraceStep[];
  /**
   * Conversation memory to keep for this user's next message (follow-ups, a clarification menu),
   * or null to clear it. Callers store it as opaque JSON, per pseudonym, for 30 minutes.
   */
  conversation?: ConversationState | null;
}

/** One step of the answer pipeline, as recorded in AnswerResult.trace. */
export interface TraceStep {
  step: string;
  decision: 'continue' | 'final';
  /** Why, in a few words (for staff and developers; never sent to citizens). */
  note?: string;
  /** Time the step took, in milliseconds. */
  ms?: number;
}

/** What the answer engine remembers between one user's messages. Opaque to callers; small JSON. */
export type ConversationState = { [key: string]: unknown };

export interface AnswerContext {
  /** The user's last confidently detected language, for one-word messages like "ok". */
  lastLang?: Lang;
  /** The state returned with this user's previous answer, if it is less than 30 minutes old. */
  conversation?: ConversationState | null;
  /** "Today" for questions like "lễ hội năm nay" (default: the clock). ISO string or Date. */
  now?: Date | string;
}

export interface AnswerPipeline {
  answer(question: string, ctx?: AnswerContext): Promise<AnswerResult>;
}
