// Splits document text into retrieval passages that follow headings and paragraphs: every passage
// belongs to one section (its heading travels with it) and never cuts a paragraph or list item
// unless that paragraph alone is too long, in which case it is cut at sentence boundaries.

export interface Section {
  heading: string | null;
  /** Paragraphs or list items, plain text (Markdown emphasis and links removed). */
  blocks: string[];
}

export interface Passage {
  section: string | null;
  text: string;
}

const TARGET_CHARS = 650;
const MAX_CHARS = 900;

/** Markdown → sections of plain-text blocks. Headings (#…######) start sections. */
export function markdownSections(markdown: string): Section[] {
  const sections: Section[] = [{ heading: null, blocks: [] }];
  let para: string[] = [];
  // the header cells of the table being read (null: not in a table, or no header seen yet)
  let header: string[] | null = null;
  let headerPending = false;
  const flush = () => {
    const text = plainInline(para.join(' ')).trim();
    if (text) sections[sections.length - 1]!.blocks.push(text);
    para = [];
  };
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    if (header !== null && !/^\s*\|/.test(line)) {
      // the table ended; a lone "| a | b |" line without a separator row was a row, not a header
      if (headerPending) {
        para.push(header.filter(Boolean).join('; '));
        flush();
      }
      header = null;
      headerPending = false;
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      sections.push({ heading: plainInline(heading[1]!).trim(), blocks: [] });
      continue;
    }
    if (!line.trim() || /^\s*(---+|\*\*\*+)\s*$/.test(line)) {
      flush();
      continue;
    }
    if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      // each list item is its own block
      flush();
      para.push(line.replace(/^\s*([-*+]|\d+[.)])\s+/, ''));
      continue;
    }
    if (/^\s*\|/.test(line)) {
      // table row → one self-contained sentence naming its columns (the header row itself is dropped)
      flush();
      const cells = tableCells(line);
      if (/^\s*\|[\s:|-]+\|\s*$/.test(line)) {
        headerPending = false;
        continue;
      }
      if (header === null) {
        header = cells.map((c) => plainInline(c).trim());
        headerPending = true;
        continue;
      }
      para.push(tableRowSentence(header, cells));
      flush();
      continue;
    }
    para.push(line.trim().replace(/^>\s?/, ''));
  }
  flush();
  return sections.filter((s) => s.blocks.length > 0 || s.heading);
}

function tableCells(line: string): string[] {
  const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|');
  return cells.map((c) => c.trim());
}

/**
 * A table row as a sentence that reads on its own: the first cell with its column name, then the
 * other non-empty cells as "column: value" ("Năm 2017 – Ngày dương lịch: 16–18/2; Nguồn: danang24h.vn.").
 * A first-column name that is already part of the value ("Xã cũ" + "Châu Thắng") is kept in front.
 */
