// Emerging topics: questions the bot could not answer (out of scope) or answered with low
// confidence, grouped by similarity so staff can see what people ask that the knowledge lacks.
// Similarity is lexical (Jaccard over folded content words and their bigrams) and vector (cosine
// of hashed character trigrams of the folded text: a local embedding that needs no model, and
// catches spelling variants like "ket hon"/"kết hôn" or "dang ki"/"đăng ký"). Computed on demand
// over the most recent questions, with a cap, so it stays fast however large the log grows.
import crypto from 'node:crypto';
import type { EmergingTopic } from '../admin/sources.js';
import type { Queryable } from '../db/types.js';
import { iyKey } from '../text/normalize.js';

export interface EmergingOptions {
  since: Date;
  /** Inclusive: a question asked at this instant counts. */
  until: Date;
  /** "answered" below this confidence counts as not really answered. */
  lowConfidence: number;
  /** Most recent questions considered. */
  cap?: number;
  /** Distinct users a group needs to surface. */
  minUsers?: number;
  /** Similarity (0..1) at which two questions belong together. */
  threshold?: number;
  maxExamples?: number;
}

export interface EmergingQuestion {
  id: string;
  askedAt: Date;
  user: string | null;
  text: string;
  folded: string;
}

// Question scaffolding in chat Vietnamese (folded) and English: it says nothing about the topic.
const STOPWORDS = new Set(
  (
    'a ad admin ah ak anh ban bao ba be biet bn bs cac cai can cau cho chi chu cua co cho da dang day de den di dieu do duoc dc dk dung em gi gio giup ha hai hay he hoi hong hu j k ka ko khi khong kg la lam len lo luc m ma may minh mk moi mot nao nay neu nghe ngay nhe nhi nho nhung noi o oi phai qua ra roi sao se sau so ta tai thay the thi thoi toi tren trong tu va vay ve vi voi vs xin ui uh ue nha nhe hen dau lau nhieu' +
    ' the a an and are be can could do does for from how i in is it me my of on or please should tell that the there this to was what when where which who why will with you your'
  ).split(' '),
);

const DIM = 1024;

export interface Features {
  tokens: Set<string>;
  /** Sparse, L2-normalised hashed character-trigram vector: dimension index -> weight, sorted by index. */
  vector: { idx: Uint32Array; val: Float32Array };
  contentWords: string[];
}

export function features(folded: string): Features {
  // i/y spelling variants (ký/kí, lý/lí) fold to one form so "dang ki" meets "dang ky".
  const words = folded.split(' ').filter((w) => w && !STOPWORDS.has(w)).map(iyKey);
  const tokens = new Set<string>(words);
  for (let i = 0; i + 1 < words.length; i++) tokens.add(`${words[i]}_${words[i + 1]}`);
  const counts = new Map<number, number>();
  const s = ` ${words.join(' ')} `;
  for (let i = 0; i + 3 <= s.length; i++) {
    const k = hash(s.slice(i, i + 3)) % DIM;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const idx = Uint32Array.from([...counts.keys()].sort((a, b) => a - b));
  const val = new Float32Array(idx.length);
  let norm = 0;
  idx.forEach((k, i) => {
    val[i] = counts.get(k)!;
    norm += val[i] * val[i];
  });
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < val.length; i++) val[i] /= norm;
  return { tokens, vector: { idx, val }, contentWords: words };
}

