/**
 * The demo page's Run tab: pick a model and backends, load it (in a worker, through the cache), run it on
 * random inputs or an image, and show outputs, top-k, where each node ran, time per op type, and the
 * load / compile / first-run / steady timings. The Bench tab is in bench.ts.
 */
import { setupBench } from './bench.js';
import { imageLayout, imageTensor, randomFeeds, stats, topK } from './inputs.js';
import {
  demoWorker, evictCachedModel, FEATURES, InferenceSession, isKilnError, listCachedModels, registeredBackends,
  type LoadProgressEvent, type Tensor,
} from './kiln.js';
import { byOpType } from './profile.js';
import { BENCH_MODELS, fromFile, fromUrl, lines, sample, shared, sharedAvailable, type ModelChoice } from './models.js';
import { $, barChart, el, median, ms, table } from './render.js';

interface Loaded {
  readonly session: InferenceSession;
  readonly choice: ModelChoice;
  firstRunMs?: number;
}

let current: Loaded | undefined;
let running: AbortController | undefined;

const checked = (id: string) => $<HTMLInputElement>(id).checked;
const radio = (name: string) => (document.querySelector(`input[name=${name}]:checked`) as HTMLInputElement).value;

function showError(e: unknown): void {
  const box = $('error');
  box.hidden = false;
  box.textContent = isKilnError(e) ? `KilnError ${e.code}\n${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
const clearError = () => ($('error').hidden = true);

export function selectedBackends(): string[] {
  return [...document.querySelectorAll<HTMLInputElement>('#backends input:checked')].map((i) => i.value);
}

export async function currentChoice(): Promise<ModelChoice> {
  const src = radio('src');
  if (src === 'shared') return shared($<HTMLSelectElement>('shared-model').value);
  if (src === 'url') return fromUrl($<HTMLInputElement>('model-url').value);
  if (src === 'file') {
    const f = $<HTMLInputElement>('model-file').files?.[0];
    if (!f) throw new Error('choose a model file first');
    return fromFile(f);
  }
  return sample();
}

/** Session options from the controls; the bench uses them too. */
export function sessionOptions(onProgress?: (p: LoadProgressEvent) => void) {
  return { backends: selectedBackends(), worker: checked('opt-worker') ? demoWorker : false, cache: checked('opt-cache'), enableProfiling: true, onProgress };
}

async function load(): Promise<void> {
  clearError();
  const bar = $<HTMLProgressElement>('load-progress');
  const status = $('load-status');
  $<HTMLButtonElement>('run').disabled = true;
  await current?.session.release();
  current = undefined;
  try {
    const choice = await currentChoice();
    bar.hidden = false;
    bar.value = 0;
    status.textContent = `loading ${choice.name}…`;
    const session = await InferenceSession.create(choice.source, sessionOptions((p) => {
      bar.value = p.total ? p.loaded / p.total : 0;
      status.textContent = `${(p.loaded / 1048576).toFixed(1)} MB from ${p.source}…`;
    }));
    current = { session, choice };
    const li = session.loadInfo;
    status.textContent = `${choice.name}: ${(li.bytes / 1024).toFixed(0)} KB from ${li.source}${li.refetched ? ' (cached copy was corrupt; refetched)' : ''}` +
      `${li.cacheError ? ` — cache: ${li.cacheError.code}` : ''}; ${session.inWorker ? 'in a worker' : 'in this thread'}`;
    if (choice.labels) $<HTMLTextAreaElement>('labels').value = choice.labels.join('\n');
    $<HTMLInputElement>('opt-normalize').checked = choice.normalize;
    renderPlacement(session);
    $('timings').replaceChildren(timingTable(session));
    $<HTMLButtonElement>('run').disabled = false;
  } catch (e) {
    status.textContent = 'load failed';
    showError(e);
  } finally {
    bar.hidden = true;
    void refreshCache();
  }
}

async function feedsFor(session: InferenceSession): Promise<Record<string, Tensor>> {
  const feeds = randomFeeds(session.inputMetadata);
  if (radio('input') === 'image') {
    const file = $<HTMLInputElement>('image-file').files?.[0];
    const m = session.inputMetadata.find((x) => imageLayout(x));
    if (!file || !m) throw new Error(!file ? 'choose an image first' : 'this model has no image-shaped input');
    const canvas = $<HTMLCanvasElement>('preview');
    canvas.hidden = false;
    feeds[m.name] = await imageTensor(m, file, checked('opt-normalize'), canvas);
  }
  return feeds;
}

async function run(): Promise<void> {
  if (!current) return;
  clearError();
  const { session } = current;
  running = new AbortController();
  const { signal } = running;
  $<HTMLButtonElement>('run').disabled = true;
  $<HTMLButtonElement>('abort').disabled = false;
  try {
    const feeds = await feedsFor(session);
    const steady: number[] = [];
    let out: Record<string, Tensor> = {};
    const n = Math.max(1, Number($<HTMLInputElement>('runs').value) || 1);
    const timeRun = async () => {
      const t = performance.now();
      out = await session.run(feeds, { signal, keepInputs: true });
      return performance.now() - t;
    };
    if (current.firstRunMs === undefined) current.firstRunMs = await timeRun();
    for (let i = 0; i < n; i++) steady.push(await timeRun());
    const profile = await session.profile();
    $('timings').replaceChildren(timingTable(session, current.firstRunMs, steady, profile.totalMs));
    renderOutputs(out);
    const ops = byOpType(profile.nodes);
    $('op-chart').replaceChildren(barChart(ops.map((o) => ({ label: o.opType, value: o.ms })), 'ms'));
    $('op-table').replaceChildren(table(['op type', 'nodes', 'ms', 'share', 'backend'],
      ops.map((o) => [o.opType, o.count, { num: o.ms }, `${(o.share * 100).toFixed(1)}%`, o.backends.join(', ')]), [1, 2, 3]));
    document.body.dataset.ran = String(Number(document.body.dataset.ran ?? 0) + 1);
  } catch (e) {
    showError(e);
  } finally {
    running = undefined;
    $<HTMLButtonElement>('run').disabled = false;
    $<HTMLButtonElement>('abort').disabled = true;
  }
}

function timingTable(s: InferenceSession, first?: number, steady: readonly number[] = [], inSession?: number): HTMLTableElement {
  const li = s.loadInfo;
  const rows: [string, string][] = [
    ['load (' + li.source + ')', ms(li.loadMs)],
    ['compile (parse, optimise, plan, prepare)', ms(li.compileMs)],
    ['first run', ms(first)],
    [`steady run (median of ${steady.length || '–'})`, steady.length ? ms(median(steady)) : '–'],
    ['last run inside the session', ms(inSession)],
  ];
  return table(['phase', 'time'], rows, [1]);
}

function renderOutputs(out: Record<string, Tensor>): void {
  const labels = lines($<HTMLTextAreaElement>('labels').value);
  const box = $('outputs');
  box.replaceChildren();
  for (const [name, t] of Object.entries(out)) {
    const st = stats(t);
    box.append(el('p', {}, el('b', {}, name), ` ${t.type}[${t.dims.join(', ')}]`,
      st ? ` min ${st.min.toPrecision(4)} max ${st.max.toPrecision(4)} mean ${st.mean.toPrecision(4)}; first: ${st.first.map((v) => v.toPrecision(4)).join(', ')}` : ''));
    const top = topK(t, labels);
    if (top) box.append(table(['top-k label', 'p'], top.map((x) => [x.label, { num: x.p, digits: 4 }]), [1]));
  }
}

function renderPlacement(s: InferenceSession): void {
  const summary = Object.entries(s.backendSummary).map(([b, n]) => `${b}: ${n} nodes`).join(', ');
  $('placement').replaceChildren(el('p', { class: 'muted' }, summary),
    table(['node', 'op', 'backend', 'declined by'], s.assignments.map((a) => [a.node, a.opType, a.backend,
      Object.entries(a.declined).map(([b, why]) => `${b}: ${why}`).join('; ')])));
}

async function refreshCache(): Promise<void> {
  const box = $('cache-list');
  const list = await listCachedModels().catch(() => []);
  if (!list.length) {
    box.textContent = FEATURES.indexedDB ? 'nothing cached' : 'no IndexedDB here';
    return;
  }
  box.replaceChildren(...list.map((m) => {
    const evict = el('button', {}, 'evict');
    evict.onclick = async () => {
      await evictCachedModel(m.url);
      void refreshCache();
    };
    return el('div', {}, `${m.url.split('/').slice(-2).join('/')} — ${(m.size / 1048576).toFixed(2)} MB, ${m.chunks} chunk(s) `, evict);
  }));
}

async function init(): Promise<void> {
  $('env').textContent = [`backends: ${registeredBackends().join(', ')}`, `WebGPU ${FEATURES.webgpu ? '✓' : '✗'}`,
    `wasm SIMD ${FEATURES.wasmSimd ? '✓' : '✗'}`, `cross-origin isolated ${globalThis.crossOriginIsolated ? '✓' : '✗'}`].join(' · ');
  // 'remote' needs a host URL and token (a backend spec), which this page does not ask for.
  const local = registeredBackends().filter((b) => b !== 'remote');
  $('backends').replaceChildren(...local.map((b) => el('label', {}, Object.assign(el('input', { type: 'checkbox', value: b }), { checked: true }), ` ${b}`)));
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tab')) {
    tab.onclick = () => {
      for (const t of document.querySelectorAll<HTMLButtonElement>('.tab')) t.setAttribute('aria-selected', String(t === tab));
      $('tab-run').hidden = tab.dataset.tab !== 'run';
      $('tab-bench').hidden = tab.dataset.tab !== 'bench';
    };
  }
  $('load').onclick = () => void load();
  $('run').onclick = () => void run();
  $('abort').onclick = () => running?.abort();
  setupBench(currentChoice, sessionOptions, showError);
  if (await sharedAvailable()) {
    $('shared-row').hidden = false;
    $('shared-model').replaceChildren(...BENCH_MODELS.map((m) => el('option', { value: m }, m)));
  }
  void refreshCache();
  document.body.dataset.ready = 'true';
}

void init();
