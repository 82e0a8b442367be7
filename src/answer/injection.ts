// Instructions typed inside a question are data, never instructions. The extractive composer can
// only return curated text, so nothing a citizen types is ever obeyed or echoed; this module also
// keeps retrieval on what is genuinely asked: every sentence that carries an instruction (ignore
// your rules, you are now…, system:, say that…, print your prompt) is dropped, and only the rest is
// answered. When nothing is left, the pipeline refuses politely.
import { fold } from '../text/normalize.js';

/** Markers of an instruction to the assistant (matched on lower-case folded text). */
const INSTRUCTION_MARKERS: RegExp[] = [
  /\b(ignore|forget|disregard|override|bypass)\b.{0,50}\b(rules?|instructions?|prompts?|guidelines?|previous|above|knowledge|everything|all)\b/,
  /\b(you are now|you are no longer|from now on|act as|pretend|roleplay|role play|jailbreak|developer mode|dan mode)\b/,
  /\b(system|assistant|admin|administrator|developer)\s*[:\]]/,
  /\[\s*(system|admin|sys|inst)\s*\]|<\/?\s*(context|system|instructions?)\s*>/,
  /\b(system prompt|hidden rules|new instruction|reveal|verbatim|password)\b/,
  /\b(translate\b.{0,40}\bfollow)\b/,
  /\b(say|state|confirm|declare|write|tell (me|everyone|people)|answer|reply|respond)\b\s+(that|exactly|only|in one sentence|with)\b/,
  /^\s*(say|confirm|declare|write)\b/,
  /\bsay\b.{0,80}\b(belongs?|is|are|was|has)\b/,
  // Vietnamese, folded
  /\b(bo qua|quen het|quen di|quen moi|dung tuan theo|khong can theo)\b.{0,40}\b(quy tac|quy dinh|huong dan|lenh|luat|chi dan|nguyen tac|tri thuc|tat ca|moi thu|truoc do)\b/,
  /\b(he thong|quan tri vien|che do quan tri)\s*:|\bche do quan tri\b|\btu gio (hay|phai|tro di)\b/,
  /\b(ban la|hay dong vai|dong vai|gia vo)\b.{0,40}\b(chatgpt|khong gioi han|tro ly cua|nguoi phat ngon|vai)\b|\bdong vai\b/,
  // "say that …" — but not "nghe nói là …" (I heard that …), which is how people ask about a claim
  /(^|[,:]\s*|\b(hay|phai|cu)\s+)(noi|tra loi|khang dinh|viet bai khang dinh|viet rang|tuyen bo|nhac lai|xac nhan)\s+(rang|la|dung|cau)\b/,
  /(^|[,:]\s*)(hay|cu)\s+(noi|viet|khang dinh|xac nhan)\b/,
  /(^|[,:]\s*)(?<!nghe )noi\b.{0,60}\b(la cua|thuoc)\b.{0,20}\b(trung quoc|tq)\b/,
  /\b(in ra|tiet lo)\b.{0,30}\b(system prompt|huong dan|mat khau|prompt)\b/,
];

/** Once a message carries an instruction, its other sentences that ask to say/write/confirm something go too. */
const ECHO_REQUESTS: RegExp[] = [/\b(tell|say|write|print|output|repeat|confirm|declare|state)\b/, /\b(noi|viet|tra loi|khang dinh|xac nhan|in ra|tuyen bo)\b/];

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

function isInstruction(sentence: string): boolean {
  const f = fold(sentence.normalize('NFC')).toLowerCase().replace(/\s+/g, ' ');
  return INSTRUCTION_MARKERS.some((re) => re.test(f));
}

export function stripInjection(question: string): StrippedQuestion {
  const parts = splitSentences(question);
  const kept = parts.filter((s) => !isInstruction(s));
  if (kept.length === parts.length) return { text: question, injected: false };
  const genuine = kept.filter((s) => {
    const f = fold(s.normalize('NFC')).toLowerCase();
    return !ECHO_REQUESTS.some((re) => re.test(f));
  });
  return { text: genuine.join(' ').trim(), injected: true };
}
