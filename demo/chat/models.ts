/**
 * Models: the manager in the sidebar (stored models with sizes: load, resume, delete), the "Add a
 * model" dialog (the bundled sample, a URL or a file; LLM.plan says first whether it fits this device
 * and with which context), downloads with a progress bar (bytes, rate, ETA) into the worker's OPFS
 * store, and loading with the backend order the switch asks for. The errors a user can meet here — a
 * model too big, a full disk, a corrupted stored copy, no chat template, a missing GPU — become notices
 * with what to do next.
 */
import { $, backendChoice, backendOrder, budgetBytes, button, el, state } from './app.js';
import { updateComposer } from './chat.js';
import { bytes, RateMeter } from './format.js';
import { codeOf, type LlmModelInfo, type LlmPlan, type StoredModel } from './kiln.js';
import { clearNotice, errorText, notify } from './notices.js';
import { saveSettings } from './store.js';

/** The bundled sample: copied into the build (demo/chat/vite.config.ts); the dev server serves ../shared. */
const DEV = (import.meta as { env?: { DEV?: boolean } }).env?.DEV === true;
export const SAMPLE_URL = new URL(DEV ? '/shared/models/llm/stories260K.gguf' : './models/stories260K.gguf', location.href).href;

/** Bytes per hashed chunk of a download (?chunkKiB= to change it, e.g. to watch a small model resume). */
const CHUNK_BYTES = Math.max(64, Number(new URLSearchParams(location.search).get('chunkKiB')) || 4096) * 1024;

export type Source = { kind: 'url'; url: string } | { kind: 'file'; file: File };

// ---- progress ----------------------------------------------------------------------------------

function progress(label: string, cancel?: AbortController): { update(loaded: number, total?: number): void; done(): void } {
  const box = $('progress-box');
  const bar = $<HTMLProgressElement>('progress');
  const text = $('progress-text');
  const meter = new RateMeter();
  $('progress-label').textContent = label;
  box.hidden = false;
  bar.removeAttribute('value');
  text.textContent = '';
  const c = $<HTMLButtonElement>('progress-cancel');
  c.hidden = !cancel;
  c.onclick = () => cancel?.abort();
  return {
    update(loaded, total) {
      meter.add(loaded);
      if (total) {
        bar.max = total;
        bar.value = loaded;
      }
      text.textContent = meter.describe(loaded, total);
    },
    done() {
      box.hidden = true;
    },
  };
}

// ---- the model list ----------------------------------------------------------------------------

export async function refreshModels(): Promise<void> {
  if (!state.worker.canStore) {
    $('models').replaceChildren(el('li', { className: 'muted small', text: 'This browser cannot store models (no OPFS); they load from their source each time.' }));
    return;
  }
  state.stored = await state.worker.models.list();
  $('models').replaceChildren(...state.stored.map(modelItem));
  try {
    const est = await navigator.storage.estimate();
    $('storage').textContent = est.quota ? `Storage: ${bytes(est.usage ?? 0)} used of ${bytes(est.quota)}` : '';
  } catch {}
}

function modelItem(m: StoredModel): HTMLElement {
  const current = state.model?.id === m.id;
  const size = m.complete ? bytes(m.size ?? m.stored) : `${bytes(m.stored)} of ${m.size ? bytes(m.size) : '?'} (incomplete)`;
  const li = el('li', { attrs: { 'data-id': m.id, 'aria-current': String(current) } },
    el('span', { className: 'name', text: m.name }), el('span', { className: 'muted small', text: size }));
  if (m.complete && !current) li.append(button('Load', () => void loadStored(m.id), { 'aria-label': `Load ${m.name}`, class: 'load' }));
  if (!m.complete && !m.origin.startsWith('file:')) li.append(button('Resume', () => void addModel({ kind: 'url', url: m.origin }), { 'aria-label': `Resume downloading ${m.name}`, class: 'resume' }));
  li.append(button('Delete', () => void removeModel(m), { 'aria-label': `Delete ${m.name} (${size})`, class: 'delete' }));
  return li;
}

async function removeModel(m: StoredModel): Promise<void> {
  if (!confirm(`Delete ${m.name} (${bytes(m.size ?? m.stored)}) from this device?`)) return;
  if (state.model?.id === m.id) {
    await state.worker.unload().catch(() => undefined);
    state.model = undefined;
    showModel();
    updateComposer();
  }
  await state.worker.models.delete(m.id);
  if (state.settings.lastModel === m.id) {
    state.settings.lastModel = undefined;
    saveSettings(state.settings);
  }
  await refreshModels();
}

// ---- plan, download, load ----------------------------------------------------------------------

