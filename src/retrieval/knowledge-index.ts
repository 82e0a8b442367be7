// The in-memory retrieval index: every knowledge unit with its BM25 terms (src/text/terms.ts) and
// its dense vector (from pgvector), built at start-up from the database and rebuilt after ingest.
// Hybrid search = BM25 ⊕ dense, fused by reciprocal rank (Cormack et al. 2009, k = 60).
import { unitIndexText } from '../knowledge/ingest.js';
import { parseVector, type StoredChunkRow, type StoredDocumentRow } from '../knowledge/store.js';
import type { DocMeta, ParsedDocument, UnitRole } from '../knowledge/types.js';
import { defaultLexicon, type Lexicon } from '../text/lexicon.js';
import { foldKey, documentTerms, type QueryAnalysis, type QueryTerm } from '../text/terms.js';
import { fold, normalize, words } from '../text/normalize.js';
import { Bm25Index } from './bm25.js';
import { cosine } from './embeddings.js';

/** A knowledge document as the answer pipeline sees it: what ingestion parsed, plus matching views. */
export interface IndexedDocument extends Pick<ParsedDocument, 'id' | 'kind' | 'title' | 'topic' | 'lang' | 'source' | 'body' | 'meta'> {
  /** Folded title, body and every unit text, space-padded: for exact checks such as "does it mention 2017". */
  foldedAll: string;
  /** Title and every phrasing (FAQ questions, claims), raw: what the entry is about, in its own words. */
  names: string;
}

export interface IndexedUnit {
  chunkId: string;
  doc: IndexedDocument;
  role: UnitRole;
  ord: number;
  section: string | null;
  lang: 'vi' | 'en';
  text: string;
  vector: Float32Array;
  /** Distinct folded non-filler words of the unit's own text (phrasings): for phrasing-side coverage. */
  ownTerms: string[];
  /** Folded index text (title, section, text), space-padded. */
  folded: string;
}

export interface Candidate {
  unit: IndexedUnit;
  index: number;
  bm25: number;
  bm25Rank: number | null;
  dense: number;
  denseRank: number | null;
  rrf: number;
  /** IDF-weighted share of the question's content words (unigram groups) found in the unit. */
  coverage: number;
  /** Same for the question's adjacent word pairs: phrase evidence. */
  bigramCoverage: number;
  /** Share of the unit's own content words found in the question (meaningful for short phrasings). */
  unitCoverage: number;
  /**
   * Grounding: IDF-weighted share of the question's content words (not fillers, not question words)
   * that the matched text can speak to: for an FAQ, any of its phrasings or its answer; for a
   * passage, the passage itself. A topical name ("Hang Bua") alone does not ground a question whose
   * head noun ("thời tiết", "khách sạn", "giá vé") the matched text never mentions.
   */
  grounded: number;
  /**
   * The question names an off-domain topic (knowledge/_assistant/off-domain.yml) or another place
   * (places.yml) that the matched text never speaks to: however much else matches, it does not
   * answer the question. A feature: the select step decides.
   */
  uncoveredOffDomain: boolean;
  uncoveredPlace: boolean;
}

/** Where dense neighbours come from: the in-memory copy, or pgvector (PostgreSQL path). */
export interface DenseSearcher {
  search(query: Float32Array, k: number): Promise<Array<{ chunkId: string; score: number }>>;
}

const RRF_K = 60;
/** BM25 weight of filler terms relative to content terms. */
const FILLER_WEIGHT = 0.25;
/** An off-domain group counts as spoken to when the text holds at least this share of it (a folded-only match is half). */
const UNCOVERED_OFF_DOMAIN_SHARE = 0.75;

export class KnowledgeIndex {
  readonly units: IndexedUnit[] = [];
  readonly documents = new Map<string, IndexedDocument>();
  private readonly bm25 = new Bm25Index();
  private readonly unitByChunk = new Map<string, number>();
  /** FAQ and misconception documents: every term of every unit (grounding is judged per document). */
  private readonly docTerms = new Map<string, Set<string>>();

