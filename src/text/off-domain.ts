// Topics citizens often ask a commune bot about that the curated knowledge does not cover
// (prices, weather, sport, lotteries, health, jobs, lodging, private legal procedures). A question
// naming one of these is grounded only when the matched document itself talks about it: they
// weigh three times as much in the grounding share (src/retrieval/knowledge-index.ts), so "Hang
// Bua" + "thời tiết" is not answered with a festival passage. Folded forms; two-word entries are
// matched as folded bigrams. This is a guard, not a refusal list: a document that mentions the
// topic still answers it.
const ENTRIES = [
  // money and prices
  'gia vang', 'gia xang', 'gia dien', 'ty gia', 'lai suat', 'chung khoan', 'co phieu', 'bitcoin', 'crypto', 'tien ao', 'vay tien',
  'gold price', 'exchange rate', 'stock', 'stocks',
  // weather
  'thoi tiet', 'du bao', 'nhiet do', 'weather', 'forecast', 'temperature',
  // sport, games, lottery
  'bong da', 'tran dau', 'ty so', 'world cup', 'xo so', 'vietlott', 'football', 'soccer', 'lottery', 'match',
  // lodging, food, transport tickets
  'khach san', 'nha nghi', 'homestay', 'cam trai', 'ngu lai', 'qua dem', 'camp', 'camping', 'overnight',
  'gio lam viec', 'gio mo cua', 'opening hours', 'office hours', 'working hours', 'hotel', 'hotels', 'hostel', 'nha hang', 'quan an', 'restaurant', 'cong thuc nau an', 'nau an', 'recipe',
  've xe', 've may bay', 'gia ve', 'lich chay', 'taxi', 'grab', 'flight', 'ticket', 'tickets',
  // health, jobs, schools, private procedures
  'benh', 'thuoc', 'bac si', 'vaccine', 'doctor', 'medicine', 'tuyen dung', 'viec lam', 'hoc phi', 'diem thi', 'tuyen sinh',
  'so do', 'ho chieu', 'passport', 'visa', 'dang ky ket hon', 'khai sinh', 'job', 'salary',
];

/** Folded query terms ("f:word", "F:left_right") that name an off-domain topic. */
export const OFF_DOMAIN_TERMS: ReadonlySet<string> = new Set(
  ENTRIES.map((e) => {
    const ws = e.split(' ');
    return ws.length === 1 ? `f:${ws[0]}` : `F:${ws.slice(-2).join('_')}`;
  }),
);

/** How much more an off-domain term weighs in the grounding share than an ordinary word. */
export const OFF_DOMAIN_WEIGHT = 3;