/** "fits / does not fit" with the numbers, and the context to load with. */
export function describePlan(p: LlmPlan): { text: HTMLElement; fits: boolean; contextSize?: number; note?: string } {
  const mib = (n: number) => bytes(n);
  if (!p.supported) return { text: el('p', { className: 'nofit', text: `Kiln cannot run this model: ${p.reason}` }), fits: false };
  let ctx: number | undefined;
  let note: string | undefined;
  let fits = p.fits !== false;
  if (p.fits === false) {
    const s = p.suggestions.find((x) => x.contextSize !== undefined);
    if (s?.contextSize) {
      ctx = s.contextSize;
      fits = true;
      note = `the full ${p.contextSize}-token context does not fit the ${mib(p.budgetBytes ?? 0)} budget; it loads with ${ctx} tokens`;
    }
  }
  const verdict = fits ? el('span', { className: 'fits', text: 'Fits this device.' }) : el('span', { className: 'nofit', text: 'Too big for this device.' });
  const text = el('p', {}, verdict, ` ${p.name ?? p.arch} (${p.arch}), ${mib(p.fileBytes)}: needs ${mib(p.totalBytes)} (weights ${mib(p.weightBytes)}, KV cache ${mib(p.kvBytes)} for ${p.contextSize} tokens) of a ${mib(p.budgetBytes ?? 0)} budget; runs on ${p.backend ?? 'no backend here'}.`);
  if (note) text.append(el('br'), `Note: ${note}.`);
  if (!fits) text.append(el('br'), p.suggestions.map((s) => s.message).join('; ') || 'Pick a smaller model or quantization.');
  return { text, fits, contextSize: ctx, note };
}

/** LLM.plan for a source not stored yet (header only: range requests for a URL). */
export async function planSource(src: Source): Promise<LlmPlan> {
  return state.worker.plan(src.kind === 'url' ? src.url : src.file, { budgetBytes: budgetBytes(), ...backendChoice(), contextSize: state.settings.contextSize || undefined });
}

/** Stores a model (downloading or copying it, resuming a partial copy) and loads it. */
export async function addModel(src: Source, opts: { force?: boolean } = {}): Promise<boolean> {
  if (state.loading) return false;
  clearNotice('model');
  if (!opts.force) {
    try {
      const p = await planSource(src);
      const d = describePlan(p);
      if (!d.fits) {
        notify('error', 'model', `This model is too big for this device. ${d.text.textContent}`, [{ label: 'Download anyway', run: () => void addModel(src, { force: true }) }]);
        return false;
      }
    } catch (e) {
      notify('error', 'model', `This file cannot be read as a GGUF model: ${errorText(e)}`);
      return false;
    }
  }
  if (!state.worker.canStore) return loadModel({ id: '', source: src.kind === 'url' ? src.url : src.file });
  const ac = new AbortController();
  state.loading = ac;
  updateComposer();
  const name = src.kind === 'url' ? decodeURIComponent(src.url.split('/').pop() ?? src.url) : src.file.name;
  const bar = progress(`${src.kind === 'url' ? 'Downloading' : 'Copying'} ${name}`, ac);
  let stored: StoredModel | undefined;
  try {
    stored = await state.worker.models.download(src.kind === 'url' ? src.url : src.file, {
      signal: ac.signal, chunkBytes: CHUNK_BYTES,
      onProgress: (p) => bar.update(p.loaded, p.total),
    });
  } catch (e) {
    const code = codeOf(e);
    if (code === 'E_QUOTA') notify('error', 'model', `Storage is full: ${errorText(e)}`, [{ label: 'Manage models', run: () => $('models').querySelector('button')?.focus() }]);
    else if (code === 'E_ABORTED') notify('info', 'model', `Download of ${name} paused. It resumes where it stopped: press Resume in the model list.`);
    else notify('error', 'model', `Could not store ${name}: ${errorText(e)}`);
  } finally {
    bar.done();
    state.loading = undefined;
    updateComposer();
    await refreshModels().catch(() => undefined);
  }
  return stored ? loadStored(stored.id) : false;
}

export function loadStored(id: string): Promise<boolean> {
  return loadModel({ id, source: { stored: id } });
}