  constructor(
    docs: StoredDocumentRow[],
    chunks: StoredChunkRow[],
    vectors?: Map<string, Float32Array>,
    readonly lex: Lexicon = defaultLexicon(),
  ) {
    for (const d of docs) {
      this.documents.set(d.id, {
        id: d.id,
        kind: d.kind,
        title: d.title,
        topic: d.topic,
        lang: d.lang,
        source: d.source,
        body: d.body,
        meta: (d.meta ?? {}) as DocMeta,
        foldedAll: ` ${fold(normalize(`${d.title}\n${d.body}`))} `,
        names: d.title,
      });
    }
    for (const c of chunks) {
      const doc = this.documents.get(c.document_id);
      if (!doc) continue;
      const vector = vectors ? vectors.get(c.id) : parseVector(c.embedding);
      if (!vector) continue;
      const unit: IndexedUnit = {
        chunkId: c.id,
        doc,
        role: c.role,
        ord: c.ord,
        section: c.section,
        lang: c.lang,
        text: c.text,
        vector,
        ownTerms: [...new Set(words(fold(normalize(c.text))).filter((w) => !lex.fillers.has(w)).map(foldKey))],
        folded: '',
      };
      unit.folded = ` ${fold(normalize(unitIndexText(doc, unit)))} `;
      if (c.role === 'question' || c.role === 'claim') {
        doc.foldedAll += `${fold(normalize(c.text))} `;
        doc.names += `\n${c.text}`;
      }
      const i = this.units.length;
      this.units.push(unit);
      this.unitByChunk.set(c.id, i);
      const terms = documentTerms(unitIndexText(doc, unit));
      this.bm25.add(i, terms);
      if (doc.kind !== 'doc') {
        let set = this.docTerms.get(doc.id);
        if (!set) this.docTerms.set(doc.id, (set = new Set()));
        for (const t of terms) set.add(t);
      }
    }
  }

  get size(): number {
    return this.units.length;
  }

  idf(term: string): number {
    return this.bm25.idf(term);
  }

  /** In-memory exact cosine search (the vectors are unit length). */
  memorySearcher(): DenseSearcher {
    // one flat matrix, built once per engine, stored dimension-major (all units' values of dimension
    // 0, then of dimension 1 …): the local hashed query vector is sparse (a few dozen non-zero
    // dimensions out of 384), so a search adds up a few dozen contiguous columns instead of striding
    // through every unit's row
    const n = this.units.length;
    const dims = n ? this.units[0]!.vector.length : 0;
    const columns = new Float32Array(n * dims);
    this.units.forEach((u, i) => {
      if (u.vector.length !== dims) return;
      for (let d = 0; d < dims; d++) columns[d * n + i] = u.vector[d]!;
    });
    const sums = new Float64Array(n);
    const scores = new Float32Array(n);
    return {
      search: async (q, k) => {
        if (q.length !== dims) return [];
        sums.fill(0);
        for (let d = 0; d < dims; d++) {
          const w = q[d]!;
          if (w === 0) continue;
          const base = d * n;
          for (let i = 0; i < n; i++) sums[i]! += w * columns[base + i]!;
        }
        scores.set(sums);
        return topK(scores, k).map((i) => ({ chunkId: this.units[i]!.chunkId, score: scores[i]! }));
      },
    };
  }

