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

const dateFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });
const dayFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short' });

/** Date and time in the commune's time zone, e.g. "14:05 27/11/2026". */
export function formatDateTime(d: Date | null | undefined): string {
  return d ? dateFmt.format(d) : '';
}

export function formatDay(d: Date | null | undefined): string {
  return d ? dayFmt.format(d) : '';
}

export function formatPercent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`.replace('.', ',');
}
