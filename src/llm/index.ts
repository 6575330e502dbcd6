/** The LLM layer (kiln/llm): tokenizers and chat templates for GGUF models. */
export * from './tokenizer/index.js';
export { renderChatTemplate, type ChatMessage, type ChatTemplateOptions } from './chat-template.js';