  async retrieve(q: QueryAnalysis, qvec: Float32Array | null, dense: DenseSearcher | null, limit = 30): Promise<Candidate[]> {
    // question words and particles ("what is the", "cho mình hỏi") score, but lightly: many short
    // phrasings share them, and they must not crowd out the one rare content word ("UNCLOS")
    const lexical = this.bm25.search(q.terms.map((t) => (t.filler ? { term: t.term, weight: t.weight * FILLER_WEIGHT } : t)), 60);
    const denseHits = qvec && dense ? await dense.search(qvec, 60) : [];
    const byUnit = new Map<number, Candidate>();
    const get = (i: number): Candidate => {
      let c = byUnit.get(i);
      if (!c) {
        c = emptyCandidate(this.units[i]!, i);
        byUnit.set(i, c);
      }
      return c;
    };
    lexical.forEach((h, rank) => {
      const c = get(h.unit);
      c.bm25 = h.score;
      c.bm25Rank = rank;
      c.rrf += 1 / (RRF_K + rank + 1);
    });
    denseHits.forEach((h, rank) => {
      const i = this.unitByChunk.get(h.chunkId);
      if (i === undefined) return;
      const c = get(i);
      c.dense = h.score;
      c.denseRank = rank;
      c.rrf += 1 / (RRF_K + rank + 1);
    });
    const out = [...byUnit.values()];
    out.sort((a, b) => b.rrf - a.rrf || a.index - b.index);
    // coverage only for the candidates kept (the fused rank does not depend on it)
    const kept = out.slice(0, limit);
    // dense score for lexical-only candidates (cheap: one dot product each)
    if (qvec) for (const c of kept) if (c.denseRank === null) c.dense = cosine(qvec, c.unit.vector);
    for (const c of kept) this.fillCoverage(q, c);
    return kept;
  }

  /** Computes the coverage features of one candidate for a question. */
  private readonly ownIdf = new WeakMap<IndexedUnit, Float64Array>();
  private ownIdfs(unit: IndexedUnit): Float64Array {
    let v = this.ownIdf.get(unit);
    if (!v) {
      v = Float64Array.from(unit.ownTerms, (w) => this.bm25.idf('f:' + w));
      this.ownIdf.set(unit, v);
    }
    return v;
  }

  /** Indices of the units that are misconception claims (the claims step looks only at these). */
  get claimUnits(): readonly number[] {
    this.claimIdx ??= this.units.flatMap((u, i) => (u.role === 'claim' ? [i] : []));
    return this.claimIdx;
  }
  private claimIdx: number[] | null = null;

  private readonly prepared = new WeakMap<QueryAnalysis, CoveragePrep>();
  /** The query side of fillCoverage, once per question (weights, denominators, off-domain and place groups). */
  private prepare(q: QueryAnalysis): CoveragePrep {
    const cached = this.prepared.get(q);
    if (cached) return cached;
    // term groups get dense slots (first appearance order), so that fillCoverage, which runs for
    // every candidate, works on flat arrays instead of copying one object per group
    const slotOf = new Map<number, number>();
    const groups: CoverageGroup[] = [];
    for (const t of q.terms) {
      let slot = slotOf.get(t.group);
      if (slot === undefined) {
        slot = groups.length;
        slotOf.set(t.group, slot);
        groups.push({ bigram: t.bigram, filler: t.filler, offDomain: false, setting: false, place: false, denom: 0 });
      }
      if (t.weight === 1 && this.lex.placeTerms.has(t.term)) groups[slot]!.place = true;
    }
    for (const [id, topic] of offDomainGroups(q, this.lex)) {
      const g = groups[slotOf.get(id)!]!;
      g.offDomain = true;
      g.setting = this.lex.offDomainSettings.has(topic);
    }
    // a word typed with its marks ("quán") grounds fully only by its accented form; the folded form
    // ("quan" = quản, quan…) counts half
    const typedAccented = new Set(q.terms.filter((t) => t.weight === 1 && t.term.startsWith('a:')).map((t) => t.group));
    // denominator: the best known alternative of the group (an unknown typed token like "ko" does not
    // count against a unit when its expansion "không" is known); unknown-only groups count in full
    const known = new Float64Array(groups.length);
    const any = new Float64Array(groups.length);
    const terms: CoveragePrep['terms'] = [];
    for (const t of q.terms) {
      const slot = slotOf.get(t.group)!;
      const w = t.weight * this.bm25.idf(t.term);
      if (this.bm25.df(t.term) > 0) known[slot] = Math.max(known[slot]!, w);
      any[slot] = Math.max(any[slot]!, w);
      terms.push({ slot, term: t.term, id: this.bm25.termId(t.term), w, halfIfFolded: t.term.startsWith('f:') && typedAccented.has(t.group) });
    }
    groups.forEach((g, slot) => (g.denom = known[slot]! > 0 ? known[slot]! : any[slot]!));
    const content = groups.flatMap((g, slot) => (g.filler ? [] : [slot]));
    // the coverage pool: content groups, unless the question has only bigrams among them
    const pool = content.some((slot) => !groups[slot]!.bigram) ? content : groups.map((_, slot) => slot);
    const prep: CoveragePrep = {
      groups,
      terms,
      poolWords: pool.filter((slot) => !groups[slot]!.bigram),
      poolBigrams: pool.filter((slot) => groups[slot]!.bigram),
      grounding: content.filter((slot) => !groups[slot]!.bigram || groups[slot]!.offDomain || groups[slot]!.place),
      folded: new Set(q.terms.filter((t) => t.term.startsWith('f:')).map((t) => t.term.slice(2))),
    };
    this.prepared.set(q, prep);
    return prep;
  }

