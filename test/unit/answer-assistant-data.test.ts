// Lint of the assistant's vocabularies (knowledge/_assistant/*.yml): they load and validate, folded
// lists are folded, no list repeats an entry, and every lookup built from them treats words such as
// "constructor" or "__proto__" as plain words.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { loadAssistantData } from '../../src/answer/assistant-data.js';
import { answerTypeOf, entitiesIn, menuChoice, resolveTime, splitParts, substituteEntities, topicalWords, withoutFollowUpWords } from '../../src/answer/understand.js';
import { holdsValue } from '../../src/answer/values.js';
import { compileLexicon } from '../../src/text/lexicon.js';
import { fold, normalize } from '../../src/text/normalize.js';
import { analyzeQuery, expandedFolded } from '../../src/text/terms.js';

const dir = path.resolve(__dirname, '../../knowledge');
const data = loadAssistantData(dir);
const lex = compileLexicon(data);
const PROTO_WORDS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];

describe('knowledge/_assistant vocabularies', () => {
  it('every file is YAML that the loader validates', () => {
    const files = fs.readdirSync(path.join(dir, '_assistant')).filter((f) => f.endsWith('.yml'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(() => YAML.parse(fs.readFileSync(path.join(dir, '_assistant', f), 'utf8')), f).not.toThrow();
    expect(lex.entities.length).toBeGreaterThan(10);
  });

  it('folded lists are folded and no list repeats an entry', () => {
    const qw = data.questionWords;
    const foldedLists: Record<string, string[]> = {
      fillers: qw.fillers,
      question_phrases: qw.question_phrases,
      title_words: qw.title_words,
      'commune_time.former.phrases': qw.commune_time.former.phrases,
      'commune_time.current.phrases': qw.commune_time.current.phrases,
      ...Object.fromEntries(qw.answer_types.map((r, i) => [`answer_types[${i}] ${r.type}`, r.phrases])),
    };
    for (const [name, list] of Object.entries(foldedLists)) {
      for (const p of list) expect(p, `${name}: "${p}" is not folded`).toBe(fold(normalize(p)));
      const dupes = list.filter((p, i) => list.indexOf(p) !== i);
      expect(dupes, `${name} repeats`).toEqual([]);
    }
    const ids = lex.entities.map((e) => e.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('every entity alias finds its entity', () => {
    for (const e of lex.entities) {
      for (const a of e.def.aliases) {
        const found = entitiesIn(lex, `hỏi về ${a} nhé`).map((x) => x.id);
        // an alias inside a longer alias of another entity belongs to that one; the alias itself must find something
        expect(found.length, `${e.id}: "${a}"`).toBeGreaterThan(0);
      }
    }
  });

  it('prototype words are plain words in every lookup', () => {
    for (const w of PROTO_WORDS) {
      const msgs = [w, `${w} là gì`, `hang bua ${w} ở đâu, ${w} mấy giờ`, `còn ${w} thì sao`, `${w} năm nay`];
      for (const m of msgs) {
        expect(() => {
          answerTypeOf(lex, m);
          entitiesIn(lex, m);
          topicalWords(lex, m, entitiesIn(lex, m));
          splitParts(lex, m);
          resolveTime(lex, m, new Date('2026-12-01T00:00:00Z'));
          menuChoice(m);
          withoutFollowUpWords(lex, m);
          substituteEntities(lex, m, entitiesIn(lex, 'hang bua'));
          analyzeQuery(m, lex);
          expandedFolded(m, lex);
          holdsValue('person', m, lex.titleWords);
        }, m).not.toThrow();
      }
      expect(entitiesIn(lex, w)).toEqual([]);
      expect(lex.shorthand.get(w.toLowerCase())).toBeUndefined();
      expect(lex.entityById.get(w)).toBeUndefined();
      expect(lex.offices.get(w)).toBeUndefined();
      expect(lex.titleWords.has(w)).toBe(false);
    }
  });
});
