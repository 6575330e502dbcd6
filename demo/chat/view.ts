/** Rendering the conversation (messages with their actions) and the list of conversations. */
import { $, button, el, state } from './app.js';
import { renderMarkdown } from './markdown.js';
import type { Conversation, Message, ReplyStats } from './store.js';

export interface MessageActions {
  edit(index: number, text: string): void;
  regenerate(): void;
}

export async function copyText(text: string, b: HTMLButtonElement): Promise<void> {
  const label = b.textContent;
  try {
    await navigator.clipboard.writeText(text);
    b.textContent = 'Copied';
  } catch {
    b.textContent = 'Copy failed';
  }
  setTimeout(() => (b.textContent = label), 1500);
}

export function statsText(s: ReplyStats): string {
  const parts = [`${s.tokens} tokens`, `${s.tokS.toFixed(1)} tok/s`, `context ${s.contextUsed}/${s.contextSize}`, s.backend];
  if (s.mode === 'raw') parts.push('raw completion');
  if (s.finish === 'abort') parts.push('stopped');
  else if (s.finish === 'length') parts.push('max tokens reached');
  return parts.join(' · ');
}

/** The body of a message: the user's text as typed, the model's as (safe) Markdown. */
export function fillBody(body: HTMLElement, m: Message): void {
  if (m.role === 'user') {
    body.replaceChildren(el('p', { text: m.content }));
    return;
  }
  body.replaceChildren(renderMarkdown(m.content, { onCopy: (t, b) => void copyText(t, b) }));
}

function messageView(m: Message, i: number, last: boolean, actions: MessageActions): HTMLElement {
  const body = el('div', { className: 'body' });
  fillBody(body, m);
  const box = el('article', { className: `msg ${m.role}`, attrs: { 'data-index': String(i), 'aria-label': m.role === 'user' ? 'You said' : 'The model said' } },
    el('div', { className: 'role', text: m.role === 'user' ? 'You' : 'Model' }), body);
  if (m.error) box.append(el('div', { className: 'error', text: m.error, attrs: { role: 'note' } }));
  if (m.stats) box.append(el('div', { className: 'stats', text: statsText(m.stats) }));
  const bar = el('div', { className: 'msg-actions' });
  bar.append(button('Copy', () => void copyText(m.content, bar.firstChild as HTMLButtonElement), { 'aria-label': 'Copy this message', class: 'copy-msg' }));
  if (m.role === 'user') bar.append(button('Edit', () => editInPlace(box, body, bar, i, m, actions), { 'aria-label': 'Edit this message and send it again', class: 'edit' }));
  if (m.role === 'assistant' && last) bar.append(button('Regenerate', () => actions.regenerate(), { 'aria-label': 'Write this answer again', class: 'regenerate' }));
  box.append(bar);
  return box;
}

function editInPlace(box: HTMLElement, body: HTMLElement, bar: HTMLElement, i: number, m: Message, actions: MessageActions): void {
  if (state.generating) return;
  const area = el('textarea', { attrs: { 'aria-label': 'Edit the message', rows: '3' } });
  area.value = m.content;
  const save = button('Save and send', () => actions.edit(i, area.value), { class: 'save-edit' });
  const cancel = button('Cancel', () => renderConversation(actions), { class: 'plain' });
  area.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      save.click();
    } else if (e.key === 'Escape') cancel.click();
  });
  body.replaceChildren(area);
  bar.replaceChildren(save, cancel);
  box.classList.add('editing');
  area.focus();
}

export function renderConversation(actions: MessageActions): void {
  const c = state.conv;
  const list = $('messages');
  const lastAssistant = c.messages.map((m) => m.role).lastIndexOf('assistant');
  list.replaceChildren(...c.messages.map((m, i) => messageView(m, i, i === lastAssistant && i === c.messages.length - 1, actions)));
  list.scrollTop = list.scrollHeight;
  $<HTMLTextAreaElement>('system').value = c.system;
}

/** The element of the message being streamed (created empty, filled token by token). */
export function streamingView(): { box: HTMLElement; body: HTMLElement } {
  const body = el('div', { className: 'body' });
  const box = el('article', { className: 'msg assistant streaming', attrs: { 'aria-label': 'The model is writing', 'aria-busy': 'true' } },
    el('div', { className: 'role', text: 'Model' }), body);
  $('messages').append(box);
  return { box, body };
}

export function renderConversationList(all: readonly Conversation[], open: (id: string) => void, remove: (id: string) => void): void {
  $('conversations').replaceChildren(...all.map((c) => {
    const current = c.id === state.conv.id;
    return el('li', { attrs: { 'aria-current': String(current), 'data-id': c.id } },
      button(c.title, () => open(c.id), { class: 'open', title: c.title }),
      button('×', () => remove(c.id), { 'aria-label': `Delete conversation “${c.title}”`, class: 'delete' }));
  }));
}