/** Plans (for the context that fits), then loads in the worker; says which backend runs it and why. */
async function loadModel(m: { id: string; source: string | File | { stored: string } }): Promise<boolean> {
  if (state.loading || state.generating) return false;
  const ac = new AbortController();
  state.loading = ac;
  updateComposer();
  clearNotice('model');
  const bar = progress('Loading the model', ac);
  try {
    const plan = await state.worker.plan(m.source, { budgetBytes: budgetBytes(), ...backendChoice(), contextSize: state.settings.contextSize || undefined });
    const d = describePlan(plan);
    if (d.note) notify('info', 'context-fit', `Context: ${d.note}.`);
    const info = await state.worker.load(m.source, {
      ...backendChoice(), contextSize: d.contextSize ?? (state.settings.contextSize || undefined), signal: ac.signal,
      onProgress: (p) => {
        $('progress-label').textContent = p.phase === 'verify' ? 'Checking the stored copy (sha-256)' : 'Loading the weights';
        bar.update(p.loaded, p.total);
      },
    });
    state.model = { id: m.id, info };
    clearNotice('welcome');
    if (m.id) {
      state.settings.lastModel = m.id;
      saveSettings(state.settings);
    }
    announce(info);
    return true;
  } catch (e) {
    state.model = undefined;
    const details = (e as { details?: { checksum?: boolean } }).details;
    const stored = state.stored.find((s) => s.id === m.id);
    if (codeOf(e) === 'E_MODEL_MALFORMED' && details?.checksum && stored) {
      const again = stored.origin.startsWith('file:')
        ? [{ label: 'Delete it', run: () => void state.worker.models.delete(stored.id).then(refreshModels) }]
        : [{ label: 'Download again', run: () => void redownload(stored) }];
      notify('error', 'model', `The stored copy of ${stored.name} is corrupted: ${errorText(e)}`, again);
    } else if (codeOf(e) !== 'E_ABORTED') notify('error', 'model', `The model did not load: ${errorText(e)}`);
    return false;
  } finally {
    bar.done();
    state.loading = undefined;
    showModel();
    updateComposer();
    await refreshModels().catch(() => undefined);
  }
}

async function redownload(m: StoredModel): Promise<void> {
  await state.worker.models.delete(m.id);
  await refreshModels();
  await addModel({ kind: 'url', url: m.origin }, { force: true });
}

/** Notices for a fresh load: the backends passed over, and a model without a chat template. */
function announce(info: LlmModelInfo): void {
  const asked = backendOrder()[0];
  const skipped = info.fallbacks.filter((f) => f.backend !== info.backend);
  if (skipped.length && (asked === 'webgpu' || asked !== info.backend)) {
    const gpu = skipped.find((f) => f.backend === 'webgpu');
    const head = gpu ? `WebGPU is not used (${gpu.reason}).` : `${asked} is not used.`;
    notify('info', 'backend', `${head} Running on ${info.backend}. ${skipped.filter((f) => f !== gpu).map((f) => `${f.backend}: ${f.reason}`).join('; ')}`.trim());
  } else clearNotice('backend');
  if (!info.chatTemplate) {
    notify('warning', 'template', `${info.name} has no chat template: it is not a chat model. Replies are raw completions — the model continues the text of the conversation.`);
  } else clearNotice('template');
}

/** The header: model name, backend badge, and the backend switch with what is known of each. */
export function showModel(): void {
  const info = state.model?.info;
  const file = state.stored.find((s) => s.id === state.model?.id)?.name;
  const name = file && info && file.replace(/\.gguf$/i, '') !== info.name ? `${file} (${info.name})` : file ?? info?.name;
  $('model-name').textContent = info ? `${name} · ${info.contextSize}-token context${info.chatTemplate ? '' : ' · completion mode'}` : 'No model loaded';
  $('backend-badge').textContent = info?.backend ?? '';
  const sel = $<HTMLSelectElement>('backend');
  const names = ['auto', ...backendOrder().slice().sort((a, b) => rank(a) - rank(b))];
  const verdict = (n: string) => info?.verdicts.find((v) => v.name === n) ?? (info?.fallbacks.find((f) => f.backend === n) && { ok: false });
  sel.replaceChildren(...names.map((n) => {
    const v = n === 'auto' ? undefined : verdict(n);
    const label = n === 'auto' ? 'Auto (best available)' : `${n}${v && !v.ok ? ((v as { software?: boolean }).software ? ' (software GPU)' : ' (unavailable)') : ''}${info?.backend === n ? ' ✓' : ''}`;
    return el('option', { text: label, attrs: { value: n } });
  }));
  sel.value = state.settings.backend;
  document.body.dataset.model = info ? 'loaded' : 'none';
  $('models').querySelectorAll('li').forEach((li) => li.setAttribute('aria-current', String(li.getAttribute('data-id') === state.model?.id)));
}

const rank = (n: string): number => {
  const i = ['webgpu', 'wasm', 'reference'].indexOf(n);
  return i < 0 ? 9 : i;
};

/** The switch: the current model is loaded again with the chosen backend first. */
export async function switchBackend(name: string): Promise<void> {
  state.settings.backend = name;
  saveSettings(state.settings);
  if (state.model?.id) await loadStored(state.model.id);
  else showModel();
}
