/**
 * Kiln Chat: an installable, offline chat app on Kiln's LLM runtime. The model runs in a Web Worker
 * (LLMWorker); models are kept in the worker's OPFS store, conversations in IndexedDB, the app shell
 * in the service worker's cache. This file starts it all and wires the page's controls.
 */
import { $, state } from './app.js';
import { actions, openConversation, reply, send, setBusy, setListListener, stop, updateComposer } from './chat.js';
import { setupAddDialog, setupSettings } from './dialogs.js';
import { LLMWorker, llmWorker } from './kiln.js';
import { loadStored, refreshModels, showModel, switchBackend } from './models.js';
import { errorText, notify } from './notices.js';
import { askPersistence, registerServiceWorker, watchNetwork } from './pwa.js';
import { deleteConversation, listConversations, loadSettings, newConversation, saveConversation, saveSettings, type Settings } from './store.js';
import { renderConversation, renderConversationList } from './view.js';

const THEMES: Settings['theme'][] = ['system', 'light', 'dark'];

function applyTheme(): void {
  const t = state.settings.theme;
  if (t === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  const b = $('theme');
  b.textContent = t === 'light' ? '☀' : t === 'dark' ? '☾' : '◐';
  b.setAttribute('aria-label', `Theme: ${t === 'system' ? 'follows the system' : t}. Change theme`);
}

async function refreshConversationList(): Promise<void> {
  renderConversationList(await listConversations(), (id) => void openConversation(id), (id) => void removeConversation(id));
}

async function removeConversation(id: string): Promise<void> {
  if (state.generating) return;
  await deleteConversation(id);
  if (state.conv.id === id) {
    state.conv = (await listConversations())[0] ?? newConversation();
    renderConversation(actions);
  }
  await refreshConversationList();
}

function wireComposer(): void {
  const prompt = $<HTMLTextAreaElement>('prompt');
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const text = prompt.value;
    if (!text.trim() || state.generating || !state.model) return;
    prompt.value = '';
    void send(text);
  });
  prompt.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      $<HTMLFormElement>('composer').requestSubmit();
    }
  });
  $('stop').addEventListener('click', stop);
  addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.generating) {
      e.preventDefault();
      stop();
    }
  });
  $('system').addEventListener('change', () => {
    state.conv.system = $<HTMLTextAreaElement>('system').value;
    void saveConversation(state.conv);
  });
}

function wireHeader(): void {
  $('theme').addEventListener('click', () => {
    state.settings.theme = THEMES[(THEMES.indexOf(state.settings.theme) + 1) % THEMES.length]!;
    saveSettings(state.settings);
    applyTheme();
  });
  $('menu').addEventListener('click', () => {
    const nav = $('sidebar');
    nav.classList.toggle('closed');
    $('menu').setAttribute('aria-expanded', String(!nav.classList.contains('closed')));
  });
  $('backend').addEventListener('change', () => void switchBackend($<HTMLSelectElement>('backend').value));
  $('new-chat').addEventListener('click', async () => {
    if (state.generating) return;
    state.conv = newConversation(state.conv.system);
    renderConversation(actions);
    await refreshConversationList();
    $<HTMLTextAreaElement>('prompt').focus();
  });
}

async function boot(): Promise<void> {
  state.settings = loadSettings();
  applyTheme();
  watchNetwork();
  registerServiceWorker();
  wireComposer();
  wireHeader();
  setupSettings();
  setupAddDialog();
  setListListener(() => void refreshConversationList());

  const convs = await listConversations();
  const open = localStorage.getItem('kiln-chat:open');
  state.conv = convs.find((c) => c.id === open) ?? convs[0] ?? newConversation();
  renderConversation(actions);
  await refreshConversationList();
  setBusy(false);

  try {
    state.worker = await LLMWorker.start({ worker: llmWorker });
  } catch (e) {
    notify('error', 'worker', `The model worker did not start: ${errorText(e)}`);
    return;
  }
  state.stored = [];
  showModel();
  await refreshModels().catch((e: unknown) => notify('error', 'store', `The model store cannot be read: ${errorText(e)}`));
  void askPersistence();
  document.body.dataset.ready = 'true';
  const last = state.settings.lastModel;
  if (last && state.stored.some((m) => m.id === last && m.complete)) await loadStored(last);
  else if (!state.stored.length) notify('info', 'welcome', 'No model yet. Add one: the bundled sample is 1.2 MB.', [{ label: 'Add a model', run: () => $('add-model').click() }]);
  updateComposer();
  // A reply that was cut off by a reload (the user's turn is last) can be asked for again.
  if (state.model && state.conv.messages.at(-1)?.role === 'user') {
    notify('info', 'resume', 'The last message has no answer yet.', [{ label: 'Answer it', run: () => void reply() }]);
  }
}

void boot();
