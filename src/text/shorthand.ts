// Chat shorthand (teencode) and domain acronyms, expanded on the question side only, as extra
// alternatives beside the typed token (reference/vietnamese-text.md §3). Keys are folded tokens;
// expansions are accented phrases so that both the accented and the folded views can match them.
// Ambiguous tokens (bn, mk, ks, bh) carry every plausible reading; retrieval decides.

export const SHORTHAND: Readonly<Record<string, readonly string[]>> = {
  // negation / question particles
  ko: ['không'], k: ['không'], kh: ['không'], khg: ['không'], kg: ['không'], hk: ['không'], hok: ['không'],
  hong: ['không'], k0: ['không'], khum: ['không'], hem: ['không'],
  dc: ['được'], dk: ['được', 'đăng ký'], dx: ['được'],
  j: ['gì'], gj: ['gì'], ji: ['gì'],
  ntn: ['như thế nào'], tn: ['thế nào'], tnao: ['thế nào'],
  bn: ['bao nhiêu', 'bạn'], bnhiu: ['bao nhiêu'], bnh: ['bao nhiêu'], baonhieu: ['bao nhiêu'],
  vs: ['với'], vz: ['với'], ws: ['với'],
  r: ['rồi'], rui: ['rồi'], roi: ['rồi'],
  z: ['vậy'], v: ['vậy'], zay: ['vậy'], dzay: ['vậy'],
  mk: ['mình', 'mật khẩu'], mik: ['mình'], mjk: ['mình'], mn: ['mọi người'], mng: ['mọi người'],
  ng: ['người'], ngta: ['người ta'],
  cx: ['cũng'], cg: ['cũng'], cug: ['cũng'],
  trc: ['trước'], trk: ['trước'],
  bh: ['bao giờ', 'bây giờ'], bgio: ['bao giờ', 'bây giờ'], bjo: ['bây giờ'],
  bt: ['biết', 'bình thường'], bik: ['biết'], bit: ['biết'], pik: ['biết'],
  ad: ['admin'], tl: ['trả lời'], ib: ['nhắn tin'],
  sdt: ['số điện thoại'], dt: ['điện thoại', 'diện tích'], stk: ['số tài khoản'],
  ks: ['khách sạn'], ms: ['mới'], lm: ['làm'], nx: ['nữa'],
  tks: ['cảm ơn'], thks: ['cảm ơn'], ths: ['cảm ơn'], thanks: ['cảm ơn'],
  dag: ['đang'], dg: ['đang', 'đường'],
  // common chat abbreviations of content words (several readings where ambiguous)
  h: ['giờ'], hnay: ['hôm nay'], hqua: ['hôm qua'], tgian: ['thời gian'],
  cq: ['chính quyền', 'cơ quan'], sp: ['sản phẩm'], ck: ['cửa khẩu'], tt: ['thị trấn', 'thông tin'],
  ds: ['dân số'], dtich: ['diện tích'], nc: ['nước'], fai: ['phải'], lhoi: ['lễ hội'], kn: ['kỷ niệm'],
};

/**
 * Domain acronyms: typed acronym (folded) ↔ full phrase. A question with either form also gets the
 * other, so "UBND" matches "Ủy ban nhân dân" and back, whichever the document uses.
 */
export const ACRONYMS: ReadonlyArray<readonly [string, string]> = [
  ['vn', 'việt nam'],
  ['qg', 'quốc gia'],
  ['qt', 'quốc tế'],
  ['bg', 'biên giới'],
  ['hs', 'hoàng sa'],
  ['ts', 'trường sa'],
  ['lao', 'lào'],
  ['laos', 'lào'],
  ['lhq', 'liên hợp quốc'],
  ['un', 'liên hợp quốc'],
  ['ubnd', 'ủy ban nhân dân'],
  ['hdnd', 'hội đồng nhân dân'],
  ['ql48', 'quốc lộ 48'],
  ['ql', 'quốc lộ'],
  ['bdbp', 'bộ đội biên phòng'],
  ['tq', 'trung quốc'],
  ['hn', 'hà nội'],
  ['tp', 'thành phố'],
  ['tphcm', 'thành phố hồ chí minh'],
  ['hcm', 'hồ chí minh'],
  ['qh', 'quốc hội'],
  ['ubtvqh', 'ủy ban thường vụ quốc hội'],
  ['nq', 'nghị quyết'],
  ['nd', 'nghị định'],
  ['qd', 'quyết định'],
  ['ttdn', 'thông tin đối ngoại'],
  ['hdnq', 'hội đồng nhân quyền'],
  ['hstt', 'hoàng sa trường sa'],
  ['cccd', 'căn cước công dân'],
  ['cmnd', 'chứng minh nhân dân'],
  ['htx', 'hợp tác xã'],
  ['ocop', 'mỗi xã một sản phẩm'],
  ['iuu', 'khai thác hải sản bất hợp pháp'],
  ['ec', 'ủy ban châu âu'],
];

/**
 * English near-synonyms as visitors type them versus how the English knowledge words it ("come into
 * force" / "in effect", "highway" / "national road", "revived" / "restored"). Question side only,
 * like the shorthand above; keys are folded tokens that are not Vietnamese syllables.
 */
export const EN_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  highway: ['road'], highways: ['road'], route: ['road'],
  force: ['effect'], effective: ['effect'], enforced: ['effect'], valid: ['effect'],
  revived: ['restored'], revive: ['restored'], resumed: ['restored'], resume: ['restored'], restarted: ['restored'],
  restored: ['revived'], restore: ['revived'],
  adopted: ['passed'], adopt: ['passed'], enacted: ['passed'], approved: ['passed'], issued: ['passed'],
  passed: ['adopted'],
  founded: ['established', 'set'], established: ['founded'], created: ['established', 'founded'], formed: ['established', 'founded'],
  upheld: ['accepted', 'recognised'], uphold: ['accepted', 'recognised'], endorsed: ['accepted', 'recognised'],
  recognized: ['recognised'], recognize: ['recognised'], recognised: ['recognized'],
  joined: ['party', 'member'], join: ['party', 'member'], acceded: ['party'], signatory: ['party'],
  ruling: ['award'], verdict: ['award', 'ruling'], judgment: ['award', 'ruling'], judgement: ['award', 'ruling'],
  court: ['tribunal'], neighbouring: ['border'], neighboring: ['border'], adjacent: ['border'], bordering: ['border'],
  neighbour: ['border'], neighbor: ['border'],
  length: ['long'], distance: ['far', 'km'],
  occupied: ['seized'], captured: ['seized'], took: ['seized'],
  chairman: ['chair'], chairperson: ['chairman'], mayor: ['chairman'], head: ['chairman', 'leader'], leaders: ['leader', 'chairman'],
  inhabitants: ['population'], residents: ['population'], people: ['population'],
  celebrated: ['held'], organised: ['held'], organized: ['held'], happen: ['held'], happens: ['held'],
  grotto: ['cave'], cavern: ['cave'],
  villages: ['hamlets'], village: ['hamlet'], hamlets: ['villages'],
};
