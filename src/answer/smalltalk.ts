// Greetings, thanks, goodbyes, "ok", questions about the assistant itself and insults
// (knowledge/_assistant/smalltalk.yml). A message is smalltalk only when nothing else is left once
// these phrases and chat fillers are removed: "chào ad, hang bua ở đâu" is a question.
import type { SmalltalkKind } from './assistant-data.js';
import type { Lexicon } from '../text/lexicon.js';
import { fold, normalize } from '../text/normalize.js';
import type { Lang } from './types.js';
import { answerTypeOf, entitiesIn } from './understand.js';

export type { SmalltalkKind };

/** The smalltalk kind of a message, or null when it asks or says something else. */
export function detectSmalltalk(text: string, lex: Lexicon): SmalltalkKind | null {
  // a letter typed three or more times is chat emphasis ("alooo", "ơiiii", "okkk"): no Vietnamese or
  // English word has one, so the run stands for the letter
  const folded = fold(normalize(text)).trim().replace(/(\p{L})\1{2,}/gu, '$1');
  // Only emoji, stickers-as-text or punctuation ("👍", ":)", "...") : an acknowledgement.
  if (folded === '') return /[\p{L}\p{N}]/u.test(text) || text.trim() === '' ? null : 'ack';
  let rest = ` ${folded} `;
  let kind: SmalltalkKind | null = null;
  // longest phrases first across all kinds: "bot ngu vl" is the insult "ngu vl" plus "bot", not
  // "bot ngu" plus a stray word; the kind is that of the longest phrase found
  for (const [k, p] of allPhrases(lex)) {
    const needle = ` ${p} `;
    while (rest.includes(needle)) {
      rest = rest.replace(needle, ' ');
      kind ??= k;
    }
  }
  if (!kind) {
    // "chúc ad một ngày tốt lành": a wish made only of filler words is a goodbye.
    const ws = folded.split(/\s+/);
    if (ws.every((w) => lex.smalltalkFillers.has(w))) return ws.includes('chuc') ? 'bye' : 'greeting'; // "ad ơi", "bạn ơi"
    return null;
  }
  // "xin chào xã Châu Tiến", "thanks Chau Tien commune": the bot's own name is an address term here
  for (const name of lex.ownNames) while (rest.includes(` ${name} `)) rest = rest.replace(` ${name} `, ' ');
  const left = rest.trim().split(/\s+/).filter((w) => w && !lex.smalltalkFillers.has(w));
  if (left.length === 0) return kind;
  // an insult with a complaint around it ("bot ngu vl, trả lời chậm như rùa") is still an insult, as
  // long as the rest asks nothing: no kind of answer wanted, no entity named
  if (kind === 'insult' && answerTypeOf(lex, text) === null && entitiesIn(lex, text).length === 0) return kind;
  return null;
}

const phraseCache = new WeakMap<Lexicon, Array<readonly [SmalltalkKind, string]>>();
function allPhrases(lex: Lexicon): Array<readonly [SmalltalkKind, string]> {
  let all = phraseCache.get(lex);
  if (!all) {
    all = lex.smalltalkPhrases.flatMap(([k, ps]) => ps.map((p) => [k, p] as const));
    // stable: equal lengths keep the file's order of kinds
    all.sort((a, b) => b[1].length - a[1].length);
    phraseCache.set(lex, all);
  }
  return all;
}

export function smalltalkReply(kind: SmalltalkKind, lang: Lang, lex: Lexicon): string {
  const r = lex.data.replies[lang];
  return r.smalltalk[kind].replace('{topics}', r.topics);
}
