// Refusals that help: one short sentence of why, one of where, routed by topic to an office of the
// directory (knowledge/_assistant/offices.yml, routes.yml, off-domain.yml). Contact details are
// printed only when the directory has them; nothing is invented.
import type { Office } from './assistant-data.js';
import type { Lexicon } from '../text/lexicon.js';
import type { Lang } from './types.js';
import { fold, normalize } from '../text/normalize.js';

export interface Route {
  officeId: string;
  /** The question names a topic the commune's assistant does not cover at all (weather, prices). */
  offDomain: boolean;
  /** Off-domain with no office: the "where" sentence lists what the assistant knows. */
  general: boolean;
}

/**
 * Where to send a question: the office its words name as handling it (routes.yml by_terms: "đồn
 * biên phòng", "căn cước", "mất điện"), else its off-domain topic's route, else its knowledge
 * topic's, else the default.
 */
export function routeFor(lex: Lexicon, offDomainTopic: string | null, topic: string | null, question?: string): Route {
  const routes = lex.data.routes;
  const byTerms = question ? officeNamedBy(lex, question) : null;
  if (byTerms) return { officeId: byTerms, offDomain: offDomainTopic !== null, general: false };
  if (offDomainTopic) {
    const id = lex.offDomainRoute.get(offDomainTopic);
    if (id) return { officeId: id, offDomain: true, general: false };
    return { officeId: routes.default, offDomain: true, general: true };
  }
  const byTopic = topic ? new Map(Object.entries(routes.topics)).get(topic) : undefined;
  return { officeId: byTopic ?? routes.default, offDomain: false, general: false };
}

const termCache = new WeakMap<Lexicon, Array<{ office: string; errand: boolean; terms: Array<{ marked: string; folded: string }> }>>();

function compiledTerms(lex: Lexicon) {
  let compiled = termCache.get(lex);
  if (!compiled) {
    compiled = lex.data.routes.by_terms.map((r) => ({ office: r.office, errand: r.errand, terms: r.terms.map((t) => ({ marked: ` ${normalize(t)} `, folded: ` ${fold(normalize(t))} ` })) }));
    termCache.set(lex, compiled);
  }
  return compiled;
}

/**
 * The errands a question names (routes.yml by_terms marked `errand`: "khai sinh", "mất điện",
 * "căn cước"), folded and space-padded. An answer to the question must be about one of them: the
 * registration of religious activities does not answer "đăng ký khai sinh ở đâu".
 */
export function errandTerms(lex: Lexicon, question: string): string[] {
  const n = ` ${normalize(question)} `;
  const marked = fold(n) !== n;
  const f = ` ${fold(n).trim()} `;
  const out: string[] = [];
  for (const r of compiledTerms(lex)) {
    if (!r.errand) continue;
    // single words ("fire", "visa", "sick") route a refusal well but are too loose to bar an
    // answer ("fire dancing at the festival"): only phrases name the errand
    for (const t of r.terms) if (t.folded.trim().includes(' ') && (marked ? n.includes(t.marked) : f.includes(t.folded))) out.push(t.folded);
  }
  return [...new Set(out)];
}

/**
 * The office whose `by_terms` the question uses, first in file order. Terms are written with their
 * marks: a question typed with marks is compared with marks ("thuốc" is not "thuộc"), one typed
 * without them is compared folded.
 */
export function officeNamedBy(lex: Lexicon, question: string): string | null {
  const n = ` ${normalize(question)} `;
  const marked = fold(n) !== n;
  const f = ` ${fold(n).trim()} `;
  for (const r of compiledTerms(lex)) if (r.terms.some((t) => (marked ? n.includes(t.marked) : f.includes(t.folded)))) return r.office;
  return null;
}

export function officeLabel(office: Office | undefined, lang: Lang): string {
  if (!office) return lang === 'en' ? "Châu Tiến Commune People's Committee (UBND xã Châu Tiến)" : 'UBND xã Châu Tiến';
  return lang === 'en' ? `${office.name_en} (${office.name})` : office.name;
}

/** " (điện thoại 0238…)" when the directory has a number; empty otherwise. */
export function contactOf(lex: Lexicon, office: Office | undefined, lang: Lang): string {
  if (!office?.phone) return '';
  return lex.data.replies[lang].contact_phone.replace('{phone}', office.phone);
}

export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (Object.prototype.hasOwnProperty.call(values, k) ? values[k]! : m));
}

/** "Bạn vui lòng liên hệ Công an xã Châu Tiến." for an office id. */
export function whereSentence(lex: Lexicon, officeId: string, lang: Lang, template?: string): string {
  const r = lex.data.replies[lang];
  const office = lex.offices.get(officeId);
  return fill(template ?? r.refusal_where, { office: officeLabel(office, lang), contact: contactOf(lex, office, lang), topics: r.topics });
}

/** The refusal text: why (or the curated explanation), then where. */
export function refusalText(lex: Lexicon, lang: Lang, route: Route, explanation?: string): string {
  const r = lex.data.replies[lang];
  const why = explanation ?? (route.offDomain ? r.refusal_why_off_domain : r.refusal_why);
  const where = whereSentence(lex, route.officeId, lang, route.general ? r.refusal_where_general : r.refusal_where);
  return `${why.trim()}\n${where}`;
}
