/**
 * A small Markdown renderer for model output that cannot inject markup: it builds DOM nodes with
 * createElement and text nodes only — no HTML string is ever parsed, so `<img onerror=…>` or
 * `<script>` in a reply is shown as the text it is. Links are kept only for http(s) and mailto.
 *
 * Blocks: fenced code (an unclosed fence while streaming is code to the end), headings, lists,
 * quotes, rules, paragraphs (line breaks kept). Inline: `code`, **bold**, *italic*, _italic_, [links](…).
 */

export interface RenderOptions {
  /** Called by a code block's copy button. */
  readonly onCopy?: (text: string, button: HTMLButtonElement) => void;
}

const FENCE = /^\s*(```|~~~)\s*([\w+#.-]*)\s*$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^\s*>\s?(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderMarkdown(src: string, opts: RenderOptions = {}): DocumentFragment {
  const out = document.createDocumentFragment();
  const lines = src.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !new RegExp(`^\\s*${fence[1]}\\s*$`).test(lines[i]!)) body.push(lines[i++]!);
      i++;
      out.append(codeBlock(body.join('\n'), fence[2] ?? '', opts));
      continue;
    }
    if (!line.trim()) {
      i++;
      continue;
    }
    const h = HEADING.exec(line);
    if (h) {
      const tag = `h${Math.min(h[1]!.length + 2, 6)}` as 'h3';
      const e = el(tag);
      inline(e, h[2]!);
      out.append(e);
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.append(el('hr'));
      i++;
      continue;
    }
    if (BULLET.test(line) || NUMBERED.test(line)) {
      const numbered = !BULLET.test(line);
      const list = el(numbered ? 'ol' : 'ul');
      const start = numbered ? Number(NUMBERED.exec(line)![1]) : 1;
      if (numbered && start !== 1) (list as HTMLOListElement).start = start;
      while (i < lines.length) {
        const m = (numbered ? NUMBERED : BULLET).exec(lines[i]!);
        if (!m) break;
        const li = el('li');
        inline(li, numbered ? m[2]! : m[1]!);
        list.append(li);
        i++;
      }
      out.append(list);
      continue;
    }
    if (QUOTE.test(line)) {
      const q = el('blockquote');
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) body.push(QUOTE.exec(lines[i++]!)![1]!);
      q.append(renderMarkdown(body.join('\n'), opts));
      out.append(q);
      continue;
    }
    const p = el('p');
    let first = true;
    while (i < lines.length && lines[i]!.trim() && !FENCE.test(lines[i]!) && !HEADING.test(lines[i]!) && !BULLET.test(lines[i]!) && !NUMBERED.test(lines[i]!) && !QUOTE.test(lines[i]!)) {
      if (!first) p.append(el('br'));
      inline(p, lines[i++]!);
      first = false;
    }
    out.append(p);
  }
  return out;
}

function codeBlock(text: string, lang: string, opts: RenderOptions): HTMLElement {
  const wrap = el('div', 'code');
  const head = el('div', 'code-head');
  head.append(el('span', 'code-lang', lang || 'text'));
  const copy = el('button', 'copy', 'Copy');
  copy.type = 'button';
  copy.setAttribute('aria-label', `Copy ${lang || 'code'} block`);
  copy.addEventListener('click', () => opts.onCopy?.(text, copy));
  head.append(copy);
  const pre = el('pre');
  const code = el('code', undefined, text);
  if (lang) code.dataset.lang = lang;
  pre.append(code);
  wrap.append(head, pre);
  return wrap;
}

/** Inline spans, leftmost first; whatever is not markup stays text. */
const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*(?=\S)([\s\S]*?\S)\*\*|\*(?=\S)([^*]*?\S)\*|(?<![\w])_(?=\S)([^_]*?\S)_(?![\w])|\[([^\]\n]+)\]\(([^)\s]+)\)/;

export function inline(parent: HTMLElement, text: string): void {
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      parent.append(document.createTextNode(rest));
      return;
    }
    if (m.index > 0) parent.append(document.createTextNode(rest.slice(0, m.index)));
    if (m[1]) parent.append(el('code', undefined, m[2]!.trim() ? m[2]! : m[0]));
    else if (m[3] !== undefined) {
      const b = el('strong');
      inline(b, m[3]);
      parent.append(b);
    } else if (m[4] !== undefined || m[5] !== undefined) {
      const e = el('em');
      inline(e, (m[4] ?? m[5])!);
      parent.append(e);
    } else {
      const href = safeHref(m[7]!);
      if (href) {
        const a = el('a');
        a.href = href;
        a.target = '_blank';
        a.rel = 'noopener noreferrer nofollow';
        inline(a, m[6]!);
        parent.append(a);
      } else parent.append(document.createTextNode(m[0]));
    }
    rest = rest.slice(m.index + m[0].length);
  }
}

/** Only absolute http(s) and mailto links survive (no javascript:, data:, relative paths). */
export function safeHref(raw: string): string | undefined {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' || u.protocol === 'mailto:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
