// The assistant's vocabularies (knowledge/_assistant/*.yml, validated by src/answer/assistant-data.ts)
// compiled into lookup tables for the text mechanisms: shorthand expansion, fillers, off-domain and
// place guards, entities with aliases, question words, language words, smalltalk phrases. Every
// table is a Map or Set, so words like "constructor" or "__proto__" typed by a citizen are just words.
import { bundledAssistantData, type AnswerTypeName, type AssistantData, type EntityDef, type Office, type SmalltalkKind, type ValueKindName } from '../answer/assistant-data.js';
import { normalize, toneKey } from './normalize.js';
import { accentKey, foldKey, foldedText } from './keys.js';

export interface CompiledEntity {
  def: EntityDef;
  id: string;
  cls: string;
  /** Folded aliases, space-padded (" hoang sa "), longest first. */
  aliases: string[];
  raw: RegExp[];
  exclude: string[];
}

export interface AnswerTypeRule {
  type: AnswerTypeName;
  values: ValueKindName;
  /** Folded phrases, space-padded. */
  phrases: string[];
}

export interface Lexicon {
  readonly data: AssistantData;
  readonly shorthand: ReadonlyMap<string, readonly string[]>;
  readonly acronyms: ReadonlyArray<readonly [string, string]>;
  readonly acronymsByShort: ReadonlyMap<string, string>;
  readonly enSynonyms: ReadonlyMap<string, readonly string[]>;
  readonly fillers: ReadonlySet<string>;
  /** Tone keys of accented fillers. */
  readonly accentedFillers: ReadonlySet<string>;
  readonly questionPhrases: readonly string[][];
  readonly enTags: readonly string[][];
  readonly enOpeners: readonly string[][];
  /** Query-term keys of off-domain topics: accented ("a:…", "A:…") and folded ("f:…", "F:…"), → topic id. */
  readonly offDomainAccented: ReadonlyMap<string, string>;
  readonly offDomainFolded: ReadonlyMap<string, string>;
  readonly offDomainWeight: number;
  readonly offDomainRoute: ReadonlyMap<string, string | null>;
  /** Off-domain topics that only say where the asker is (off-domain.yml `setting`). */
  readonly offDomainSettings: ReadonlySet<string>;
  readonly placeTerms: ReadonlySet<string>;
  readonly entities: readonly CompiledEntity[];
  readonly entityById: ReadonlyMap<string, CompiledEntity>;
  readonly answerTypes: readonly AnswerTypeRule[];
  readonly englishWords: ReadonlySet<string>;
  readonly neutralWords: ReadonlySet<string>;
  readonly smalltalkPhrases: ReadonlyArray<readonly [SmalltalkKind, readonly string[]]>;
  readonly smalltalkFillers: ReadonlySet<string>;
  readonly ownNames: readonly string[];
  readonly notPublished: readonly string[];
  readonly instructionPatterns: readonly RegExp[];
  readonly echoPatterns: readonly RegExp[];
  readonly offices: ReadonlyMap<string, Office>;
  /** Folded title words (question-words.yml `title_words`). */
  readonly titleWords: ReadonlySet<string>;
  readonly communeTime: { former: CommuneTimeWords; current: CommuneTimeWords };
}

export interface CommuneTimeWords {
  /** Accented words (lower case), matched as whole words in a message typed with marks. */
  accented: readonly string[];
  /** Folded words, space-padded, matched when the message has no marks. */
  unaccented: readonly string[];
  /** Folded phrases, space-padded, removed before the unaccented words are looked for. */
  not: readonly string[];
  /** Folded phrases, space-padded, matched in any message. */
  phrases: readonly string[];
}

const pad = (s: string) => ` ${s} `;
const foldPhrase = foldedText;

/** Query-term key of a vocabulary phrase: one word → "x:word"; more → the pair of the last two words. */
function termKey(entry: string, key: (w: string) => string, prefix: 'a' | 'f'): string {
  const ws = normalize(entry).split(' ').map(key);
  return ws.length === 1 ? `${prefix}:${ws[0]}` : `${prefix.toUpperCase()}:${ws.slice(-2).join('_')}`;
}

