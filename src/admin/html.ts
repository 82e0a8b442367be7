// A tiny HTML template helper: every interpolated value is escaped unless it is already
// SafeHtml (the output of another `html` template or of `raw`, which is for trusted markup
// written in this codebase only, never for anything a citizen or a data source supplied).

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

type Value = SafeHtml | string | number | boolean | null | undefined | Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof SafeHtml) return v.value;
  if (Array.isArray(v)) return v.map(render).join('');
  return escapeHtml(String(v));
}

/** Tagged template: `html\`<p>${userText}</p>\`` escapes userText. */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1];
  return new SafeHtml(out);
}

/** Trusted markup from our own code (never data). */
export function raw(s: string): SafeHtml {
  return new SafeHtml(s);
}

/**
 * Data for a page script, as `<script type="application/json">`: browsers never execute it
 * (so CSP allows it) and `<` is escaped so no value can close the element early.
 */
export function jsonBlock(id: string, data: unknown): SafeHtml {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return new SafeHtml(`<script type="application/json" id="${escapeHtml(id)}">${json}</script>`);
}

// One format everywhere for staff: dd/mm/yyyy (and hh:mm), in the commune's time zone (UTC+7, no DST).
const LOCAL_OFFSET_MS = 7 * 3600_000;
const local = (d: Date) => new Date(d.getTime() + LOCAL_OFFSET_MS).toISOString();

/** Date and time in the commune's time zone, e.g. "27/11/2026 14:05". */
export function formatDateTime(d: Date | null | undefined): string {
  if (!d || Number.isNaN(d.getTime())) return '';
  const s = local(d);
  return `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)} ${s.slice(11, 16)}`;
}

/** A day in the commune's time zone, e.g. "27/11/2026". */
export function formatDay(d: Date | null | undefined): string {
  return formatDateTime(d).slice(0, 10);
}

/** A YYYY-MM-DD string (a local calendar day) as dd/mm/yyyy; anything else unchanged. */
export function formatYmd(ymd: string | null | undefined): string {
  if (!ymd) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(ymd);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : ymd;
}

/** Vietnamese decimal comma, one decimal, e.g. "71,5%"; "—" when there is nothing to divide. */
export function formatPercent(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return '—';
  return `${Math.round(x * 1000) / 10}%`.replace('.', ',');
}

export const formatNumber = (n: number): string => n.toLocaleString('vi-VN');
