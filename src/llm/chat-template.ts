/**
 * Chat templates: the Jinja template a GGUF model carries in `tokenizer.chat_template` (or
 * `tokenizer.chat_template.<name>`), rendered with @huggingface/jinja, the engine Transformers.js uses
 * for the same templates. Templates are parsed once and cached.
 */
import { Template } from '@huggingface/jinja';
import { KilnError } from '../engine/errors.js';

export interface ChatMessage {
  role: string;
  content: string;
  [key: string]: unknown;
}

export interface ChatTemplateOptions {
  /** End with the prompt for the assistant's turn (default true). */
  addGenerationPrompt?: boolean;
  bosToken?: string;
  eosToken?: string;
  /** Further variables for the template (tools, documents, date_string, …). */
  variables?: Record<string, unknown>;
}

const cache = new Map<string, Template>();

function parse(source: string, what: string): Template {
  let t = cache.get(source);
  if (t) return t;
  try {
    t = new Template(source);
  } catch (e) {
    throw new KilnError('E_MODEL_INVALID', `${what} does not parse: ${(e as Error).message}`, { key: what }, { cause: e });
  }
  if (cache.size > 32) cache.clear();
  cache.set(source, t);
  return t;
}

export function renderChatTemplate(source: string, messages: readonly ChatMessage[], opts: ChatTemplateOptions = {}, what = 'chat template'): string {
  const template = parse(source, what);
  try {
    return template.render({
      ...opts.variables,
      messages,
      add_generation_prompt: opts.addGenerationPrompt ?? true,
      bos_token: opts.bosToken ?? '',
      eos_token: opts.eosToken ?? '',
    });
  } catch (e) {
    // Templates refuse bad input with raise_exception(...), which @huggingface/jinja throws as an Error.
    throw new KilnError('E_INPUT_INVALID', `${what} failed to render: ${(e as Error).message}`, { key: what }, { cause: e });
  }
}
