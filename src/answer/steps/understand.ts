// Step 4, understand: a bare "1"/"2" answering a menu; follow-ups resolved against the last
// question ("còn Trường Sa thì sao?", "ở đó có chỗ gửi xe không"); "năm nay" resolved to a year;
// a one-word topic message; the message split into parts, each with its answer type and entities.
import { foldedText } from '../../text/keys.js';
import { analyzeQuery } from '../../text/terms.js';
import { fold, normalize, words } from '../../text/normalize.js';
import {
  answerTypeOf,
  countedNoun,
  whichNoun,
  namedPlaces,
  literalsIn,
  entitiesIn,
  entityName,
  followUpShape,
  menuChoice,
  resolveTime,
  splitParts,
  substituteEntities,
  withoutFollowUpWords,
  topicalWords,
  type Literals,
  type NamedEntity,
} from '../understand.js';
import type { PartState, State, Step } from '../pipeline.js';
import { errandTerms } from '../refusal.js';

export const understandStep: Step<State> = {
  name: 'understand',
  run(s) {
    const notes: string[] = [];
    const conv = s.conversation;
    // a number answering the menu we offered
    const choice = menuChoice(s.text);
    if (choice !== null && conv?.menu && conv.menu.length) {
      const picked = conv.menu[choice - 1];
      if (!picked) return { final: { text: s.lex.data.replies[s.lang].menu_expired, outcome: 'out_of_scope', sources: [], misconception: null, confidence: 0, topic: null }, note: `menu choice ${choice} out of range` };
      s.text = picked;
      notes.push(`menu choice ${choice} → "${picked}"`);
    } else if (conv?.question) {
      const resolved = resolveFollowUp(s, s.text);
      if (resolved !== s.text) {
        notes.push(`follow-up → "${resolved}"`);
        s.text = resolved;
      } else {
        const loose = looseFollowUp(s, s.text);
        if (loose) {
          s.followUpReading = loose;
          notes.push(`if refused, as a follow-up: "${loose}"`);
        }
      }
    }
    // a one-word topic message ("hoàng sa", "UNCLOS"): an overview and a short menu
    const ents = entitiesIn(s.lex, s.text);
    const strong = ents.filter((e) => !e.home);
    if (strong.length === 1 && !answerTypeOf(s.lex, s.text) && topicalWords(s.lex, s.text, ents).length === 0) {
      s.topicOnly = strong[0]!;
      s.lang = topicLang(s, strong[0]!);
      notes.push(`topic only: ${strong[0]!.id} (${s.lang})`);
    }
    const texts = s.topicOnly ? [s.text] : splitParts(s.lex, s.text);
    const firstEnts = entitiesIn(s.lex, texts[0]!);
    const first = firstEnts.filter((e) => !e.home);
    // what the first part is about when it names no entity ("bitcoin h giá bn, có nên mua ko")
    const firstSubject = first.length ? [] : topicalWords(s.lex, texts[0]!, firstEnts).filter((w) => !/^\d+$/.test(w));
    // …or the errand it names ("làm giấy khai sinh ở đâu, trong bao lâu phải đăng ký")
    const firstErrand = errandTerms(s.lex, texts[0]!);
    s.parts = texts.map((t, i) => {
      let text = t;
      // later parts often leave out what they are about ("…, gửi xe ở đâu"): the first part's subject
      const own = entitiesIn(s.lex, t).filter((e) => !e.home);
      // "lãnh hải rộng bn hải lý? còn vùng đặc quyền kinh tế thì bn": a follow-up inside the message
      // asks the first part's question of another thing, as a follow-up message would
      if (i > 0 && inMessageFollowUp(s, t, own)) {
        text = substituteEntities(s.lex, texts[0]!, own, s.lang);
        notes.push(`part ${i + 1} follows part 1 → "${text}"`);
      } else if (i > 0 && own.length > 0 && first.length && followUpShape(s.lex, t).pronoun && !own.some((e) => first.some((f) => f.id === e.id))) {
        // "…and how far is it from Vinh?": "it" is the first part's subject, Vinh only a reference point
        text = `${t} ${referents(s, t, first).join(' ')}`;
      } else if (i > 0 && own.length === 0) {
        if (first.length) text = `${t} ${referents(s, t, first).join(' ')}`;
        else if (firstErrand.length && errandTerms(s.lex, t).length === 0) text = `${t} ${firstErrand[0]!.trim()}`;
        else if (firstSubject.length && topicalWords(s.lex, t, []).length <= 2) text = `${t} ${firstSubject.join(' ')}`;
      }
      // "năm nay", "sắp tới": resolved per part, so the year stays with the question it belongs to
      const time = resolveTime(s.lex, text, s.now);
      if (time.year !== null) {
        s.year ??= time.year;
        notes.push(`"${time.phrase}" = ${time.year}`);
      }
      return { ...partState(s, time.text, text, time.year), typed: t };
    });
    if (s.parts.length > 1) notes.push(`${s.parts.length} parts`);
    const p0 = s.parts[0]!;
    notes.push(`type=${p0.type?.type ?? '-'}`, `entities=${p0.entities.map((e) => e.id).join(',') || '-'}`);
    return { note: notes.join('; ') };
  },
};

