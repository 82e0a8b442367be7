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
    this.avgLength = this.lengths.reduce((a, b) => a + b, 0) / this.lengths.length || 1;
  }

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

  /** True when unit `unit` contains `term`. */
  has(unit: number, term: string): boolean {
    const id = this.termIds.get(term);
    return id !== undefined && (this.unitTerms[unit]?.has(id) ?? false);
  }

  /** Scores every unit that shares a term with the query; best first, at most `limit`. */
  search(query: WeightedTerm[], limit: number, filter?: (unit: number) => boolean): Bm25Hit[] {
    const scores = new Map<number, number>();
    for (const { term, weight } of query) {
      const id = this.termIds.get(term);
      if (id === undefined) continue;
      const p = this.postings[id]!;
      const idf = this.idf(term) * weight;
      for (let i = 0; i < p.units.length; i++) {
        const u = p.units[i]!;
        const tf = p.tfs[i]!;
        const norm = tf + K1 * (1 - B + (B * this.lengths[u]!) / this.avgLength);
        scores.set(u, (scores.get(u) ?? 0) + (idf * tf * (K1 + 1)) / norm);
      }
    }
    const hits: Bm25Hit[] = [];
    for (const [unit, score] of scores) if (!filter || filter(unit)) hits.push({ unit, score });
    hits.sort((a, b) => b.score - a.score || a.unit - b.unit);
    return hits.slice(0, limit);
  }
}