  fillCoverage(q: QueryAnalysis, c: Candidate): void {
    const prep = this.prepare(q);
    const { groups } = prep;
    // per group: the best weight found in the unit (num) and in its whole document (doc)
    const num = new Float64Array(groups.length);
    const doc = new Float64Array(groups.length);
    const docTerms = this.docTerms.get(c.unit.doc.id);
    for (const t of prep.terms) {
      const inUnit = this.bm25.hasId(c.index, t.id);
      if (inUnit) num[t.slot] = Math.max(num[t.slot]!, t.w);
      if (inUnit || docTerms?.has(t.term)) doc[t.slot] = Math.max(doc[t.slot]!, t.halfIfFolded ? t.w / 2 : t.w);
    }
    for (let slot = 0; slot < groups.length; slot++) {
      num[slot] = Math.min(num[slot]!, groups[slot]!.denom);
      doc[slot] = Math.min(doc[slot]!, groups[slot]!.denom);
    }
    const ratio = (slots: number[], got: Float64Array, weightOf: (g: CoverageGroup) => number = () => 1) => {
      let d = 0;
      let n = 0;
      for (const slot of slots) {
        const g = groups[slot]!;
        d += weightOf(g) * g.denom;
        n += weightOf(g) * got[slot]!;
      }
      return d > 0 ? n / d : null;
    };
    c.coverage = ratio(prep.poolWords, num) ?? 0;
    c.bigramCoverage = ratio(prep.poolBigrams, num) ?? 0;
    // grounding: the words of the question, plus any off-domain topic it names (src/text/off-domain.ts),
    // weighted up so that an uncovered "thời tiết" or "bóng đá" outweighs a covered "Hang Bua"
    const covered = (slot: number) => doc[slot]! >= groups[slot]!.denom * UNCOVERED_OFF_DOMAIN_SHARE;
    // where the asker is ("homestay", "khách sạn") is not the head of a question whose other
    // off-domain topic ("power cut") the text speaks to: it neither grounds nor disqualifies
    const settingAside = prep.grounding.some((slot) => groups[slot]!.offDomain && !groups[slot]!.setting && covered(slot));
    const grounding = settingAside ? prep.grounding.filter((slot) => !groups[slot]!.setting) : prep.grounding;
    c.grounded = ratio(grounding, doc, (g) => (g.offDomain || g.place ? this.lex.offDomainWeight : 1)) ?? 1;
    // an off-domain topic the matched text never speaks to ("làm căn cước", "giá vàng") is the head
    // of the question: however much else matches, the text does not answer it
    c.uncoveredOffDomain = grounding.some((slot) => groups[slot]!.offDomain && !covered(slot));
    // so is another place ("Hà Giang", "Đà Lạt", "xã Châu Hạnh") that the matched text never names:
    // the same words about Hang Bua do not answer it (src/text/places.ts)
    c.uncoveredPlace = prep.grounding.some((slot) => groups[slot]!.place && doc[slot]! < groups[slot]!.denom * UNCOVERED_OFF_DOMAIN_SHARE);
    // unit side: share of the unit's own content words that the question contains
    const qFolded = prep.folded;
    const own = c.unit.ownTerms;
    if (own.length) {
      let num = 0;
      let den = 0;
      const idfs = this.ownIdfs(c.unit);
      for (let i = 0; i < own.length; i++) {
        den += idfs[i]!;
        if (qFolded.has(own[i]!)) num += idfs[i]!;
      }
      c.unitCoverage = den > 0 ? num / den : 0;
    }
  }
}