function hash(s: string): number {
  // FNV-1a: fast and stable across runs and processes.
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const t of small) if (big.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

/** Cosine of two sparse normalised vectors (merge of the sorted indices). */
export function cosine(a: Features['vector'], b: Features['vector']): number {
  let s = 0;
  let i = 0;
  let j = 0;
  while (i < a.idx.length && j < b.idx.length) {
    if (a.idx[i] === b.idx[j]) s += a.val[i++] * b.val[j++];
    else if (a.idx[i] < b.idx[j]) i++;
    else j++;
  }
  return s;
}

/** Lexical and vector evidence combined; either a strong word overlap or a strong spelling overlap links. */
export function similarity(a: Features, b: Features): number {
  return Math.max(jaccard(a.tokens, b.tokens), cosine(a.vector, b.vector) * 0.85);
}

export interface Group {
  members: EmergingQuestion[];
  users: Set<string>;
}

/**
 * Grouping over candidate pairs that share a content word (an inverted index keeps this far below
 * n^2), strongest pairs first. Two groups join only when their members are, on average, similar
 * (average linkage over a sample of member pairs), not merely when one pair is: plain single-link
 * chained "xe từ Vinh lên Châu Tiến" to "lịch cắt điện Châu Tiến" through the place name. Words that
 * occur in a large share of the questions are not used to find candidates.
 */
export function groupQuestions(questions: EmergingQuestion[], threshold: number): Group[] {
  const feats = questions.map((x) => features(x.folded));
  const parent = questions.map((_, i) => i);
  const members = questions.map((_, i) => [i]);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const postings = new Map<string, number[]>();
  feats.forEach((f, i) => {
    for (const w of new Set(f.contentWords)) {
      const list = postings.get(w) ?? [];
      list.push(i);
      postings.set(w, list);
    }
  });
  const tooCommon = Math.max(50, questions.length * 0.2);
  const edges: Array<[number, number, number]> = [];
  const seen = new Set<number>();
  for (let i = 0; i < questions.length; i++) {
    seen.clear();
    for (const w of new Set(feats[i].contentWords)) {
      const list = postings.get(w)!;
      if (list.length > tooCommon) continue;
      for (const j of list) {
        if (j <= i || seen.has(j)) continue;
        seen.add(j);
        const sim = similarity(feats[i], feats[j]);
        if (sim >= threshold) edges.push([i, j, sim]);
      }
    }
  }
  edges.sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
  const SAMPLE = 12;
  const averageLink = (a: number[], b: number[]): number => {
    let sum = 0;
    let n = 0;
    for (const i of a.slice(0, SAMPLE)) for (const j of b.slice(0, SAMPLE)) {
      sum += similarity(feats[i], feats[j]);
      n++;
    }
    return n ? sum / n : 0;
  };
  for (const [i, j] of edges) {
    const ri = find(i);
    const rj = find(j);
    if (ri === rj) continue;
    // Identical or near-identical wordings always join; otherwise the groups as wholes must agree.
    if (members[ri].length > 1 || members[rj].length > 1) {
      if (averageLink(members[ri], members[rj]) < threshold * 0.8) continue;
    }
    const [big, small] = members[ri].length >= members[rj].length ? [ri, rj] : [rj, ri];
    parent[small] = big;
    members[big].push(...members[small]);
    members[small] = [];
  }
  // Members in the input order (newest first), whatever order they joined in.
  const groups = new Map<number, Group>();
  questions.forEach((x, i) => {
    const root = find(i);
    const g = groups.get(root) ?? { members: [], users: new Set<string>() };
    g.members.push(x);
    if (x.user) g.users.add(x.user);
    groups.set(root, g);
  });
  return [...groups.values()];
}

/** The member most similar to the others (over at most 60 members): the group's label. */
export function centralMember(members: EmergingQuestion[]): EmergingQuestion {
  const sample = members.slice(0, 60);
  const feats = sample.map((m) => features(m.folded));
  let best = 0;
  let bestScore = -1;
  for (let i = 0; i < sample.length; i++) {
    let s = 0;
    for (let j = 0; j < sample.length; j++) if (i !== j) s += similarity(feats[i], feats[j]);
    if (s > bestScore) {
      bestScore = s;
      best = i;
    }
  }
  return sample[best];
}

export async function loadEmergingQuestions(q: Queryable, opts: EmergingOptions): Promise<EmergingQuestion[]> {
  const r = await q.query<{ id: string; asked_at: Date; user_pseudonym: string | null; question_text: string; question_folded: string }>(
    `SELECT id, asked_at, user_pseudonym, question_text, question_folded FROM question_log
      WHERE asked_at >= $1 AND asked_at <= $2
        AND (outcome = 'out_of_scope' OR (outcome = 'answered' AND confidence < $3))
        AND question_text IS NOT NULL AND question_folded <> ''
      ORDER BY asked_at DESC LIMIT $4`,
    [opts.since, opts.until, opts.lowConfidence, opts.cap ?? 3000],
  );
  return r.rows.map((x) => ({ id: x.id, askedAt: x.asked_at, user: x.user_pseudonym, text: x.question_text, folded: x.question_folded }));
}

/** Groups asked by at least `minUsers` distinct users, largest first. */
export async function emergingTopics(q: Queryable, opts: EmergingOptions): Promise<EmergingTopic[]> {
  const questions = await loadEmergingQuestions(q, opts);
  return topicsFrom(questions, opts);
}

export function topicsFrom(
  questions: EmergingQuestion[],
  opts: Pick<EmergingOptions, 'minUsers' | 'threshold' | 'maxExamples'> & { withMembers?: boolean },
): Array<EmergingTopic & { members?: EmergingQuestion[] }> {
  const minUsers = opts.minUsers ?? 3;
  const groups = groupQuestions(questions, opts.threshold ?? 0.5).filter((g) => g.users.size >= minUsers);
  return groups
    .map((g) => {
      const label = centralMember(g.members);
      const examples: string[] = [];
      const seenText = new Set<string>();
      // Members are newest first (query order): the most recent phrasings make the best examples.
      for (const m of g.members) {
        if (seenText.has(m.folded)) continue;
        seenText.add(m.folded);
        examples.push(m.text);
        if (examples.length >= (opts.maxExamples ?? 5)) break;
      }
      return {
        id: crypto.createHash('sha256').update(label.folded).digest('hex').slice(0, 12),
        label: label.text,
        distinctUsers: g.users.size,
        examples,
        lastAskedAt: g.members.reduce((t, m) => (m.askedAt > t ? m.askedAt : t), g.members[0].askedAt),
        ...(opts.withMembers ? { members: g.members } : {}),
      };
    })
    .sort((a, b) => b.distinctUsers - a.distinctUsers || b.lastAskedAt.getTime() - a.lastAskedAt.getTime());
}
