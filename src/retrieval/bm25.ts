// In-process BM25 (Okapi, k1 = 1.2, b = 0.75) over the term views of src/text/terms.ts. PostgreSQL's
// ts_rank has no IDF and plainto_tsquery ANDs every word (reference/vietnamese-text.md §2.4), and a
// few thousand units fit in memory easily, so ranking happens here.

export interface WeightedTerm {
  term: string;
  weight: number;
}

export interface Bm25Hit {
  unit: number;
  score: number;
}

const K1 = 1.2;
const B = 0.75;

export class Bm25Index {
  private readonly termIds = new Map<string, number>();
  private postings: Array<{ units: number[]; tfs: number[] }> = [];
  private readonly unitTerms: Array<Map<number, number>> = [];
  private lengths: number[] = [];
  private avgLength = 1;

  /** Adds unit number `unit` (0, 1, 2 … in order) with its terms (repeats count as term frequency). */
  add(unit: number, terms: string[]): void {
    if (unit !== this.unitTerms.length) throw new Error('units must be added in order');
    const tf = new Map<number, number>();
    for (const t of terms) {
      let id = this.termIds.get(t);
      if (id === undefined) {
        id = this.postings.length;
        this.termIds.set(t, id);
        this.postings.push({ units: [], tfs: [] });
      }
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    for (const [id, n] of tf) {
      this.postings[id]!.units.push(unit);
      this.postings[id]!.tfs.push(n);
    }
    this.unitTerms.push(tf);
    this.lengths.push(terms.length);
    this.totalLength += terms.length;
    this.avgLength = this.totalLength / this.lengths.length || 1;
    this.lengthNorm = null;
  }

  private totalLength = 0;
  /** k1·(1 − b + b·len/avg) per unit, computed once the index is complete (first search). */
  private lengthNorm: Float64Array | null = null;
  private scratch: Float64Array | null = null;

  get size(): number {
    return this.unitTerms.length;
  }

  /** Robertson–Spärck Jones IDF (always positive); a term never seen gets the highest value. */
  idf(term: string): number {
    const id = this.termIds.get(term);
    const df = id === undefined ? 0 : this.postings[id]!.units.length;
    const n = this.unitTerms.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Document frequency (0 when the corpus never uses the term). */
  df(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.postings[id]!.units.length;
  }

  /** The term's id (undefined when the corpus never uses it), for hasId in loops. */
  termId(term: string): number | undefined {
    return this.termIds.get(term);
  }

  hasId(unit: number, id: number | undefined): boolean {
    return id !== undefined && (this.unitTerms[unit]?.has(id) ?? false);
  }

  /** True when unit `unit` contains `term`. */
  has(unit: number, term: string): boolean {
    const id = this.termIds.get(term);
    return id !== undefined && (this.unitTerms[unit]?.has(id) ?? false);
  }

  /** Scores every unit that shares a term with the query; best first, at most `limit`. */
  search(query: WeightedTerm[], limit: number, filter?: (unit: number) => boolean): Bm25Hit[] {
    const n = this.unitTerms.length;
    if (!this.lengthNorm) this.lengthNorm = Float64Array.from(this.lengths, (len) => K1 * (1 - B + (B * len) / this.avgLength));
    if (!this.scratch || this.scratch.length !== n) this.scratch = new Float64Array(n);
    const norms = this.lengthNorm;
    const scores = this.scratch;
    const touched: number[] = [];
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const p = this.postings[id]!;
      const idf = this.idf(term) * weight;
      for (let i = 0; i < p.units.length; i++) {
        const u = p.units[i]!;
        const tf = p.tfs[i]!;
        if (scores[u] === 0) touched.push(u);
        scores[u]! += (idf * tf * (K1 + 1)) / (tf + norms[u]!);
      }
    }
    const hits: Bm25Hit[] = [];
    for (const u of touched) {
      const score = scores[u]!;
      scores[u] = 0;
      if (score === 0) continue;
      if (filter && !filter(u)) continue;
      // keep the best `limit` (score, then unit order), without sorting every touched unit
      if (hits.length === limit) {
        const worst = hits[hits.length - 1]!;
        if (score < worst.score || (score === worst.score && u > worst.unit)) continue;
      }
      let j = hits.length;
      while (j > 0 && (hits[j - 1]!.score < score || (hits[j - 1]!.score === score && hits[j - 1]!.unit > u))) j--;
      hits.splice(j, 0, { unit: u, score });
      if (hits.length > limit) hits.pop();
    }
    return hits;
  }

}
