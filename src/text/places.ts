// Places the commune's knowledge is not about by default: Vietnamese provinces and cities (the 63
// before 2025, which include the 34 after), well-known destinations, neighbouring communes and
// districts, and foreign capitals. A question that names one asks about that place: "Đi Hà Giang
// mùa nào đẹp nhất?" shares every other word with the Hang Bua season FAQ, which does not answer
// it. In grounding (src/retrieval/knowledge-index.ts) a named place the matched document does not
// mention leaves the question ungrounded; a document that mentions it (Hà Giang's Thanh Thủy gate,
// Đà Nẵng for Hoàng Sa) still answers. The home places (Nghệ An, Quỳ Châu, Châu Tiến, Vinh, Việt
// Nam) are not listed: nearly every answer is about them without naming them.
// Entries are folded; two or more words are matched as the bigram of their last two words
// ("thua thien hue" → "thien hue"). Entries in ACCENTED_ONLY are also ordinary words when folded
// ("diễn biến", "hai phòng", "huệ"): matched only on their accented form.
import { accentKey, foldKey } from './terms.js';

const FOLDED = [
  // provinces and centrally-run cities (63, before 1 July 2025)
  'an giang', 'vung tau', 'bac giang', 'bac kan', 'bac lieu', 'bac ninh', 'ben tre', 'binh dinh', 'binh duong', 'binh phuoc',
  'binh thuan', 'ca mau', 'can tho', 'cao bang', 'da nang', 'dak lak', 'dak nong', 'dong nai', 'dong thap', 'gia lai',
  'ha giang', 'ha nam', 'ha noi', 'ha tinh', 'hai duong', 'hau giang', 'hung yen', 'khanh hoa', 'kien giang', 'kon tum',
  'lai chau', 'lam dong', 'lang son', 'lao cai', 'long an', 'nam dinh', 'ninh binh', 'ninh thuan', 'phu tho', 'phu yen',
  'quang binh', 'quang nam', 'quang ngai', 'quang ninh', 'quang tri', 'soc trang', 'son la', 'tay ninh', 'thanh hoa',
  'thien hue', 'tien giang', 'tra vinh', 'tuyen quang', 'vinh long', 'vinh phuc', 'yen bai', 'thai nguyen', 'sai gon',
  // destinations
  'da lat', 'sa pa', 'ha long', 'phu quoc', 'nha trang', 'hoi an', 'phan thiet', 'mui ne', 'con dao', 'cat ba',
  'phong nha', 'cang chai', 'moc chau', 'tam dao', 'ba vi', 'dong hoi', 'ma thuot', 'quy nhon', 'ha tien', 'cua lo',
  'trang an', 'tam coc', 'yen tu', 'ban gioc', 'ly son', 'pu luong', 'mai chau', 'dong van', 'ma pi leng',
  // communes and former districts around Quỳ Châu
  'chau hanh', 'chau hoi', 'chau nga', 'chau thang', 'chau thuan', 'chau phong', 'chau hoan', 'chau binh', 'chau hong',
  'chau thanh', 'chau cuong', 'chau quang', 'chau dinh', 'chau loc', 'dien lam', 'quy hop', 'que phong', 'tuong duong',
  'con cuong', 'anh son', 'thanh chuong', 'ky son', 'nghia dan', 'thai hoa', 'do luong', 'nam dan', 'dien chau', 'quynh luu',
  // abroad
  'phnom penh', 'bac kinh', 'vieng chan', 'luang prabang', 'xieng khoang', 'hua phan', 'montego bay', 'kuala lumpur',
  'hue', 'bangkok', 'singapore', 'tokyo', 'seoul', 'paris', 'london', 'hanoi', 'saigon', 'dalat', 'sapa', 'halong', 'danang', 'nhatrang',
];
const ACCENTED_ONLY = ['hải phòng', 'điện biên', 'huế'];

const key = (e: string, k: (w: string) => string, prefix: string) => {
  const ws = e.split(' ').map(k);
  return ws.length === 1 ? `${prefix.toLowerCase()}:${ws[0]}` : `${prefix}:${ws.slice(-2).join('_')}`;
};

/** Query terms ("f:word", "F:left_right", "A:left_right") that name a place outside the commune. */
export const PLACE_TERMS: ReadonlySet<string> = new Set([
  ...FOLDED.map((e) => key(e, foldKey, 'F')),
  ...FOLDED.map((e) => key(e, accentKey, 'A')),
  ...ACCENTED_ONLY.map((e) => key(e, accentKey, 'A')),
]);
