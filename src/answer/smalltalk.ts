// Greetings, thanks, goodbyes and "ok" in Vietnamese (accented, unaccented, shorthand) and English.
// A message is smalltalk only when nothing else is left once these phrases and chat fillers are
// removed: "chào ad, hang bua ở đâu" is a question.
import type { Lang } from './types.js';
import { fold, normalize } from '../text/normalize.js';

export type SmalltalkKind = 'greeting' | 'thanks' | 'bye' | 'ack';

// folded phrases; longer ones first so "cam on nhieu" wins over "cam on"
const PHRASES: Array<[SmalltalkKind, string[]]> = [
  ['thanks', ['cam on ban da tra loi', 'cam on vi da tra loi', 'da tra loi', 'da giup', 'xin cam on', 'thanks that helps', 'that helps', 'very helpful', 'helpful', 'cam on nhieu', 'cam on', 'cam ön', 'camon', 'thank you very much', 'thank you', 'thanks a lot', 'thanks', 'thank', 'thx', 'tks', 'thks', 'ths', 'many thanks', 'cam ong', 'cmon', 'ty']],
  ['bye', ['have a nice day', 'have a good day', 'chuc mot ngay tot lanh', 'chuc ngay tot lanh', 'chuc mot ngay vui ve', 'chuc ngay vui ve', 'chuc suc khoe', 'chuc ngu ngon', 'ngu ngon', 'good night', 'tam biet', 'bye bye', 'goodbye', 'good bye', 'bye', 'see you later', 'see you soon', 'see you', 'hen gap lai', 'pp', 'bb']],
  ['greeting', ['co ai o day khong', 'co ai khong', 'ad co do khong', 'co do khong', 'anybody there', 'anyone there', 'ban ten gi', 'ban ten la gi', 'ten ban la gi', 'what is your name', "what s your name", 'ban la bot a', 'ban la bot', 'are you a bot', 'are you human', 'are you real', 'minh la khach du lich', 'toi la khach du lich', 'i am a tourist', 'i m a tourist', 'ban la ai', 'ban la gi', 'em la ai', 'who are you', 'what are you', 'what can you do', 'ban giup duoc gi', 'ban lam duoc gi', 'ban co the giup gi', 'ban khoe khong', 'khoe khong', 'how are you', 'nice to meet you', 'chuc mung nam moi', 'happy new year', 'xin chao', 'chao buoi sang', 'chao buoi chieu', 'chao buoi toi', 'chao', 'alo', 'a lo', 'hello', 'helo', 'hi', 'hii', 'hey', 'good morning', 'good afternoon', 'good evening', 'hola']],
  ['ack', ['good job', 'well done', 'ok', 'okk', 'oki', 'oke', 'okie', 'okela', 'okay', 'uh', 'u', 'uk', 'ukm', 'um', 'uhm', 'vang', 'da', 'da vang', 'ro roi', 'hieu roi', 'duoc roi', 'tot qua', 'hay qua', 'great', 'got it', 'nice', 'cool', 'good', 'haha', 'hihi', 'hehe', 'hic', 'wow', 'tuyet voi', 'tuyet', 'awesome', 'perfect', 'excellent', 'i see', 'understood']],
];

// Words that carry no request on their own: address terms, particles, softeners, wishes.
const FILLER = new Set(
  'ad admin oi a ah xin nhe nha nhi ban bot tro ly em e anh chi co chu bac minh to toi you there all everyone guys xa ubnd very much nhieu lam qua vay the day nay and too so a lot ne chuc mot ngay tot lanh vui ve nhe ha hen'.split(' '),
);

// The commune's name, folded: dropped only after a greeting or thanks was found (alone, it is a topic).
const OWN_NAMES = ['xa chau tien', 'chau tien commune', 'chau tien'];

/** The smalltalk kind of a message, or null when it asks or says something else. */
export function detectSmalltalk(text: string): SmalltalkKind | null {
  const folded = fold(normalize(text)).trim();
  // Only emoji, stickers-as-text or punctuation ("👍", ":)", "...") : an acknowledgement.
  if (folded === '') return /[\p{L}\p{N}]/u.test(text) || text.trim() === '' ? null : 'ack';
  let rest = ` ${folded} `;
  let kind: SmalltalkKind | null = null;
  for (const [k, phrases] of PHRASES) {
    for (const p of phrases) {
      const needle = ` ${p} `;
      while (rest.includes(needle)) {
        rest = rest.replace(needle, ' ');
        kind ??= k;
      }
    }
  }
  if (!kind) {
    // "chúc ad một ngày tốt lành": a wish made only of filler words is a goodbye.
    const words = folded.split(/\s+/);
    if (words.every((w) => FILLER.has(w))) return words.includes('chuc') ? 'bye' : 'greeting'; // "ad ơi", "bạn ơi"
    return null;
  }
  // "xin chào xã Châu Tiến", "thanks Chau Tien commune": the bot's own name is an address term here
  for (const name of OWN_NAMES) while (rest.includes(` ${name} `)) rest = rest.replace(` ${name} `, ' ');
  const left = rest.trim().split(/\s+/).filter((w) => w && !FILLER.has(w));
  return left.length === 0 ? kind : null;
}

const TOPICS_VI =
  'Hang Bua, lễ hội Hang Bua, thổ cẩm, đường đi, xã Châu Tiến, biên giới, biển đảo, quyền con người, các ngày kỷ niệm năm 2025 và kế hoạch thông tin đối ngoại của xã';
const TOPICS_EN =
  'Hang Bua cave and its festival, Thái weaving, how to get here, Châu Tiến commune, Vietnam’s borders, sea and islands, human rights, the 2025 anniversaries and the commune’s external-information plan';

export function smalltalkReply(kind: SmalltalkKind, lang: Lang): string {
  if (lang === 'en') {
    if (kind === 'thanks') return `You're welcome! Ask me any time about ${TOPICS_EN}.`;
    if (kind === 'bye') return 'Goodbye, and thank you for contacting Châu Tiến commune!';
    if (kind === 'ack') return `Great. If you have another question, I can help with ${TOPICS_EN}.`;
    return `Hello! I am the information assistant of Châu Tiến commune (Nghệ An). I can help with ${TOPICS_EN}.`;
  }
  if (kind === 'thanks') return `Dạ, không có gì ạ! Bạn cứ hỏi thêm về ${TOPICS_VI} nhé.`;
  if (kind === 'bye') return 'Chào tạm biệt bạn! Cảm ơn bạn đã liên hệ với xã Châu Tiến.';
  if (kind === 'ack') return `Dạ vâng. Nếu cần, bạn cứ hỏi tiếp về ${TOPICS_VI} nhé.`;
  return `Xin chào! Mình là trợ lý thông tin của xã Châu Tiến (Nghệ An). Mình có thể giúp bạn về ${TOPICS_VI}.`;
}
