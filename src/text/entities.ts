// Named entities that set apart answers which otherwise share most of their words: countries, the
// two archipelagos, sea zones, provinces, treaties, the commune's sites (knowledge/_assistant/
// entities.yml, with every alias). "Việt Nam và Trung Quốc ký 3 văn kiện năm nào" and the Việt–Lào
// FAQ share every word but the country; a unit that names another entity of the same class is
// about something else.
import { defaultLexicon, findEntities, type Lexicon } from './lexicon.js';
import { fold, normalize } from './normalize.js';

export type Entities = ReadonlyMap<string, ReadonlySet<string>>;

/** Named entities of a text, by class; years (1800–2099) as class "year". */
export function entitiesOf(text: string, lex: Lexicon = defaultLexicon()): Entities {
  const f = fold(normalize(text)).toLowerCase();
  const out = new Map<string, Set<string>>();
  const add = (cls: string, id: string) => {
    let set = out.get(cls);
    if (!set) out.set(cls, (set = new Set()));
    set.add(id);
  };
  // years name an edition or a version: "lễ hội năm 2017" is not the 2026 entry
  for (const m of f.matchAll(/(?<![\d/.-])(1[89]\d\d|20\d\d)(?![\d/.-])/g)) add('year', m[1]!);
  // home places (Việt Nam, Nghệ An, Châu Tiến) are in nearly every unit: not distinguishing names
  for (const { entity } of findEntities(lex, text)) if (!entity.def.home) add(entity.cls, entity.id);
  return out;
}

/**
 * -1 when the unit names, in some class the question also names, only entities the question does
 * not name (another country, the other archipelago); +1 when it names one the question names; 0 otherwise.
 */
export function entityAgreement(question: Entities, unit: Entities, unitText?: string): -1 | 0 | 1 {
  let agree = false;
  for (const [cls, qs] of question) {
    const us = unit.get(cls);
    if (!us || us.size === 0) continue;
    if ([...us].some((e) => qs.has(e))) agree = true;
    // a year the entry's text covers (a list of past years under one "2019" phrasing) is no mismatch
    else if (cls === 'year' && unitText && [...qs].some((y) => unitText.includes(` ${y} `))) continue;
    else return -1;
  }
  return agree ? 1 : 0;
}
