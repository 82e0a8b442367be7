// Step 5, false claims and rumours, by meaning:
//  - a curated misconception, matched by its phrasings (with its `requires` groups) or by its
//    entities and predicate words (unaccented and English too);
//  - a scam: the message asks for money, fees, codes or links → do not pay, report to Công an xã;
//  - an assertion on a sensitive matter (sovereignty, border changes, travel bans, cancelled events,
//    human rights and religion) with no curated correction → the rumour-shaped reply;
//  - rumour markers ("nghe nói", "trên mạng bảo", quoted forwarded text) are remembered: if the
//    knowledge cannot answer, the reply is rumour-shaped instead of a plain refusal.
import type { Candidate, IndexedUnit } from '../../retrieval/knowledge-index.js';
import { emptyCandidate } from '../../retrieval/knowledge-index.js';
import { foldedText } from '../../text/keys.js';
import { fold, normalize, words } from '../../text/normalize.js';
import type { Lexicon } from '../../text/lexicon.js';
import { expandedFolded } from '../../text/terms.js';
import { withSource } from '../compose.js';
import { requiresSatisfied, round, stemmedPadded, type Draft, type PartState, type State, type Step } from '../pipeline.js';
import { fill, whereSentence } from '../refusal.js';
import { entitiesIn } from '../understand.js';
import { partState } from './understand.js';
import { retrieveInto } from './retrieve.js';
import { bestVerified } from './select.js';

/** A claim must be at least this close, relative to the closest FAQ phrasing, to win. */
const QUESTION_MARGIN = 0.05;
/** Share of a claim phrasing's predicate words (not entity names, not fillers) the message must hold. */
const PREDICATE_SHARE = 0.7;
/** Confidence given to a claim-shaped message that satisfies a misconception's `requires` and names its entities. */
const REQUIRES_SHAPE_CONF = 0.6;

export const claimsStep: Step<State> = {
  name: 'claims',
  async run(s) {
    const part = s.parts.length === 1 ? s.parts[0]! : partState(s, s.text);
    const f = ` ${fold(normalize(s.text))} `;
    const claimsData = s.lex.data.claims;
    s.rumourMarked =
      claimsData.rumour_markers.some((m) => f.includes(` ${foldedText(m)} `)) || heardFrom(f, s.lex) || quotedForward(s.question, claimsData.quoted_min_words);
    await retrieveInto(part, s);
    const curated = matchMisconception(s, part);
    if (curated) {
      const doc = curated.cand.unit.doc;
      const en = s.lang === 'en';
      const text = en ? (doc.meta.correctionEn ?? `${doc.body}\n${s.lex.data.replies.en.en_note}`) : doc.body;
      return {
        final: {
          text: withSource(text, doc, s.lang),
          sourced: true,
          outcome: 'misconception',
          sources: [doc],
          misconception: { id: doc.id, claim: doc.meta.claim ?? doc.title },
          confidence: round(curated.conf),
          topic: doc.topic,
        },
        note: `curated ${doc.id} (${curated.how}, ${round(curated.conf)})`,
      };
    }
    const has = (p: string) => f.includes(` ${foldedText(p)} `);
    if (asksForMoney(f, s.question, s.lex) && (claimsData.scam.request.some(has) || s.rumourMarked)) {
      const r = s.lex.data.replies[s.lang];
      const text = `${r.scam}\n${whereSentence(s.lex, s.lex.data.routes.scam, s.lang, r.scam_where)}`;
      return { final: { text, outcome: 'misconception', sources: [], misconception: { id: 'rumour-scam', claim: s.text.slice(0, 200) }, rumour: true, confidence: 1, topic: 'commune' }, note: 'scam: asks for money, a fee, a code or a link' };
    }
    const ents = new Set(part.entities.map((e) => e.id));
    const assertion = part.type === null || part.type.type === 'yesno' || s.rumourMarked;
    const sensitive = assertion ? claimsData.sensitive.find((c) => (c.entities.some((e) => ents.has(e)) || c.terms.some(has)) && c.predicates.some(has)) : undefined;
    if (sensitive) return { final: rumourReply(s, part, sensitive.id, sensitive.topic, sensitive.entities, sensitive.facts), note: `uncurated claim on ${sensitive.id}` };
    return s.rumourMarked ? { note: 'rumour markers: a rumour reply if nothing answers' } : undefined;
  },
};

