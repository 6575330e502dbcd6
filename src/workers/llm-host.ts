/**
 * The worker side of the LLM protocol (llm-protocol.ts): one LLM per worker, the model store, and the
 * backend policy the page would otherwise have to write itself:
 *
 * - load: plans first (LLM.plan's verdicts say why a backend earlier in the list was passed over, e.g.
 *   "webgpu: not available"), then loads on the first backend that can run the model; a device lost
 *   while loading moves on to the next one. The fallbacks come back with the model info.
 * - generate: streams tokens on a port; a device lost mid-answer reloads the model on the next backend
 *   and carries on from the tokens already produced (a `fallback` event says so). A prompt too long for
 *   the context loses its oldest turns first (`fit`), and long answers slide the window.
 */
import * as Comlink from 'comlink';
import type { Endpoint } from 'comlink';
import { KilnError } from '../engine/errors.js';
import { registeredBackends } from '../engine/registry.js';
import type { GgufInput } from '../formats/gguf/index.js';
import { DEFAULT_BACKENDS, LLM, type ChatMessage, type GenerateOptions } from '../llm/index.js';
import { FEATURES } from './env.js';
import { fitChat, fitText, runGeneration } from './llm-generate.js';
import {
  type LlmFallback, type LlmGenerateRequest, type LlmLoadOptions, type LlmLoadProgress, type LlmModelInfo, type LlmWireSource,
  type LlmWorkerApi, type StoreProgress,
} from './llm-protocol.js';
import { deleteStored, ingest, listStored, openStored, storeAvailable, verifyStored } from './llm-store.js';
import { settle, toWireError, type Result } from './protocol.js';

const reasonOf = (e: unknown): string => (e instanceof Error ? e.message.replace(/^\[[A-Z0-9_]+\] /, '') : String(e));

/** The loaded model and what is needed to load it again elsewhere after a device loss. */
export interface Loaded {
  llm: LLM;
  info: LlmModelInfo;
  input: GgufInput;
  options: LlmLoadOptions;
  /** Backends still to try, in order, after the current one. */
  rest: string[];
}

