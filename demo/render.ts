/** Small DOM helpers for the demo: tables and horizontal bar charts, no framework. */

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from index.html`);
  return el as T;
};

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}

export type Cell = string | number | { num: number; digits?: number };

/** A table; numbers are right-aligned, `{num, digits}` formatted. */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[], numericCols: readonly number[] = []): HTMLTableElement {
  const cls = (i: number): Record<string, string> => (numericCols.includes(i) ? { class: 'num' } : {});
  const fmt = (c: Cell): string => (typeof c === 'object' ? c.num.toFixed(c.digits ?? 2) : String(c));
  return el('table', {},
    el('thead', {}, el('tr', {}, ...head.map((h, i) => el('th', cls(i), h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => el('td', cls(i), fmt(c)))))));
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly alt?: boolean;
}

/** A horizontal bar chart in SVG; `unit` is appended to each value. */
export function barChart(bars: readonly Bar[], unit: string, digits = 2): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const rowH = 20;
  const labelW = 130;
  const width = 460;
  const max = Math.max(1e-9, ...bars.map((b) => b.value));
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${bars.length * rowH + 4}`);
  svg.setAttribute('width', '100%');
  svg.setAttribute('role', 'img');
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const e = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
  };
  bars.forEach((b, i) => {
    const y = i * rowH + 2;
    const w = ((width - labelW - 90) * b.value) / max;
    add('text', { x: labelW - 6, y: y + 13, 'text-anchor': 'end' }, b.label);
    add('rect', { x: labelW, y, width: Math.max(1, w), height: rowH - 5, class: b.alt ? 'bar alt' : 'bar', rx: 2 });
    add('text', { x: labelW + w + 5, y: y + 13 }, `${b.value.toFixed(digits)} ${unit}`);
  });
  return svg;
}

export const ms = (v: number | undefined): string => (v === undefined ? '–' : v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`);

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