/**
 * The names a later part (or a follow-up) that leaves out its subject is about: the first part's (or
 * the last question's) entities, except that a distance is measured to a place, not to an event:
 * "when is the Hang Bua festival and how far is it from Vinh?" asks how far the cave the festival is
 * held at is (entities.yml `held_at`).
 */
function referents(s: State, text: string, first: NamedEntity[]): string[] {
  const distance = answerTypeOf(s.lex, text)?.values === 'distance';
  const ids = first.map((e) => {
    const at = s.lex.entityById.get(e.id)?.def.held_at;
    return distance && at && s.lex.entityById.has(at) ? at : e.id;
  });
  return [...new Set(ids)].map((id) => entityName(s.lex.entityById.get(id), 'vi')).filter(Boolean);
}

export function partState(s: State, text: string, asked = text, year: number | null = s.year): PartState {
  return {
    text,
    asked,
    q: analyzeQuery(text, s.lex),
    type: answerTypeOf(s.lex, text),
    entities: entitiesIn(s.lex, text),
    counted: countedNoun(s.lex, text),
    which: whichNoun(s.lex, text),
    // a name that is an entity's ("Paracel islands", "Hang Bua cave") is checked by the entity, by
    // any of its aliases ("Hoàng Sa"), not by that one spelling
    names: namedPlaces(s.lex, text).filter((n) => !entitiesIn(s.lex, text).some((e) => (s.lex.entityById.get(e.id)?.aliases ?? []).some((a) => a.includes(` ${n} `)))),
    errand: errandTerms(s.lex, text),
    // the year meant by "năm nay" pins the answer as a year typed out does (one check, in select)
    literals: withYear(literalsIn(text, s.lex), year),
    year,
    candidates: [],
    qvec: null,
    chosen: null,
    draft: null,
  };
}

function withYear(l: Literals, year: number | null): Literals {
  return year === null || l.years.includes(String(year)) ? l : { ...l, years: [...l.years, String(year)] };
}

/**
 * The reply language for a message that only names a topic: English for an English name of it
 * ("Paracel", "Spratly"), Vietnamese for a Vietnamese one however typed ("truongsa", "hoàng sa"), for
 * a name both languages use ("UNCLOS") the conversation's language, Vietnamese by default.
 */
function topicLang(s: State, e: NamedEntity): 'vi' | 'en' {
  const def = s.lex.entityById.get(e.id)?.def;
  const squash = (x: string) => fold(normalize(x)).replace(/\s+/g, '');
  const alias = squash(e.alias);
  if (!def || !alias) return s.conversation?.lang ?? s.ctx.lastLang ?? 'vi';
  const vi = squash(def.name);
  const en = squash(def.name_en);
  if (vi.includes(alias) && !en.includes(alias)) return 'vi';
  if (en.includes(alias) && !vi.includes(alias)) return 'en';
  // a name both use ("UNCLOS"), or a short acronym ("hs", "ts"): the conversation's language
  if ((en.includes(alias) && vi.includes(alias)) || alias.length <= 4) return s.conversation?.lang ?? s.ctx.lastLang ?? 'vi';
  // a longer name neither carries ("Paracels"): what the language step made of it
  return s.lang;
}

