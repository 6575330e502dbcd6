/**
 * Sending, streaming, stopping, regenerating and editing. A model with a chat template gets the
 * conversation as chat turns; one without (a completion model such as the bundled stories260K) gets
 * it as one text that it continues: the system prompt, then every turn in order, the model's own
 * answers carrying straight on from the user's words ("raw completion mode").
 */
import { $, state } from './app.js';
import type { ChatMessage, LlmWorkerResult } from './kiln.js';
import { errorText, notify } from './notices.js';
import { listConversations, saveConversation, type Conversation, type Message } from './store.js';
import { fillBody, renderConversation, statsText, streamingView, type MessageActions } from './view.js';

export const actions: MessageActions = {
  edit: (i, text) => void editAndResend(i, text),
  regenerate: () => void regenerate(),
};

let onListChange: () => void = () => undefined;
export const setListListener = (f: () => void): void => void (onListChange = f);

/** The turns as chat messages (the system prompt first, when there is one). */
export function chatMessages(c: Conversation): ChatMessage[] {
  const out: ChatMessage[] = c.system.trim() ? [{ role: 'system', content: c.system.trim() }] : [];
  for (const m of c.messages) out.push({ role: m.role, content: m.content });
  return out;
}

/** The conversation as one text for a completion model. */
export function rawDocument(c: Conversation): string {
  let text = c.system.trim() ? `${c.system.trim()}\n` : '';
  for (const m of c.messages) {
    if (m.role === 'assistant') text += m.content;
    else text += (text && !text.endsWith('\n') ? '\n' : '') + m.content;
  }
  return text;
}

export function setBusy(busy: boolean): void {
  $<HTMLButtonElement>('stop').hidden = !busy;
  $<HTMLButtonElement>('send').hidden = busy;
  document.body.dataset.generating = String(busy);
  updateComposer();
}

export function updateComposer(): void {
  const ready = !!state.model && !state.loading;
  $<HTMLTextAreaElement>('prompt').disabled = !ready;
  $<HTMLButtonElement>('send').disabled = !ready || !!state.generating;
}

function seed(): number {
  const s = state.settings.seed.trim();
  return s && Number.isFinite(Number(s)) ? Number(s) : Math.floor(Math.random() * 2 ** 31);
}

/** The elapsed time while a reply is written: ticks on the main thread, so it shows the page is free. */
function startTimer(): () => void {
  const t0 = performance.now();
  const timer = $('timer');
  const tick = () => (timer.textContent = `Elapsed ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  tick();
  const id = setInterval(tick, 100);
  return () => {
    clearInterval(id);
    tick();
  };
}

export async function send(text: string): Promise<void> {
  if (!text.trim() || state.generating || !state.model) return;
  state.conv.messages.push({ role: 'user', content: text });
  await saveConversation(state.conv);
  onListChange();
  renderConversation(actions);
  await reply();
}

export async function regenerate(): Promise<void> {
  if (state.generating) return;
  const c = state.conv;
  if (c.messages.at(-1)?.role === 'assistant') c.messages.pop();
  renderConversation(actions);
  await reply();
}

export async function editAndResend(index: number, text: string): Promise<void> {
  if (state.generating || !text.trim()) return;
  const c = state.conv;
  c.messages.splice(index, c.messages.length - index, { role: 'user', content: text });
  await saveConversation(c);
  renderConversation(actions);
  await reply();
}

export function stop(): void {
  state.generating?.abort();
}

/** Streams the model's answer to the conversation as it stands, and stores it. */
export async function reply(): Promise<void> {
  const model = state.model;
  const c = state.conv;
  if (!model || state.generating || c.messages.at(-1)?.role !== 'user') return;
  const s = state.settings;
  const ac = new AbortController();
  state.generating = ac;
  setBusy(true);
  const stopTimer = startTimer();
  const view = streamingView();
  const msg: Message = { role: 'assistant', content: '' };
  const mode = model.info.chatTemplate ? 'chat' : 'raw';
  const opts = {
    maxTokens: s.maxTokens, temperature: s.temperature, topP: s.topP, seed: seed(), signal: ac.signal,
    onFallback: (f: { from: string; to: string; reason: string }) => {
      notify('warning', 'fallback', `${f.from} lost its device (${f.reason}). The answer continues on ${f.to}.`);
      $('backend-badge').textContent = f.to;
    },
  };
  const it = mode === 'chat' ? state.worker.chat(chatMessages(c), opts) : state.worker.generate(rawDocument(c), opts);
  const t0 = performance.now();
  let pending = false;
  const paint = () => {
    pending = false;
    fillBody(view.body, msg);
    $('messages').scrollTop = $('messages').scrollHeight;
  };
  let result: LlmWorkerResult | undefined;
  try {
    for (;;) {
      const step = await it.next();
      if (step.done) {
        result = step.value;
        break;
      }
      msg.content += step.value.text;
      const shown = step.value.n;
      view.box.dataset.tokens = String(shown);
      $('speed').textContent = `${shown} tokens · ${((shown / (performance.now() - t0)) * 1000).toFixed(1)} tok/s`;
      if (!pending) {
        pending = true;
        requestAnimationFrame(paint);
      }
    }
    msg.stats = {
      tokens: result.tokens.length, tokS: result.decodeTokS, prefillTokS: result.prefillTokS, contextUsed: result.contextUsed, contextSize: result.contextSize,
      backend: result.backend, finish: result.finishReason, mode, ms: performance.now() - t0,
    };
    if (result.tokensAtStop !== undefined) document.body.dataset.tokensAtStop = String(result.tokensAtStop);
    document.body.dataset.tokensFinal = String(result.tokens.length);
    if (result.droppedMessages > 0 || result.droppedTokens > 0) {
      notify('info', 'context', `The conversation is longer than the ${result.contextSize}-token context: the oldest ${result.droppedMessages ? `${result.droppedMessages} messages were` : `${result.droppedTokens} tokens were`} left out of this answer.`);
    }
    $('speed').textContent = statsText(msg.stats);
    $('context').textContent = '';
  } catch (e) {
    msg.error = errorText(e);
    notify('error', 'generate', `The answer failed: ${errorText(e)}`);
  } finally {
    stopTimer();
    c.messages.push(msg);
    state.generating = undefined;
    await saveConversation(c).catch((e: unknown) => notify('error', 'save', `The conversation could not be saved: ${errorText(e)}`));
    renderConversation(actions);
    setBusy(false);
    document.body.dataset.replies = String(Number(document.body.dataset.replies ?? 0) + 1);
    $<HTMLTextAreaElement>('prompt').focus();
  }
}

export async function openConversation(id: string): Promise<void> {
  if (state.generating) return;
  const found = (await listConversations()).find((c) => c.id === id);
  if (!found) return;
  state.conv = found;
  localStorage.setItem('kiln-chat:open', id);
  renderConversation(actions);
  onListChange();
}
