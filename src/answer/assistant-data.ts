// The assistant's vocabularies and canned text (knowledge/_assistant/*.yml), validated with zod when
// loaded. Staff review these files like any other knowledge; the code keeps only the mechanisms.
// loadAssistantData returns plain data (structured-clone-able, so a KnowledgeSnapshot can carry it
// into a worker thread); src/answer/lexicon.ts compiles it into lookup tables.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';

// a bare `true`, `1079` or `2/9` in a YAML list is still a phrase: staff should not need to quote it
const phrase = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v).trim())
  .pipe(z.string().min(1));
const phrases = z.array(phrase);
/** "a b c" (a folded block of space-separated words) → ["a", "b", "c"] (a list is kept: parsing twice is harmless). */
const wordBlock = z.union([z.string().transform((s) => s.split(/\s+/).filter(Boolean)), z.array(z.string())]);
const regex = z.string().refine((s) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');
const officeId = z.string().regex(/^[a-z0-9-]+$/);

const ShorthandFile = z.object({
  shorthand: z.record(z.string(), phrases),
  acronyms: z.record(z.string(), phrase),
  en_synonyms: z.record(z.string(), phrases),
});

const PlacesFile = z.object({ folded: phrases, accented_only: phrases });

const OffDomainFile = z.object({
  weight: z.number().positive(),
  topics: z.array(
    z.object({
      id: officeId,
      route: officeId.nullable(),
      terms: phrases.min(1),
      // matched only when typed with their marks: folded, they are everyday words ("bão" → "bao", as in "bao nhiêu")
      marked_terms: phrases.default([]),
      // a place the asker is at or stays in ("homestay", "khách sạn"): it is the head of a question
      // only when the question names no other off-domain topic that the matched text speaks to
      // ("power cut at my homestay" asks about the power cut)
      setting: z.boolean().default(false),
    }),
  ),
});

const RoutesFile = z.object({
  default: officeId,
  // words of a question that say which office handles it, whatever its knowledge topic ("đồn biên
  // phòng", "căn cước", "mất điện"); first match in file order wins. Unlike off-domain terms they do
  // not change grounding: they only route a refusal.
  by_terms: z.array(z.object({ office: officeId, errand: z.boolean().default(false), terms: phrases.min(1) })).default([]),
  topics: z.record(z.string(), officeId),
  rumour: officeId,
  scam: officeId,
});

export const OfficeSchema = z.object({
  id: officeId,
  name: phrase,
  name_en: phrase,
  handles: z.string().nullable().optional(),
  handles_en: z.string().nullable().optional(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  hours: z.string().nullable(),
  source: z.string().nullable().optional(),
  source_url: z.string().url().nullable().optional(),
  needs_input: z.array(z.string()).default([]),
});
const OfficesFile = z.object({ offices: z.array(OfficeSchema).min(1) });

const EntitySchema = z.object({
  id: officeId,
  class: phrase,
  name: phrase,
  name_en: phrase,
  topic: z.string().optional(),
  home: z.boolean().optional(),
  aliases: phrases.min(1),
  raw: phrases.optional(),
  exclude: phrases.optional(),
  namesakes: phrases.optional(),
  held_at: z.string().optional(),
});
const EntitiesFile = z.object({ entities: z.array(EntitySchema).min(1) });

const ValueKind = z.enum(['date', 'time', 'number', 'ordinal', 'distance', 'quantity', 'money', 'place', 'person', 'none']);
export const ANSWER_TYPES = ['how_long', 'when', 'hours', 'how_many', 'who', 'where', 'why', 'how_to', 'papers', 'what_is', 'yesno'] as const;
const CommuneTime = z.object({ accented: phrases, unaccented: phrases, not: phrases, phrases });
const QuestionWordsFile = z.object({
  fillers: wordBlock,
  accented_fillers: wordBlock,
  question_phrases: phrases,
  en_tags: phrases,
  en_openers: phrases,
  answer_types: z.array(z.object({ type: z.enum(ANSWER_TYPES), values: ValueKind, phrases: phrases.min(1) })),
  time_words: z.object({ this_year: phrases, next_year: phrases, last_year: phrases, upcoming: phrases }),
  follow_up: z.object({ openers: phrases, closers: phrases, pronouns: phrases }),
  closing_particles: phrases.default([]),
  self_words: z.object({ window: z.number().int().min(1).max(8), words: phrases, verbs: phrases }).default({ window: 4, words: [], verbs: [] }),
  parts: z.object({ max: z.number().int().min(1).max(5), joiners: phrases }),
  title_words: wordBlock,
  commune_time: z.object({ former: CommuneTime, current: CommuneTime }),
  named_places: z
    .object({ marked: phrases, unmarked: phrases, en_tails: phrases, stop: wordBlock })
    .default({ marked: [], unmarked: [], en_tails: [], stop: [] }),
  counted: z
    .object({ after: phrases, skip: wordBlock, which: phrases.default([]), synonyms: z.record(z.string(), phrases) })
    .default({ after: [], skip: [], which: [], synonyms: {} }),
});

const LanguageFile = z.object({ english_words: wordBlock, neutral: phrases });

const SMALLTALK_KINDS = ['identity', 'insult', 'thanks', 'bye', 'greeting', 'ack'] as const;
const SmalltalkFile = z.object({
  kinds: z.object(Object.fromEntries(SMALLTALK_KINDS.map((k) => [k, phrases])) as Record<(typeof SMALLTALK_KINDS)[number], typeof phrases>),
  fillers: wordBlock,
  own_names: phrases,
});

const LangReplies = z.object({
  topics: phrase,
  welcome: phrase,
  smalltalk: z.object(Object.fromEntries(SMALLTALK_KINDS.map((k) => [k, phrase])) as Record<(typeof SMALLTALK_KINDS)[number], typeof phrase>),
  refusal_why: phrase,
  refusal_why_off_domain: phrase,
  refusal_where: phrase,
  refusal_where_general: phrase,
  // keeps its leading space: " (điện thoại …)" follows the office name
  contact_phone: z.string().min(1),
  nothing_asked: phrase,
  clarify: phrase,
  clarify_two: phrase,
  overview_menu: phrase,
  menu_expired: phrase,
  unknown_part: phrase,
  year_note: phrase,
  year_missing: phrase,
  rumour: phrase,
  rumour_facts: phrase,
  rumour_where: phrase,
  scam: phrase,
  scam_where: phrase,
  en_note: z.string(),
});
const RepliesFile = z.object({ vi: LangReplies, en: LangReplies, not_published_markers: phrases.min(1) });

const InjectionFile = z.object({ instruction_patterns: z.array(regex).min(1), echo_patterns: z.array(regex) });

const ClaimsFile = z.object({
  rumour_markers: phrases,
  // "fb đồn", "trên mạng người ta bảo", "dân mạng chia sẻ": a source followed (within `window` words) by a telling verb
  rumour_sources: phrases.default([]),
  rumour_verbs: phrases.default([]),
  rumour_window: z.number().int().min(1).max(6).default(3),
  rumour_verb_not_before: phrases.default([]),
  quoted_min_words: z.number().int().min(1),
  sensitive: z.array(
    z.object({
      id: officeId,
      topic: z.string(),
      entities: z.array(officeId),
      terms: phrases,
      predicates: phrases.min(1),
      // knowledge entries (FAQ ids) whose answer states the official position on the matter; the
      // rumour reply quotes the first one the knowledge has, else the best passage on the topic
      facts: z.array(z.string()).default([]),
    }),
  ),
  scam: z.object({
    money: phrases.min(1),
    request: phrases.min(1),
    // a sum of money ("500k", "2 triệu", "35 nghìn", "$20"): a number followed by one of these units
    amount_units: phrases.default([]),
    // …with one of these (pay, transfer, a fee, a deposit) is a request for money, whoever asks
    pay_words: phrases.default([]),
    // a link or an app to install that someone sent
    link_words: phrases.default([]),
  }),
});

export const AssistantDataSchema = z.object({
  shorthand: ShorthandFile,
  places: PlacesFile,
  offDomain: OffDomainFile,
  routes: RoutesFile,
  offices: OfficesFile,
  entities: EntitiesFile,
  questionWords: QuestionWordsFile,
  language: LanguageFile,
  smalltalk: SmalltalkFile,
  replies: RepliesFile,
  injection: InjectionFile,
  claims: ClaimsFile,
});

export type AssistantData = z.infer<typeof AssistantDataSchema>;
export type Office = z.infer<typeof OfficeSchema>;
export type EntityDef = z.infer<typeof EntitySchema>;
export type AnswerTypeName = (typeof ANSWER_TYPES)[number];
export type ValueKindName = z.infer<typeof ValueKind>;
export type SmalltalkKind = (typeof SMALLTALK_KINDS)[number];
export type Replies = z.infer<typeof LangReplies>;

/** File name (in knowledge/_assistant) of each part. */
export const ASSISTANT_FILES: Record<keyof AssistantData, string> = {
  shorthand: 'shorthand.yml',
  places: 'places.yml',
  offDomain: 'off-domain.yml',
  routes: 'routes.yml',
  offices: 'offices.yml',
  entities: 'entities.yml',
  questionWords: 'question-words.yml',
  language: 'language.yml',
  smalltalk: 'smalltalk.yml',
  replies: 'replies.yml',
  injection: 'injection.yml',
  claims: 'claims.yml',
};

/** A file of knowledge/_assistant that is missing or does not match its schema; names the file and the field. */
export class AssistantDataError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`knowledge/_assistant/${file}: ${message}`);
    this.name = 'AssistantDataError';
  }
}

