/**
 * What the app keeps: conversations in IndexedDB (one value per conversation, through idb-keyval),
 * settings in localStorage. Models are kept by the LLM worker's store (OPFS), not here.
 */
import { createStore, del, get, set, values, type UseStore } from 'idb-keyval';

export interface ReplyStats {
  readonly tokens: number;
  readonly tokS: number;
  readonly prefillTokS: number;
  readonly contextUsed: number;
  readonly contextSize: number;
  readonly backend: string;
  readonly finish: string;
  /** 'chat': the model's chat template; 'raw': a plain completion of the conversation's text. */
  readonly mode: 'chat' | 'raw';
  readonly ms: number;
}

export interface Message {
  role: 'user' | 'assistant';
  content: string;
  stats?: ReplyStats;
  /** Why the reply ended early (an error message), if it did. */
  error?: string;
}

export interface Conversation {
  id: string;
  title: string;
  system: string;
  messages: Message[];
  createdAt: number;
  updatedAt: number;
}

export interface Settings {
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Empty: a new seed each time. */
  seed: string;
  /** 0: from the device (navigator.deviceMemory). */
  budgetMiB: number;
  /** 0: as LLM.plan suggests. */
  contextSize: number;
  /** 'auto' or a backend name tried first. */
  backend: string;
  theme: 'system' | 'light' | 'dark';
  /** The stored model loaded last (loaded again at start). */
  lastModel?: string;
}

export const DEFAULT_SETTINGS: Settings = { temperature: 0.8, topP: 0.95, maxTokens: 256, seed: '', budgetMiB: 0, contextSize: 0, backend: 'auto', theme: 'system' };

const SETTINGS_KEY = 'kiln-chat:settings';
let db: UseStore | undefined;
const conversations = (): UseStore => (db ??= createStore('kiln-chat', 'conversations'));

export function loadSettings(): Settings {
  try {
    return { ...DEFAULT_SETTINGS, ...(JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? '{}') as Partial<Settings>) };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(s: Settings): void {
  localStorage.setItem(SETTINGS_KEY, JSON.stringify(s));
}

export const newConversation = (system = ''): Conversation => ({
  id: `c${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`, title: 'New chat', system, messages: [], createdAt: Date.now(), updatedAt: Date.now(),
});

/** Newest first. */
export async function listConversations(): Promise<Conversation[]> {
  return (await values<Conversation>(conversations())).sort((a, b) => b.updatedAt - a.updatedAt);
}

export const getConversation = (id: string): Promise<Conversation | undefined> => get<Conversation>(id, conversations());

export async function saveConversation(c: Conversation): Promise<void> {
  c.updatedAt = Date.now();
  if (c.title === 'New chat' && c.messages[0]) c.title = c.messages[0].content.replace(/\s+/g, ' ').trim().slice(0, 60) || 'New chat';
  await set(c.id, structuredClone(c), conversations());
}

export const deleteConversation = (id: string): Promise<void> => del(id, conversations());
