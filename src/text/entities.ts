// Named entities that set apart answers which otherwise share most of their words: countries, the
// two archipelagos, provinces, and the treaties and mechanisms people ask about. "Việt Nam và Trung
// Quốc ký 3 văn kiện năm nào" and the Việt–Lào FAQ share every word but the country; a unit whose
// own phrasings name another entity of the same class is about something else
// (src/answer/pipeline.ts rankAnswers). Patterns run on folded, lower-case, space-padded text;
// acronyms that are also Vietnamese or English words (DOC, COC, CAT) only in capitals on the raw text.
import { fold, normalize } from './normalize.js';

interface EntityDef {
  id: string;
  cls: string;
  folded?: RegExp;
  raw?: RegExp;
}

const w = (...alts: string[]) => new RegExp(`(?<![a-z0-9])(${alts.join('|')})(?![a-z0-9])`);

const DEFS: EntityDef[] = [
  // countries (Việt Nam itself is in nearly every unit: not a distinguishing name)
  { id: 'lao', cls: 'country', folded: w('lao(?! dong)', 'laos', 'vientiane', 'vieng chan') },
  { id: 'china', cls: 'country', folded: w('trung quoc', 'tq', 'china', 'chinese', 'viet trung', 'bac kinh', 'beijing') },
  { id: 'cambodia', cls: 'country', folded: w('campuchia', 'cambodia', 'cambodian', 'cpc', 'khmer') },
  { id: 'philippines', cls: 'country', folded: w('philippines', 'philippin', 'phi lip pin', 'filipino') },
  // archipelagos
  { id: 'hoang-sa', cls: 'archipelago', folded: w('hoang sa', 'paracel', 'paracels', 'hs') },
  { id: 'truong-sa', cls: 'archipelago', folded: w('truong sa', 'spratly', 'spratlys', 'ts') },
  // provinces and cities
  { id: 'nghe-an', cls: 'province', folded: w('nghe an') },
  { id: 'ha-giang', cls: 'province', folded: w('ha giang') },
  { id: 'da-nang', cls: 'province', folded: w('da nang') },
  { id: 'khanh-hoa', cls: 'province', folded: w('khanh hoa') },
  { id: 'quang-nam', cls: 'province', folded: w('quang nam') },
  { id: 'thanh-hoa', cls: 'province', folded: w('thanh hoa') },
  // sea instruments
  { id: 'unclos', cls: 'instrument', folded: w('unclos', 'cong uoc luat bien', 'luat bien 1982') },
  { id: 'doc', cls: 'instrument', raw: /\bDOC\b/ },
  { id: 'coc', cls: 'instrument', raw: /\bCOC\b/ },
  // human-rights mechanisms and treaties
  { id: 'upr', cls: 'rights', folded: w('upr', 'ra soat dinh ky', 'periodic review') },
  { id: 'cerd', cls: 'rights', folded: w('cerd') },
  { id: 'cedaw', cls: 'rights', folded: w('cedaw') },
  { id: 'iccpr', cls: 'rights', folded: w('iccpr', 'icescr') },
  { id: 'crc', cls: 'rights', folded: w('crc', 'quyen tre em', 'rights of the child') },
  { id: 'crpd', cls: 'rights', folded: w('crpd', 'nguoi khuyet tat', 'persons with disabilities') },
  { id: 'cat', cls: 'rights', folded: w('chong tra tan', 'against torture'), raw: /\bCAT\b/ },
];

export type Entities = ReadonlyMap<string, ReadonlySet<string>>;

/** Named entities of a text, by class. */
export function entitiesOf(text: string): Entities {
  const f = fold(normalize(text)).toLowerCase();
  const out = new Map<string, Set<string>>();
  // years name an edition or a version: "lễ hội năm 2017" is not the 2026 entry
  for (const m of f.matchAll(/(?<![\d/.-])(1[89]\d\d|20\d\d)(?![\d/.-])/g)) {
    let set = out.get('year');
    if (!set) out.set('year', (set = new Set()));
    set.add(m[1]!);
  }
  for (const d of DEFS) {
    if ((d.folded && d.folded.test(f)) || (d.raw && d.raw.test(text))) {
      let set = out.get(d.cls);
      if (!set) out.set(d.cls, (set = new Set()));
      set.add(d.id);
    }
  }
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