/**
 * A later part that only names another thing with follow-up words ("còn X thì bn", "what about X?"):
 * its own entity, follow-up words, and no other words of its own.
 */
function inMessageFollowUp(s: State, text: string, own: NamedEntity[]): boolean {
  if (own.length === 0) return false;
  const shape = followUpShape(s.lex, text);
  if (!shape.opener && !shape.closer) return false;
  const topical = topicalWords(s.lex, withoutFollowUpWords(s.lex, text), entitiesIn(s.lex, text));
  return topical.length === 0;
}

/**
 * The message as a full question, when it continues the last one: entities swapped in
 * ("còn X thì sao?", "what about X?"), or the last entity added to a message that points back at it
 * ("ở đó", "there") or asks only a question word ("rộng bao nhiêu?").
 */
function resolveFollowUp(s: State, text: string): string {
  const conv = s.conversation!;
  const shape = followUpShape(s.lex, text);
  const ents = entitiesIn(s.lex, text).filter((e) => !e.home);
  const type = answerTypeOf(s.lex, text);
  // what the message says besides naming things and following up ("còn … thì sao")
  const topical = topicalWords(s.lex, withoutFollowUpWords(s.lex, text), entitiesIn(s.lex, text));
  const marked = shape.opener || shape.closer;
  // "còn quần đảo Hoàng Sa thì sao?": only an entity and follow-up words
  if (ents.length > 0 && marked && topical.length === 0 && (type === null || ['yesno', 'what_is'].includes(type.type))) {
    return substituteEntities(s.lex, conv.question!, ents, s.lang);
  }
  if (ents.length > 0) return text;
  // no entity of its own: point back at the last one
  const last: NamedEntity[] = conv.entities
    .map((id) => s.lex.entityById.get(id))
    .filter((e) => e !== undefined)
    .map((e) => ({ id: e.id, cls: e.cls, alias: '', home: e.def.home === true }));
  const n = words(normalize(text)).length;
  if (last.every((e) => e.home)) {
    // the last question named no entity ("luật biên phòng thông qua khi nào"): a message that only
    // asks a question word and a word or two ("có hiệu lực từ bao giờ") continues its subject
    if (type !== null && topical.length <= 2 && n <= 6) {
      const lastEnts = entitiesIn(s.lex, conv.question!);
      const subject = topicalWords(s.lex, conv.question!, lastEnts).filter((w) => !/^\d+$/.test(w) && !topical.includes(w));
      if (subject.length > 0 && subject.length <= 6) return `${stripPronouns(s, text)} ${subject.join(' ')}`.trim();
    }
    return text;
  }
  if (shape.pronoun || (marked && n <= 8) || (type !== null && topical.length <= 2 && n <= 6)) {
    const names = referents(s, text, last.filter((e) => !e.home));
    if (names.length === 0) return text;
    const stripped = stripPronouns(s, text);
    return `${stripped} ${names.join(' ')}`.trim();
  }
  return text;
}

/**
 * A question with no entity of its own, after a question about one ("đi tham quan hết tầm bao lâu"
 * after "hang bua mở cửa mấy giờ"): the same question about the last entity. Only a second reading:
 * the message may as well be a new question, so it is tried when the message alone is refused.
 */
function looseFollowUp(s: State, text: string): string | null {
  const conv = s.conversation!;
  if (entitiesIn(s.lex, text).some((e) => !e.home) || answerTypeOf(s.lex, text) === null) return null;
  const names = conv.entities
    .map((id) => s.lex.entityById.get(id))
    .filter((e) => e !== undefined && e.def.home !== true)
    .map((e) => entityName(e, 'vi'));
  if (names.length === 0) return null;
  return `${stripPronouns(s, text)} ${names.join(' ')}`.trim();
}

function stripPronouns(s: State, text: string): string {
  let f = ` ${fold(normalize(text))} `;
  for (const p of s.lex.data.questionWords.follow_up.pronouns) f = f.split(` ${foldedText(p)} `).join(' ');
  return f.trim();
}
