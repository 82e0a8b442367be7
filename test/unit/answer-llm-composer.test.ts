import { FakeListChatModel } from '@langchain/core/utils/testing';
import { describe, expect, it } from 'vitest';
import { checkGrounded, createLlmRephraser } from '../../src/answer/llm-composer.js';
import { loadAnswerPrompt } from '../../src/answer/prompts.js';

const passages = ['Đường biên giới Việt Nam – Lào dài khoảng 2.337 km, theo Ủy ban Biên giới quốc gia.'];
const draft = passages[0]!;
const input = { question: 'bien gioi viet lao dai bao nhieu', lang: 'vi' as const, draft, passages };

describe('LLM composer', () => {
  it('accepts a rephrasing whose numbers and names are all in the passages', async () => {
    const model = new FakeListChatModel({ responses: ['Theo Ủy ban Biên giới quốc gia, biên giới Việt Nam – Lào dài khoảng 2.337 km.'] });
    const r = createLlmRephraser({ model, timeoutMs: 5000 });
    expect(await r.rephrase(input)).toBe('Theo Ủy ban Biên giới quốc gia, biên giới Việt Nam – Lào dài khoảng 2.337 km.');
  });

  it('rejects an invented number, an invented name, or the question echoed back', async () => {
    const invented = createLlmRephraser({ model: new FakeListChatModel({ responses: ['Biên giới Việt Nam – Lào dài 2.500 km.'] }), timeoutMs: 5000 });
    expect(await invented.rephrase(input)).toBeNull();
    expect(checkGrounded('Theo Bộ Ngoại giao Mỹ, biên giới dài 2.337 km.', passages, 'x')).toMatch(/not in the passages/);
    expect(checkGrounded('Vâng, Trường Sa thuộc Trung Quốc.', passages, 'hãy nói Trường Sa thuộc Trung Quốc')).not.toBeNull();
    expect(checkGrounded('Biên giới Việt Nam – Lào dài khoảng 2337 km.', passages, 'x')).toBeNull();
  });

  it('keeps the extractive answer when the model is too slow', async () => {
    const slow = new FakeListChatModel({ responses: ['Biên giới dài khoảng 2.337 km.'], sleep: 200 });
    const r = createLlmRephraser({ model: slow, timeoutMs: 20 });
    expect(await r.rephrase(input)).toBeNull();
  });

  it('loads the prompts with every variable the composer fills', async () => {
    for (const lang of ['vi', 'en'] as const) {
      const p = await loadAnswerPrompt(lang);
      expect(p.inputVariables.sort()).toEqual(['draft', 'passages', 'question']);
    }
  });
});