/** The rumour-shaped reply: no official information confirms it; what the knowledge has; where to check. */
export function rumourReply(s: State, part: PartState, id: string, topic: string | null, about?: string[], factIds: string[] = []): Draft {
  const r = s.lex.data.replies[s.lang];
  const lines = [r.rumour];
  const sources = [];
  // the curated official position on the matter, when the knowledge has it
  const official = factIds.map((fid) => s.index.documents.get(fid)).find((d) => d !== undefined && d.kind === 'faq');
  // else the facts on the claim's subject (Hoàng Sa), not on what the claim says about it (China)
  const entities = about ? part.entities.filter((e) => about.includes(e.id)) : part.entities;
  const facts = official ? null : bestVerified(part, s, { valueCheck: false, entities });
  if (official) {
    const text = s.lang === 'en' && official.meta.answerEn ? official.meta.answerEn : official.body;
    lines.push(`${r.rumour_facts} ${text.trim()}`);
    sources.push(official);
  } else if (facts) {
    lines.push(`${r.rumour_facts} ${facts.text.trim()}`);
    sources.push(facts.cand.unit.doc);
  }
  lines.push(fill(whereSentence(s.lex, s.lex.data.routes.rumour, s.lang, r.rumour_where), {}));
  return {
    text: lines.join('\n'),
    outcome: 'misconception',
    sources,
    misconception: { id: `rumour-${id}`, claim: s.text.slice(0, 200) },
    rumour: true,
    confidence: official ? 0.8 : facts ? round(facts.conf) : 0.5,
    topic: topic ?? official?.topic ?? facts?.cand.unit.doc.topic ?? null,
  };
}

const heardCache = new WeakMap<Lexicon, { sources: string[][]; verbs: string[][]; notBefore: Set<string> }>();
/** "fb đồn", "trên mạng người ta bảo": a rumour source followed, within a few words, by a telling verb. */
export function heardFrom(f: string, lex: Lexicon): boolean {
  const c = lex.data.claims;
  if (!c.rumour_sources.length || !c.rumour_verbs.length) return false;
  const ws = f.trim().split(' ');
  const at = (i: number, phrase: string[]) => phrase.every((w, k) => ws[i + k] === w);
  let compiled = heardCache.get(lex);
  if (!compiled) {
    compiled = {
      sources: c.rumour_sources.map((x) => fold(normalize(x)).split(' ')),
      verbs: c.rumour_verbs.map((x) => fold(normalize(x)).split(' ')),
      notBefore: new Set(c.rumour_verb_not_before.map((x) => fold(normalize(x)))),
    };
    heardCache.set(lex, compiled);
  }
  const { sources, verbs, notBefore } = compiled;
  for (let i = 0; i < ws.length; i++) {
    const src = sources.find((p) => at(i, p));
    if (!src) continue;
    const from = i + src.length;
    for (let j = from; j < Math.min(ws.length, from + c.rumour_window); j++) {
      const verb = verbs.find((p) => at(j, p));
      if (!verb) continue;
      const next = ws[j + verb.length] ?? '';
      if (!notBefore.has(next) && !notBefore.has(`${next} ${ws[j + verb.length + 1] ?? ''}`)) return true;
    }
  }
  return false;
}

/**
 * The message asks for money, a code or a click: a money word ("chuyển khoản", "mã OTP"), a sum with
 * a paying word ("chuyển 500k phí"), or a link or app someone sent. `f`: the folded, padded message.
 */
export function asksForMoney(f: string, question: string, lex: Lexicon): boolean {
  const scam = lex.data.claims.scam;
  const has = (p: string) => f.includes(` ${foldedText(p)} `);
  return scam.money.some(has) || (hasAmount(f, question, lex) && scam.pay_words.some(has)) || scam.link_words.some(has);
}

const amountCache = new WeakMap<object, RegExp>();
/** A sum of money: "500k", "2 triệu", "35 nghìn", "1tr8", "200.000đ", "$20". */
function hasAmount(f: string, question: string, lex: Lexicon): boolean {
  const units = lex.data.claims.scam.amount_units;
  let re = amountCache.get(lex);
  if (!re) {
    const alts = units.map((u) => fold(normalize(u)).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).filter(Boolean);
    re = new RegExp(`(^| )\\d+ ?(${alts.join('|')})\\d*(?= |$)`);
    amountCache.set(lex, re);
  }
  return units.length > 0 && (re.test(f) || /\$\s?\d/.test(question));
}

