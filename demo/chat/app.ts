/** The app's shared state and DOM helpers. */
import type { LLMWorker, LlmModelInfo, StoredModel } from './kiln.js';
import type { Conversation, Settings } from './store.js';

export interface AppState {
  worker: LLMWorker;
  settings: Settings;
  conv: Conversation;
  /** The loaded model: its store id and what the worker says about it. */
  model?: { id: string; info: LlmModelInfo };
  stored: StoredModel[];
  /** The reply being generated (abort to stop it). */
  generating?: AbortController;
  /** A download, check or load in progress (abort to cancel it). */
  loading?: AbortController;
}

export const state = {} as AppState;

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from the page`);
  return e as T;
};

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { className?: string; text?: string; attrs?: Record<string, string> } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs ?? {})) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

export function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLButtonElement {
  const b = el('button', { text: label, attrs: { type: 'button', ...attrs } });
  b.addEventListener('click', onClick);
  return b;
}

/** Backends offered in the switch, best first; anything else the worker registered comes after. */
export const PREFERRED_BACKENDS = ['webgpu', 'wasm', 'reference'];
/** Registered backends that cannot run LLMs (whole-graph offload). */
const NOT_LLM = new Set(['remote']);

export function backendOrder(): string[] {
  const all = [...PREFERRED_BACKENDS, ...state.worker.backends.filter((b) => !PREFERRED_BACKENDS.includes(b) && !NOT_LLM.has(b))];
  const first = state.settings.backend;
  return first !== 'auto' && all.includes(first) ? [first, ...all.filter((b) => b !== first)] : all;
}

/**
 * The backend order for plan and load. WebGPU on a software adapter (SwiftShader) is passed over for
 * wasm unless the user picked WebGPU in the switch.
 */
export function backendChoice(): { backends: string[]; softwareGpu?: 'allow' } {
  return { backends: backendOrder(), ...(state.settings.backend === 'webgpu' ? { softwareGpu: 'allow' as const } : {}) };
}

/** The memory the model may use: the setting, else half of what the device reports (2 GiB if it does not). */
export function budgetBytes(): number {
  if (state.settings.budgetMiB > 0) return state.settings.budgetMiB * 2 ** 20;
  const gib = (navigator as { deviceMemory?: number }).deviceMemory;
  return (gib ? gib / 2 : 2) * 2 ** 30;
}