/** A candidate with no features yet. */
export function emptyCandidate(unit: IndexedUnit, index: number): Candidate {
  return { unit, index, bm25: 0, bm25Rank: null, dense: 0, denseRank: null, rrf: 0, coverage: 0, bigramCoverage: 0, unitCoverage: 0, grounded: 0, uncoveredOffDomain: false, uncoveredPlace: false };
}

/**
 * Off-domain topics the question names, by term group → topic id. A word typed with its marks
 * matches only the accented form ("sơ đồ" is not "sổ đỏ"); a word typed without marks, and the
 * expansions of shorthand (written accented by staff), match the folded form too.
 */
interface CoverageGroup {
  bigram: boolean;
  filler: boolean;
  offDomain: boolean;
  /** an off-domain topic that only says where the asker is (off-domain.yml `setting`) */
  setting: boolean;
  place: boolean;
  denom: number;
}

interface CoveragePrep {
  /** Term groups by slot. */
  groups: CoverageGroup[];
  terms: Array<{ slot: number; term: string; id: number | undefined; w: number; halfIfFolded: boolean }>;
  /** Slots whose weights make up coverage (words), bigram coverage and grounding. */
  poolWords: number[];
  poolBigrams: number[];
  grounding: number[];
  folded: Set<string>;
}

/** Indices of the k highest scores, best first (ties: lower index first), without sorting them all. */
export function topK(scores: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (top.length === k && v <= scores[top[top.length - 1]!]!) continue;
    let j = top.length;
    while (j > 0 && scores[top[j - 1]!]! < v) j--;
    top.splice(j, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

export function offDomainGroups(q: QueryAnalysis, lex: Lexicon): Map<number, string> {
  const cached = offDomainCache.get(q);
  if (cached) return cached;
  const byGroup = new Map<number, QueryTerm[]>();
  for (const t of q.terms) {
    let list = byGroup.get(t.group);
    if (!list) byGroup.set(t.group, (list = []));
    list.push(t);
  }
  const out = new Map<number, string>();
  for (const [g, terms] of byGroup) {
    const typedA = terms.find((t) => t.weight === 1 && (t.term.startsWith('a:') || t.term.startsWith('A:')));
    const typedF = terms.find((t) => t.weight === 1 && (t.term.startsWith('f:') || t.term.startsWith('F:')));
    const plain = !typedA || (typedF !== undefined && typedA.term.slice(2) === typedF.term.slice(2));
    for (const t of terms) {
      const accentedKey = t.term.startsWith('a:') || t.term.startsWith('A:');
      const hit = accentedKey ? lex.offDomainAccented.get(t.term) : plain || t.weight < 1 ? lex.offDomainFolded.get(t.term) : undefined;
      if (hit) {
        out.set(g, hit);
        break;
      }
    }
  }
  offDomainCache.set(q, out);
  return out;
}
const offDomainCache = new WeakMap<QueryAnalysis, Map<number, string>>();

/** pgvector k-NN over the local vectors (used on PostgreSQL, where the round trip is cheap). */
export function pgvectorSearcher(query: (sql: string, params: unknown[]) => Promise<Array<{ id: string; score: number }>>): DenseSearcher {
  return {
    async search(q, k) {
      const literal = '[' + Array.from(q, (x) => (Math.round(x * 1e6) / 1e6).toString()).join(',') + ']';
      const rows = await query(
        `SELECT id::text AS id, 1 - (embedding <=> $1::vector) AS score FROM knowledge_chunk ORDER BY embedding <=> $1::vector LIMIT $2`,
        [literal, k],
      );
      return rows.map((r) => ({ chunkId: r.id, score: Number(r.score) }));
    },
  };
}