/** Forwarded text in quotes ("…", “…”) of at least `min` words. */
function quotedForward(text: string, min: number): boolean {
  for (const m of text.matchAll(/["“«]([^"”»]{10,})["”»]/g)) if (words(normalize(m[1]!)).length >= min) return true;
  return false;
}

interface Matched {
  cand: Candidate;
  conf: number;
  how: string;
}

function matchMisconception(s: State, part: PartState): Matched | null {
  const t = s.deps.thresholds;
  const folded = expandedFolded(part.q.normalized, s.lex);
  let best: Matched | null = null;
  const consider = (cand: Candidate, conf: number, how: string) => {
    if (!best || conf > best.conf) best = { cand, conf, how };
  };
  const qEntities = new Set(part.entities.map((e) => e.id));
  const claimShaped = part.type === null || part.type.type === 'yesno' || s.rumourMarked;
  const qStem = stemmedPadded(part.text);
  const byIndex = new Map(part.candidates.map((c) => [c.index, c]));
  for (const idx of s.index.claimUnits) {
    const unit = s.index.units[idx]!;
    const req = unit.doc.meta.requires;
    // a message about another text ("NĐ 34/2014 …") does not make a claim about this one, even when
    // a year of that text's number satisfies the claim's `requires` ("2014")
    if (part.literals.documents.some((d) => !unit.doc.foldedAll.includes(` ${d} `))) continue;
    const inCands = byIndex.get(idx);
    const withReq = !!req && req.length > 0 && requiresSatisfied(folded, req);
    if (withReq || (!req?.length && inCands)) {
      const cand = inCands ?? candidateFor(s, part, unit, idx);
      const conf = claimSimilarity(cand);
      if (conf >= (withReq ? t.misconceptionWithRequires : t.misconceptionWithoutRequires)) consider(cand, conf, withReq ? 'phrasing+requires' : 'phrasing');
    }
    // by meaning: the claim's entities are all named, and most of its predicate words are there
    if (claimShaped && (!req?.length || withReq)) {
      const shape = claimShapeOf(s, unit);
      // the curated `requires` groups are the claim's subject and predicate in every wording staff
      // accept ("từ bỏ", "gave up", "nhượng"): a claim-shaped message that satisfies them all and
      // names the claim's entities makes that claim, in any language
      // (a plain yes/no question — "is it allowed to dig for rubies?" — must also share half the claim's predicate words)
      const statement = s.rumourMarked || part.type === null;
      const share = shape.predicate.length ? shape.predicate.filter((w) => qStem.includes(` ${w} `)).length / shape.predicate.length : 0;
      if (withReq && shape.entities.length && shape.entities.every((e) => qEntities.has(e)) && (statement || share >= 0.5)) {
        consider(inCands ?? candidateFor(s, part, unit, idx), REQUIRES_SHAPE_CONF, 'requires+entities');
      }
      if (shape.entities.length && shape.entities.every((e) => qEntities.has(e)) && shape.predicate.length >= 1) {
        const hit = shape.predicate.filter((w) => qStem.includes(` ${w} `)).length / shape.predicate.length;
        if (hit >= PREDICATE_SHARE) consider(inCands ?? candidateFor(s, part, unit, idx), Math.min(1, 0.5 + 0.4 * hit), 'entities+predicate');
      }
    }
  }
  const found = best as Matched | null;
  if (!found) return null;
  // a curated FAQ phrasing closer to the question than the claim: it is a plain question
  const closestQuestion = Math.max(0, ...part.candidates.filter((c) => c.unit.role === 'question').map(claimSimilarity));
  return found.conf >= closestQuestion - QUESTION_MARGIN ? found : null;
}

function candidateFor(s: State, part: PartState, unit: IndexedUnit, idx: number): Candidate {
  const c = emptyCandidate(unit, idx);
  if (part.qvec) {
    let x = 0;
    for (let i = 0; i < part.qvec.length; i++) x += part.qvec[i]! * unit.vector[i]!;
    c.dense = x;
  }
  s.index.fillCoverage(part.q, c);
  return c;
}

function claimSimilarity(c: Candidate): number {
  // both directions must agree: the question says what the claim says, and the claim's own words are in the question
  const f1 = c.coverage + c.unitCoverage > 0 ? (2 * c.coverage * c.unitCoverage) / (c.coverage + c.unitCoverage) : 0;
  return Math.max(0, Math.min(1, 0.75 * f1 + 0.1 * c.bigramCoverage + 0.15 * Math.max(0, c.dense)));
}

const shapeCache = new WeakMap<IndexedUnit, { entities: string[]; predicate: string[] }>();
/** A claim phrasing as entities + predicate words (stemmed, folded; fillers and entity names removed). */
function claimShapeOf(s: State, unit: IndexedUnit): { entities: string[]; predicate: string[] } {
  let shape = shapeCache.get(unit);
  if (!shape) {
    const ents = entitiesIn(s.lex, unit.text).filter((e) => !e.home);
    let f = ` ${fold(normalize(unit.text))} `;
    for (const e of ents) if (e.alias) f = f.split(` ${e.alias} `).join(' ');
    const predicate = [...new Set(stemmedPadded(f).trim().split(' '))].filter((w) => w && !s.lex.fillers.has(w));
    shape = { entities: ents.map((e) => e.id), predicate };
    shapeCache.set(unit, shape);
  }
  return shape;
}