export function tableRowSentence(header: readonly string[], cells: readonly string[]): string {
  const clean = cells.map((c) => plainInline(c).trim());
  const head = (i: number) => (header[i] ?? '').trim();
  const key = clean[0] ?? '';
  const lead = head(0) && key ? `${head(0)} ${key}` : key;
  const rest: string[] = [];
  for (let i = 1; i < clean.length; i++) {
    const v = clean[i]!;
    if (!v) continue;
    rest.push(head(i) ? `${head(i)}: ${v}` : v);
  }
  const text = rest.length ? `${lead} – ${rest.join('; ')}` : lead;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Markdown inline syntax → plain text. */
export function plainInline(s: string): string {
  // Bounded parts and classes that exclude their own delimiters, so a paragraph full of unclosed
  // "[x](" or "**" costs linear time, not a rescan from every opening.
  return s
    .replace(/!\[([^[\]]{0,500})\]\([^()]{0,500}\)/g, '$1')
    .replace(/\[([^[\]]{1,500})\]\([^()]{0,500}\)/g, '$1')
    .replace(/\*\*([^*]{1,2000})\*\*/g, '$1')
    .replace(/__([^_]{1,2000})__/g, '$1')
    .replace(/(^|[^\p{L}\p{N}*])[*_]([^*_\n]+)[*_](?=$|[^\p{L}\p{N}*])/gu, '$1$2')
    .replace(/`([^`]{1,2000})`/g, '$1')
    .replace(/<[^<>]{1,500}>/g, '')
    .replace(/\s+/g, ' ');
}

/**
 * Plain text (txt, docx, pdf) → sections. Hard-wrapped lines are joined; a line that starts with
 * a lower-case letter continues the previous paragraph even across a blank line (PDF/Word exports).
 * Short lines in capitals or numbered like "I." / "1." / "a)" start a section.
 */
export function plainTextSections(text: string): Section[] {
  const sections: Section[] = [{ heading: null, blocks: [] }];
  // The paragraph being built, as its lines; whether it "looks finished" depends only on its last
  // line, so it is never re-scanned (re-trimming the whole paragraph per line was O(n²) on a
  // document of many empty or unfinished paragraphs).
  let para: string[] = [];
  const finished = () => para.length > 0 && /[.:;!?]$/.test(para[para.length - 1]!);
  const flush = () => {
    const t = para.join(' ').trim();
    if (t) sections[sections.length - 1]!.blocks.push(t);
    para = [];
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (!line) {
      // a blank line ends a paragraph only if the paragraph looks finished
      if (finished()) flush();
      continue;
    }
    const isHeading =
      line.length <= 90 &&
      (/^([IVXLC]+|\d+(\.\d+)*)\.\s+\S/.test(line) || (line === line.toUpperCase() && /\p{Lu}{3,}/u.test(line)));
    if (isHeading && !/^\p{Ll}/u.test(line)) {
      flush();
      sections.push({ heading: line, blocks: [] });
      continue;
    }
    if (/^[-–•+*]\s+/.test(line) || /^\p{Lu}/u.test(line) || /^\d/.test(line)) {
      if (finished()) flush();
      else if (para.length && /^[-–•+*]\s+/.test(line)) flush();
    }
    const piece = line.replace(/^[-–•+*]\s+/, '');
    if (piece) para.push(piece);
  }
  flush();
  return sections.filter((s) => s.blocks.length > 0);
}

/** Sentences of a plain-text paragraph (keeps "2.337", "16/6/2025", "TP. Vinh" together well enough). */
export function sentences(text: string): string[] {
  const out: string[] = [];
  // Simple and predictable: split after . ! ? … when the next word starts with a capital or a digit.
  let start = 0;
  const boundary = /([.!?…]+)(\s+)(?=[\p{Lu}\d"“(])/gu;
  let m: RegExpExecArray | null;
  while ((m = boundary.exec(text)) !== null) {
    const end = m.index + m[1]!.length;
    const prev = text.slice(Math.max(0, m.index - 4), m.index);
    // abbreviations: "TP.", "Tr.", "St.", single capital initials
    if (/(^|\s)(TP|Tr|St|Mr|Dr|No|Số|tr|v\.v)$/.test(prev) || /(^|\s)\p{Lu}$/u.test(prev)) continue;
    out.push(text.slice(start, end).trim());
    start = end + m[2]!.length;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out.filter(Boolean);
}

/** Groups a section's blocks into passages of about TARGET_CHARS. */
export function passages(sections: Section[]): Passage[] {
  const out: Passage[] = [];
  for (const s of sections) {
    let cur = '';
    const push = () => {
      if (cur.trim()) out.push({ section: s.heading, text: cur.trim() });
      cur = '';
    };
    for (const block of s.blocks) {
      const pieces = block.length > MAX_CHARS ? splitLong(block) : [block];
      for (const piece of pieces) {
        if (cur && cur.length + piece.length + 1 > TARGET_CHARS) push();
        cur = cur ? `${cur}\n${piece}` : piece;
      }
    }
    push();
  }
  return out;
}

function splitLong(block: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const s of sentences(block)) {
    if (cur && cur.length + s.length + 1 > TARGET_CHARS) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur} ${s}` : s;
  }
  if (cur) out.push(cur);
  return out;
}
