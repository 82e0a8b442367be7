// Instructions typed inside a question are data, never instructions. The extractive composer can
// only return curated text, so nothing a citizen types is ever obeyed or echoed; this module also
// keeps retrieval on what is genuinely asked: every sentence that carries an instruction
// (knowledge/_assistant/injection.yml) is dropped, and only the rest is answered. When nothing is
// left, the pipeline refuses politely.
import type { Lexicon } from '../text/lexicon.js';
import { fold, safeNFC } from '../text/normalize.js';

export interface StrippedQuestion {
  /** What is genuinely asked (instruction sentences removed); empty when nothing is left. */
  text: string;
  injected: boolean;
}

/** Sentences of a chat message: split after . ! ? ; and line breaks (keeps "2.337" and "16/6" whole). */
function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;])\s+|\n+|(?<=[.!?])(?=["“”])/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const foldedLower = (s: string) => fold(safeNFC(s)).toLowerCase().replace(/\s+/g, ' ');

export function stripInjection(question: string, lex: Lexicon): StrippedQuestion {
  const parts = splitSentences(question);
  const kept = parts.filter((s) => !lex.instructionPatterns.some((re) => re.test(foldedLower(s))));
  if (kept.length === parts.length) return { text: question, injected: false };
  const genuine = kept.filter((s) => !lex.echoPatterns.some((re) => re.test(foldedLower(s))));
  return { text: genuine.join(' ').trim(), injected: true };
}