export function compileLexicon(data: AssistantData): Lexicon {
  const qw = data.questionWords;
  const offDomainAccented = new Map<string, string>();
  const offDomainFolded = new Map<string, string>();
  const offDomainRoute = new Map<string, string | null>();
  for (const t of data.offDomain.topics) {
    offDomainRoute.set(t.id, t.route);
    for (const term of t.terms) {
      offDomainAccented.set(termKey(term, accentKey, 'a'), t.id);
      offDomainFolded.set(termKey(term, foldKey, 'f'), t.id);
    }
    for (const term of t.marked_terms) offDomainAccented.set(termKey(term, accentKey, 'a'), t.id);
  }
  const placeKey = (e: string, k: (w: string) => string, prefix: string) => {
    const ws = normalize(e).split(' ').map(k);
    return ws.length === 1 ? `${prefix.toLowerCase()}:${ws[0]}` : `${prefix}:${ws.slice(-2).join('_')}`;
  };
  const placeTerms = new Set<string>([
    ...data.places.folded.map((e) => placeKey(e, foldKey, 'F')),
    ...data.places.folded.map((e) => placeKey(e, accentKey, 'A')),
    ...data.places.accented_only.map((e) => placeKey(e, accentKey, 'A')),
  ]);
  const entities: CompiledEntity[] = data.entities.entities.map((def) => ({
    def,
    id: def.id,
    cls: def.class,
    aliases: [...new Set(def.aliases.map((a) => pad(foldPhrase(a))))].sort((a, b) => b.length - a.length),
    raw: (def.raw ?? []).map((r) => new RegExp(`(?<![\\p{L}\\p{N}])${r.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u')),
    exclude: (def.exclude ?? []).map((x) => pad(foldPhrase(x))),
  }));
  const smalltalkPhrases = (Object.entries(data.smalltalk.kinds) as Array<[SmalltalkKind, string[]]>).map(
    ([k, ps]) => [k, [...ps].map(foldPhrase).sort((a, b) => b.length - a.length)] as const,
  );
  return {
    data,
    shorthand: new Map(Object.entries(data.shorthand.shorthand)),
    acronyms: Object.entries(data.shorthand.acronyms),
    acronymsByShort: new Map(Object.entries(data.shorthand.acronyms)),
    enSynonyms: new Map(Object.entries(data.shorthand.en_synonyms)),
    fillers: new Set(qw.fillers),
    accentedFillers: new Set(qw.accented_fillers.map((w) => toneKey(w))),
    // longest first: "từ bao giờ" is removed whole, not as "bao giờ" leaving "từ"
    questionPhrases: qw.question_phrases.map((p) => foldPhrase(p).split(' ')).sort((a, b) => b.length - a.length),
    enTags: qw.en_tags.map((p) => foldPhrase(p).split(' ')),
    enOpeners: qw.en_openers.map((p) => foldPhrase(p).split(' ')),
    offDomainAccented,
    offDomainFolded,
    offDomainWeight: data.offDomain.weight,
    offDomainRoute,
    offDomainSettings: new Set(data.offDomain.topics.filter((t) => t.setting).map((t) => t.id)),
    placeTerms,
    entities,
    entityById: new Map(entities.map((e) => [e.id, e])),
    answerTypes: qw.answer_types.map((r) => ({ type: r.type, values: r.values, phrases: r.phrases.map((p) => pad(foldPhrase(p))) })),
    englishWords: new Set(data.language.english_words),
    neutralWords: new Set(data.language.neutral.map(foldPhrase)),
    smalltalkPhrases,
    smalltalkFillers: new Set(data.smalltalk.fillers),
    ownNames: data.smalltalk.own_names.map(foldPhrase),
    notPublished: data.replies.not_published_markers.map((m) => m.toLowerCase()),
    instructionPatterns: data.injection.instruction_patterns.map((p) => new RegExp(p)),
    echoPatterns: data.injection.echo_patterns.map((p) => new RegExp(p)),
    offices: new Map(data.offices.offices.map((o) => [o.id, o])),
    titleWords: new Set(qw.title_words.map(foldPhrase)),
    communeTime: {
      former: communeTimeWords(qw.commune_time.former),
      current: communeTimeWords(qw.commune_time.current),
    },
  };
}

function communeTimeWords(w: AssistantData['questionWords']['commune_time']['former']): CommuneTimeWords {
  return {
    accented: w.accented.map((x) => normalize(x)),
    unaccented: w.unaccented.map((x) => pad(foldPhrase(x))),
    not: w.not.map((x) => pad(foldPhrase(x))),
    phrases: w.phrases.map((x) => pad(foldPhrase(x))),
  };
}

let bundled: Lexicon | null = null;
/** The lexicon of the bundled knowledge/_assistant (for callers that hold no snapshot). */
export function defaultLexicon(): Lexicon {
  bundled ??= compileLexicon(bundledAssistantData());
  return bundled;
}

/** Entities a text names, with the folded alias that matched (longest alias first; excluded phrases removed). */
const entityMemo = new WeakMap<Lexicon, Map<string, Array<{ entity: CompiledEntity; alias: string }>>>();
export function findEntities(lex: Lexicon, text: string): Array<{ entity: CompiledEntity; alias: string }> {
  let memo = entityMemo.get(lex);
  if (!memo) entityMemo.set(lex, (memo = new Map()));
  let found = memo.get(text);
  if (!found) {
    found = scanEntities(lex, text);
    if (memo.size > 20000) memo.clear();
    memo.set(text, found);
  }
  return found;
}

function scanEntities(lex: Lexicon, text: string): Array<{ entity: CompiledEntity; alias: string }> {
  const folded = pad(foldPhrase(text));
  const out: Array<{ entity: CompiledEntity; alias: string }> = [];
  for (const e of lex.entities) {
    let t = folded;
    for (const x of e.exclude) t = t.split(x).join(' ');
    const alias = e.aliases.find((a) => t.includes(a));
    if (alias) out.push({ entity: e, alias: alias.trim() });
    else if (e.raw.some((r) => r.test(text))) out.push({ entity: e, alias: '' });
  }
  // an alias inside a longer alias of another entity ("lãnh hải" in "vùng tiếp giáp lãnh hải") is that entity's
  return out.filter((a) => !out.some((b) => b !== a && b.alias.length > a.alias.length && a.alias && pad(b.alias).includes(pad(a.alias))));
}

/** Does a folded, space-padded text mention the entity by any alias? */
export function mentions(entity: CompiledEntity, paddedFolded: string, raw?: string): boolean {
  let t = paddedFolded;
  for (const x of entity.exclude) if (t.includes(x)) t = t.split(x).join(' ');
  return entity.aliases.some((a) => t.includes(a)) || (raw !== undefined && entity.raw.some((r) => r.test(raw)));
}

/** Does the folded, space-padded text contain the folded phrase as whole words? */
export function hasPhrase(paddedFolded: string, phrase: string): boolean {
  return paddedFolded.includes(pad(foldPhrase(phrase)));
}
