// Dense vectors through LangChain's Embeddings interface (its two methods). The default, LocalHashEmbeddings, needs
// no download and no network: signed feature hashing (FNV-1a) of folded words, word bigrams and
// character 3-/4-grams, L2-normalised. It is a robust fuzzy matcher for typos, unaccented typing and
// word forms ("borders"/"border"), not a semantic model; OpenAI-compatible or Ollama embeddings
// replace it when EMBEDDINGS_PROVIDER says so.
// Type-only: the local default implements the interface without LangChain's base class, so that a
// service without remote embeddings or an LLM never loads @langchain/core (bench/runtime: memory).
import type { Embeddings } from '@langchain/core/embeddings';
import type { Config } from '../config.js';
import { fold, iyKey, normalize, words } from '../text/normalize.js';

export const LOCAL_EMBEDDING_DIMS = 384;
/** Stored with every vector; a different id means the stored vectors must be recomputed. */
export const LOCAL_EMBEDDING_MODEL = 'local-hash-v1-384';

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The local hashed n-gram vector of one text (Float32Array, unit length, or all zeros for empty text). */
export function hashEmbed(text: string, dims = LOCAL_EMBEDDING_DIMS): Float32Array {
  const v = new Float32Array(dims);
  const ws = words(fold(normalize(text))).map(iyKey);
  const add = (feature: string, weight: number) => {
    const h = fnv1a(feature);
    v[h % dims]! += (h & 0x80000000 ? -1 : 1) * weight;
  };
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    add('w:' + w, 1);
    if (i > 0) add(`b:${ws[i - 1]}_${w}`, 0.8);
    const padded = ` ${w} `;
    for (let n = 3; n <= 4; n++) for (let j = 0; j + n <= padded.length; j++) add('c:' + padded.slice(j, j + n), 0.35);
  }
  let norm = 0;
  for (let i = 0; i < dims; i++) norm += v[i]! * v[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < dims; i++) v[i]! /= norm;
  return v;
}

/** What the service calls on an embeddings model; LangChain's remote models satisfy it too. */
export type TextEmbedder = Pick<Embeddings, 'embedDocuments' | 'embedQuery'>;

export class LocalHashEmbeddings implements TextEmbedder {
  readonly dims: number;
  constructor(params: { dims?: number } = {}) {
    this.dims = params.dims ?? LOCAL_EMBEDDING_DIMS;
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(hashEmbed(t, this.dims)));
  }
  async embedQuery(text: string): Promise<number[]> {
    return Array.from(hashEmbed(text, this.dims));
  }
}

export interface EmbeddingsChoice {
  embeddings: TextEmbedder;
  /** Identifies the model; stored beside vectors so that a change of provider re-embeds. */
  model: string;
  local: boolean;
}

/** The configured provider. Remote providers are loaded lazily so the default path imports nothing extra. */
export async function createEmbeddings(config: Config): Promise<EmbeddingsChoice> {
  if (config.EMBEDDINGS_PROVIDER === 'openai') {
    const { OpenAIEmbeddings } = await import('@langchain/openai');
    const model = config.EMBEDDINGS_MODEL ?? 'text-embedding-3-small';
    return {
      embeddings: new OpenAIEmbeddings({
        model,
        apiKey: config.EMBEDDINGS_API_KEY ?? 'unset',
        configuration: config.EMBEDDINGS_BASE_URL ? { baseURL: config.EMBEDDINGS_BASE_URL } : undefined,
        maxRetries: 1,
      }),
      model: `openai:${model}`,
      local: false,
    };
  }
  if (config.EMBEDDINGS_PROVIDER === 'ollama') {
    const { OllamaEmbeddings } = await import('@langchain/ollama');
    const model = config.EMBEDDINGS_MODEL ?? 'bge-m3';
    return {
      embeddings: new OllamaEmbeddings({ model, baseUrl: config.EMBEDDINGS_BASE_URL ?? 'http://127.0.0.1:11434' }),
      model: `ollama:${model}`,
      local: false,
    };
  }
  return { embeddings: new LocalHashEmbeddings(), model: LOCAL_EMBEDDING_MODEL, local: true };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function l2normalize(v: number[] | Float32Array): Float32Array {
  const out = Float32Array.from(v);
  let n = 0;
  for (let i = 0; i < out.length; i++) n += out[i]! * out[i]!;
  n = Math.sqrt(n);
  if (n > 0) for (let i = 0; i < out.length; i++) out[i]! /= n;
  return out;
}
