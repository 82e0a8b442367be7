import { describe, expect, it } from 'vitest';
import { entitiesOf, entityAgreement } from '../../src/text/entities.js';

describe('named entities', () => {
  it('sees a unit about another country of the same class as a mismatch', () => {
    const q = entitiesOf('Viet Nam va Trung Quoc ky 3 van kien bien gioi nam nao');
    expect(entityAgreement(q, entitiesOf('Việt Nam và Lào ký những văn kiện gì ngày 16/3/2016?'))).toBe(-1);
    expect(entityAgreement(q, entitiesOf('Three documents on the Vietnam–China land border'))).toBe(1);
    expect(entityAgreement(q, entitiesOf('Luật Biên giới quốc gia có hiệu lực khi nào?'))).toBe(0);
  });
  it('does not read "lao động" as Laos, nor DOC/COC in lower case', () => {
    expect(entitiesOf('người lao động di cư').get('country')).toBeUndefined();
    expect(entitiesOf('dốc Bù Bài, doc bu bai').get('instrument')).toBeUndefined();
    expect(entitiesOf('DOC ký năm nào').get('instrument')).toEqual(new Set(['doc']));
  });
  it('treats years as editions, unless the entry text covers the asked year', () => {
    const q = entitiesOf('lễ hội hang bua năm 2017 vào ngày nào');
    expect(entityAgreement(q, entitiesOf('Lễ hội Hang Bua năm 2026 vào ngày nào?'))).toBe(-1);
    expect(entityAgreement(q, entitiesOf('hội hang bua 2019 ngày mấy'), ' năm 2017 diễn ra 16 18 2 ')).toBe(0);
  });
});
