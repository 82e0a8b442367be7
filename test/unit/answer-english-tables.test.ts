import { describe, expect, it } from 'vitest';
import { saysNotPublished, trimPassage } from '../../src/answer/compose.js';
import { requiresSatisfied } from '../../src/answer/pipeline.js';
import { markdownSections, passages, tableRowSentence } from '../../src/knowledge/chunk.js';
import type { IndexedUnit } from '../../src/retrieval/knowledge-index.js';
import { analyzeQuery, expandedFolded } from '../../src/text/terms.js';
import { defaultLexicon } from '../../src/text/lexicon.js';

describe('English questions', () => {
  it('treats tag questions and hearsay openers as question words, not content', () => {
    const q = analyzeQuery('Is it true the border law dates from 2013?');
    const content = q.terms.filter((t) => !t.filler && !t.bigram).map((t) => t.term);
    expect(content).not.toContain('f:true');
    expect(content).not.toContain('f:from');
    const tag = analyzeQuery('the nine-dash line was upheld in 2016, right?');
    expect(tag.terms.filter((t) => !t.filler && !t.bigram).map((t) => t.term)).not.toContain('f:right');
    const rights = analyzeQuery('human rights council right');
    // "rights" inside the question stays content; only the trailing tag is a filler
    expect(rights.terms.some((t) => t.term === 'f:right' && t.group === 1 && !t.filler)).toBe(true);
  });
  it('expands English near-synonyms on the question side', () => {
    expect(analyzeQuery('what highway goes to chau tien').terms.map((t) => t.term)).toContain('f:road');
    expect(analyzeQuery('when did the law come into force').terms.map((t) => t.term)).toContain('f:effect');
  });
  it('matches requires alternatives by stem (plural, past tense)', () => {
    const folded = expandedFolded('Vietnam has not joined any human rights conventions, has it?');
    expect(requiresSatisfied(folded, [['not join'], ['convention']])).toBe(true);
  });
  it('recognises "not in our sources" as not published', () => {
    expect(saysNotPublished('The names of the new commune’s leaders are not in our sources; please ask the commune office.', defaultLexicon())).toBe(true);
  });
});

describe('tables', () => {
  it('turns a table row into a sentence that names its columns', () => {
    expect(tableRowSentence(['Năm', 'Ngày dương lịch', 'Ghi chú'], ['2017', '16–18/2', ''])).toBe('Năm 2017 – Ngày dương lịch: 16–18/2.');
    const md = '## Ngày tổ chức\n\n| Năm | Ngày dương lịch | Ghi chú |\n|---|---|---|\n| 2016 | khai mạc 28/2 | kéo dài 2 ngày |\n| 2017 | 16–18/2 | |\n\nSau bảng.';
    const text = passages(markdownSections(md)).map((p) => p.text).join('\n');
    expect(text).toContain('Năm 2016 – Ngày dương lịch: khai mạc 28/2; Ghi chú: kéo dài 2 ngày.');
    expect(text).not.toMatch(/Năm; Ngày dương lịch/);
  });
  it('quotes the row of the year the question names', () => {
    const rows = [2012, 2016, 2017, 2019, 2024, 2025].map((y) => `Năm ${y} – Ngày dương lịch: ${y === 2017 ? '16–18/2' : '1/2'}; Ghi chú: lễ hội tổ chức theo lịch âm, năm nay đông khách.`);
    const unit = { text: rows.join('\n') } as unknown as IndexedUnit;
    const out = trimPassage(unit, analyzeQuery('lễ hội hang bua năm 2017 tổ chức ngày nào'), () => 1);
    expect(out).toContain('16–18/2');
    expect(out.split('\n')).toHaveLength(1);
  });
});
