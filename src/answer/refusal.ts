// Refusals that help: one short sentence of why, one of where, routed by topic to an office of the
// directory (knowledge/_assistant/offices.yml, routes.yml, off-domain.yml). Contact details are
// printed only when the directory has them; nothing is invented.
import type { Office } from './assistant-data.js';
import type { Lexicon } from '../text/lexicon.js';
import type { Lang } from './types.js';

export interface Route {
  officeId: string;
  /** The question names a topic the commune's assistant does not cover at all (weather, prices). */
  offDomain: boolean;
  /** Off-domain with no office: the "where" sentence lists what the assistant knows. */
  general: boolean;
}

/** Where to send a question: its off-domain topic's route, else its knowledge topic's, else the default. */
export function routeFor(lex: Lexicon, offDomainTopic: string | null, topic: string | null): Route {
  const routes = lex.data.routes;
  if (offDomainTopic) {
    const id = lex.offDomainRoute.get(offDomainTopic);
    if (id) return { officeId: id, offDomain: true, general: false };
    return { officeId: routes.default, offDomain: true, general: true };
  }
  const byTopic = topic ? new Map(Object.entries(routes.topics)).get(topic) : undefined;
  return { officeId: byTopic ?? routes.default, offDomain: false, general: false };
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