/**
 * Reads and validates every file of `<knowledgeDir>/_assistant`, and checks the references between
 * them (routes name offices that exist; sensitive claims name entities that exist).
 */
export function loadAssistantData(knowledgeDir: string): AssistantData {
  const dir = path.join(knowledgeDir, '_assistant');
  const raw: Record<string, unknown> = {};
  for (const [key, file] of Object.entries(ASSISTANT_FILES)) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, file), 'utf8');
    } catch (err) {
      throw new AssistantDataError(file, `cannot be read (${(err as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = YAML.parse(text);
    } catch (err) {
      throw new AssistantDataError(file, `is not valid YAML (${(err as Error).message})`);
    }
    const schema = AssistantDataSchema.shape[key as keyof AssistantData];
    const r = schema.safeParse(parsed);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new AssistantDataError(file, `${issue.path.join('.') || '(top)'}: ${issue.message}`);
    }
    raw[key] = r.data;
  }
  const data = raw as AssistantData;
  checkReferences(data);
  return data;
}

function checkReferences(d: AssistantData): void {
  const offices = new Set(d.offices.offices.map((o) => o.id));
  const need = (file: string, id: string | null, where: string) => {
    if (id !== null && !offices.has(id)) throw new AssistantDataError(file, `${where} names office "${id}", which offices.yml does not define`);
  };
  need('routes.yml', d.routes.default, 'default');
  need('routes.yml', d.routes.rumour, 'rumour');
  need('routes.yml', d.routes.scam, 'scam');
  for (const [topic, id] of Object.entries(d.routes.topics)) need('routes.yml', id, `topics.${topic}`);
  for (const t of d.offDomain.topics) need('off-domain.yml', t.route, `topic ${t.id}`);
  for (const [i, r] of d.routes.by_terms.entries()) need('routes.yml', r.office, `by_terms[${i}]`);
  const entities = new Set<string>();
  for (const e of d.entities.entities) {
    if (entities.has(e.id)) throw new AssistantDataError('entities.yml', `entity id "${e.id}" appears twice`);
    entities.add(e.id);
  }
  for (const s of d.claims.sensitive) {
    for (const id of s.entities) if (!entities.has(id)) throw new AssistantDataError('claims.yml', `sensitive.${s.id} names entity "${id}", which entities.yml does not define`);
  }
}

/** The knowledge directory bundled with the code (used when a caller passes no data). */
export const BUNDLED_KNOWLEDGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../knowledge');

let bundled: AssistantData | null = null;
/** The bundled knowledge/_assistant data, loaded once (for callers without a snapshot, e.g. language detection). */
export function bundledAssistantData(): AssistantData {
  bundled ??= loadAssistantData(BUNDLED_KNOWLEDGE_DIR);
  return bundled;
}