export function serveLlm(endpoint: Endpoint = globalThis as unknown as Endpoint): void {
  let current: Loaded | undefined;
  let busy: Promise<unknown> = Promise.resolve();
  const ops = new Map<number, AbortController>();
  const opSignal = (op: number): AbortSignal => {
    const ac = new AbortController();
    ops.set(op, ac);
    return ac.signal;
  };
  const need = (): Loaded => {
    if (!current) throw new KilnError('E_RELEASED', 'no model is loaded in this worker');
    return current;
  };

  async function input(src: LlmWireSource, verify: boolean, signal?: AbortSignal, onProgress?: (p: LlmLoadProgress) => void): Promise<GgufInput> {
    if (src.kind === 'url') return src.url;
    if (src.kind === 'bytes') return src.bytes;
    if (src.kind === 'blob') return src.blob;
    const { file } = await openStored(src.id, verify, (loaded, total) => onProgress?.({ phase: 'verify', loaded, total }), signal);
    return file;
  }

  /** Loads on the first backend of `order` that works, skipping ones whose device is lost. */
  async function loadOn(src: GgufInput, order: readonly string[], o: LlmLoadOptions, signal?: AbortSignal, onProgress?: (p: LlmLoadProgress) => void, lost: LlmFallback[] = []): Promise<Loaded> {
    const t0 = performance.now();
    const plan = await LLM.plan(src, { backends: order, softwareGpu: o.softwareGpu, contextSize: o.contextSize, kvType: o.kvType, batchSize: o.batchSize });
    if (!plan.supported) throw new KilnError('E_MODEL_INVALID', `this model cannot run here: ${plan.reason}`, { arch: plan.arch });
    const fallbacks: LlmFallback[] = [...lost];
    for (const v of plan.backends) if (!v.ok) fallbacks.push({ backend: v.name, reason: v.reason ?? 'unavailable' });
    let rest = order.slice(plan.backend ? order.indexOf(plan.backend) : order.length);
    if (!plan.backend || rest.length === 0) {
      throw new KilnError('E_BACKEND_UNAVAILABLE', `no backend can run this model (${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')})`, { verdicts: plan.backends });
    }
    for (;;) {
      const name = rest[0]!;
      try {
        const llm = await LLM.load(src, {
          backends: [name], contextSize: o.contextSize, kvType: o.kvType, batchSize: o.batchSize, chatTemplate: o.chatTemplate, signal,
          onProgress: onProgress && ((p) => onProgress({ phase: 'weights', loaded: p.loaded, total: p.total, tensor: p.tensor })),
        });
        const tok = llm.tokenizer;
        const info: LlmModelInfo = {
          name: llm.modelName, arch: llm.config.arch, backend: llm.backendName, contextSize: llm.contextSize, vocabSize: tok.size,
          chatTemplate: o.chatTemplate !== undefined || tok.chatTemplate() !== undefined, bos: tok.bos,
          fallbacks, verdicts: plan.backends, memory: llm.memory(), loadMs: performance.now() - t0,
        };
        return { llm, info, input: src, options: o, rest: rest.slice(1) };
      } catch (e) {
        if (!(e instanceof KilnError) || (e.code !== 'E_DEVICE_LOST' && e.code !== 'E_BACKEND_UNAVAILABLE') || rest.length === 1) throw e;
        fallbacks.push({ backend: name, reason: reasonOf(e) });
        rest = rest.slice(1);
      }
    }
  }

  /** After a device loss: the same model on the next backend, with the same options. */
  async function reload(l: Loaded, reason: string): Promise<Loaded> {
    await l.llm.unload().catch(() => undefined);
    if (l.rest.length === 0) throw new KilnError('E_DEVICE_LOST', `${l.info.backend} lost its device (${reason}) and no other backend is left`);
    const next = await loadOn(l.input, l.rest, l.options, undefined, undefined, [...l.info.fallbacks, { backend: l.info.backend, reason }]);
    current = next;
    return next;
  }

  /** One thing at a time touches the model (loads, generations, unloads), in the order asked. */
  function serial<T>(f: () => Promise<T>): Promise<T> {
    const run = busy.then(f, f);
    busy = run.catch(() => undefined);
    return run;
  }

  const api: LlmWorkerApi = {
    hello() {
      return { ok: true, value: { backends: registeredBackends(), features: FEATURES, store: storeAvailable() } };
    },

    plan(source, options) {
      return settle(async () => LLM.plan(await input(source, false), { ...options, backends: options.backends ?? DEFAULT_BACKENDS }));
    },

    load(source, options, op, onProgress) {
      const signal = opSignal(op);
      return settle(() => serial(async () => {
        try {
          const progress = onProgress && ((p: LlmLoadProgress) => void Promise.resolve(onProgress(p)).catch(() => undefined));
          const src = await input(source, options.verify ?? true, signal, progress);
          if (current) {
            const old = current;
            current = undefined;
            await old.llm.unload();
          }
          current = await loadOn(src, options.backends ?? DEFAULT_BACKENDS, options, signal, progress);
          return current.info;
        } finally {
          ops.delete(op);
          release(onProgress);
        }
      }));
    },

    async generate(req: LlmGenerateRequest, port: MessagePort): Promise<Result<void>> {
      const signal = opSignal(req.id);
      const post = (ev: Parameters<MessagePort['postMessage']>[0]) => port.postMessage(ev);
      let started!: (r: Result<void>) => void;
      const answer = new Promise<Result<void>>((r) => (started = r));
      void serial(async () => {
        try {
          const l = need();
          const o = req.options;
          const fit = o.fit ?? true;
          const gen: GenerateOptions = { ...o, stop: o.stop && [...o.stop], contextShift: true };
          const prompt = req.kind === 'chat'
            ? fitChat(l.llm, req.messages, o, fit)
            : fitText(l.llm, typeof req.prompt === 'string' ? l.llm.tokenizer.encode(req.prompt, { addSpecial: o.addSpecial ?? true }) : [...req.prompt], o, fit);
          started({ ok: true, value: undefined });
          const result = await runGeneration({
            loaded: () => need(), reload: (why) => reload(need(), why), prompt: prompt.ids, options: gen, flag: req.flag, signal,
            onToken: (id, text, n) => post({ t: 'token', id, text, n }),
            onFallback: (from, to, reason) => post({ t: 'fallback', from, to: to.info.backend, reason, info: to.info }),
          });
          post({ t: 'done', result: { ...result, droppedMessages: prompt.droppedMessages, droppedTokens: prompt.droppedTokens } });
        } catch (e) {
          started({ ok: false, error: toWireError(e) });
          post({ t: 'error', error: toWireError(e) });
        } finally {
          ops.delete(req.id);
          port.close();
        }
      });
      return answer;
    },

    countTokens(what) {
      return settle(async () => {
        const { llm } = need();
        return typeof what === 'string' ? llm.tokenizer.encode(what, { addSpecial: true }).length : llm.chatPrompt(what as ChatMessage[]).length;
      });
    },

    abort(op) {
      ops.get(op)?.abort();
    },

    unload() {
      return settle(() => serial(async () => {
        const l = current;
        current = undefined;
        await l?.llm.unload();
      }));
    },

    storeList: () => settle(listStored),

    storeDownload(source, options, op, onProgress) {
      const signal = opSignal(op);
      const progress = onProgress && ((p: StoreProgress) => void Promise.resolve(onProgress(p)).catch(() => undefined));
      return settle(async () => {
        try {
          return await ingest(source.kind === 'url' ? source : { kind: 'blob', blob: source.blob, name: source.name }, options, signal, progress);
        } finally {
          ops.delete(op);
          release(onProgress);
        }
      });
    },

    storeVerify: (id) => settle(() => verifyStored(id)),
    storeDelete: (id) => settle(() => deleteStored(id)),
  };
  Comlink.expose(api, endpoint);
}

function release(p: unknown): void {
  const r = (p as { [Comlink.releaseProxy]?: () => void } | undefined)?.[Comlink.releaseProxy];
  if (typeof r === 'function') r.call(p);
}
