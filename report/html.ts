/** Small HTML helpers for the sections: every text is escaped here, once. */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (v: unknown): string => String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** A cell: plain text (escaped), or { html } already built, with an optional class. */
export type Cell = string | number | null | undefined | { html: string; cls?: string };

function cell(c: Cell, tag: 'td' | 'th'): string {
  if (c !== null && typeof c === 'object') return `<${tag}${c.cls ? ` class="${esc(c.cls)}"` : ''}>${c.html}</${tag}>`;
  // Numbers, also when formatted to a fixed number of digits, line up on the right.
  const num = typeof c === 'number' || (typeof c === 'string' && /^[-+]?\d[\d.]*$/.test(c));
  return `<${tag}${num ? ' class="num"' : ''}>${c === null || c === undefined ? '-' : esc(c)}</${tag}>`;
}

export function table(headers: string[], rows: Cell[][], cls = ''): string {
  return (
    `<table${cls ? ` class="${esc(cls)}"` : ''}><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`).join('')}</tbody></table>`
  );
}

/** Two columns: name, value. */
export function keyValues(pairs: [string, Cell][]): string {
  return `<table class="kv"><tbody>${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th>${cell(v, 'td')}</tr>`).join('')}</tbody></table>`;
}

export const fixed = (v: number | null | undefined, digits = 1): string | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v.toFixed(digits));
export const percent = (v: number | null | undefined, digits = 2): string | null => (v === null || v === undefined ? null : `${(v * 100).toFixed(digits)}%`);
export const clock = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z'));

/** A div the page script draws a chart into. */
export const chartBox = (id: string): string => `<div class="chart" id="${esc(id)}"></div>`;
