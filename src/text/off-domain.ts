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
  // ("thuoc" alone is also "thuộc", belongs to: only its medicine phrases)
  'benh', 'uong thuoc', 'mua thuoc', 'nha thuoc', 'hieu thuoc', 'thuoc tay', 'bac si', 'vaccine', 'doctor', 'medicine', 'hospital', 'fever',
  'benh vien', 'tram y te', 'phong kham', 'bi sot', 'sot cao', 'dau bung', 'dau dau', 'cam cum',
  'tuyen dung', 'viec lam', 'hoc phi', 'diem thi', 'diem chuan', 'tuyen sinh', 'nhap hoc', 'hoc bong', 'lop 10', 'admission', 'tuition',
  'job', 'jobs', 'salary', 'hiring',
  // personal administrative procedures and welfare (the knowledge names the service centre, not the procedures)
  'so do', 'so hong', 'ho chieu', 'passport', 'visa', 'ket hon', 'ly hon', 'khai sinh', 'khai tu',
  'can cuoc', 'cccd', 'cmnd', 'ho khau', 'tam tru', 'tam vang', 'cong chung', 'chung thuc', 'giay phep', 'bang lai',
  'bao hiem', 'bhxh', 'bhyt', 'luong huu', 'tro cap', 'ho ngheo', 'can ngheo', 'vay von', 'ngan hang', 'pension', 'insurance', 'birth certificate', 'id card',
  // sport and politics elsewhere
  'doi tuyen', 'giai dau', 'premier league', 'sea games', 'tong thong',
  // everyday services
  'xe om', 'xe buyt', 'wifi', 'mat khau', 'cho phien', 'tien dien', 'tien nuoc', 'nuoc sach', 'internet', 'dac san', 'mon an', 'food',
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
