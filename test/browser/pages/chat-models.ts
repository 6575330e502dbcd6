/**
 * Models for the chat app's tests, built in Node:
 *
 * `echoChatModel(pieces)`: a one-block llama GGUF with a chat template whose greedy (and low-temperature)
 * output is always `pieces`, in order, then EOS — whatever the prompt. It is a table of successors, not
 * a trained model: the token embedding is one-hot (hidden size = vocabulary size), attention and FFN
 * write zeros (the residual stream keeps the embedding), and output.weight maps each token to its
 * successor with a logit of 400. So the app's chat-template path and its handling of real model output
 * (streamed, Markdown, HTML that must stay text) are tested with output known in advance.
 */
import { ggufBytes, type KvValue, type TensorDecl } from '../../../scripts/gguf-synth-write.js';

export const ECHO_SPECIALS = ['<unk>', '<s>', '</s>', '<|system|>', '<|user|>', '<|assistant|>'];
export const ECHO_TEMPLATE = "{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}";

function f32(name: string, ne: number[], values: Float32Array): TensorDecl {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, ne, ggmlType: 0, byteLength: bytes.byteLength, fill: (out, offset) => out.set(bytes.subarray(offset, offset + out.length)) };
}

/** `pieces` use ▁ for spaces (SentencePiece style); the model says them in order, then stops. */
export function echoChatModel(pieces: readonly string[], name = 'kiln-test-chat'): Uint8Array {
  const tokens = [...ECHO_SPECIALS, ...pieces];
  while (tokens.length % 8 !== 0 || tokens.length < 16) tokens.push(`[w${tokens.length}]`);
  const n = tokens.length;
  const first = ECHO_SPECIALS.length;
  const next = (t: number): number => (t >= first && t < first + pieces.length - 1 ? t + 1 : t === first + pieces.length - 1 ? 2 : first);
  const embd = new Float32Array(n * n);
  const out = new Float32Array(n * n);
  for (let t = 0; t < n; t++) {
    embd[t * n + t] = 1;
    out[next(t) * n + t] = 100;
  }
  const zeros = (rows: number, cols: number) => new Float32Array(rows * cols);
  const ones = (k: number) => new Float32Array(k).fill(1);
  const kv = new Map<string, KvValue>();
  const u32 = (k: string, v: number) => kv.set(k, { type: 'uint32', value: v });
  kv.set('general.architecture', { type: 'string', value: 'llama' });
  kv.set('general.name', { type: 'string', value: name });
  u32('llama.context_length', 512);
  u32('llama.embedding_length', n);
  u32('llama.block_count', 1);
  u32('llama.feed_forward_length', n);
  u32('llama.attention.head_count', 2);
  u32('llama.attention.head_count_kv', 2);
  u32('llama.rope.dimension_count', n / 2);
  kv.set('llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-6 });
  kv.set('tokenizer.ggml.model', { type: 'string', value: 'llama' });
  kv.set('tokenizer.ggml.tokens', { type: 'array', item: 'string', value: tokens });
  kv.set('tokenizer.ggml.scores', { type: 'array', item: 'float32', value: new Float32Array(n) });
  kv.set('tokenizer.ggml.token_type', { type: 'array', item: 'int32', value: Int32Array.from(tokens, (_, i) => (i === 0 ? 2 : i < first ? 3 : 1)) });
  u32('tokenizer.ggml.bos_token_id', 1);
  u32('tokenizer.ggml.eos_token_id', 2);
  u32('tokenizer.ggml.unknown_token_id', 0);
  kv.set('tokenizer.ggml.add_bos_token', { type: 'bool', value: true });
  kv.set('tokenizer.ggml.add_space_prefix', { type: 'bool', value: false });
  kv.set('tokenizer.chat_template', { type: 'string', value: ECHO_TEMPLATE });
  const b = (x: string) => `blk.0.${x}`;
  return ggufBytes(kv, [
    f32('token_embd.weight', [n, n], embd),
    f32(b('attn_norm.weight'), [n], ones(n)),
    f32(b('attn_q.weight'), [n, n], zeros(n, n)),
    f32(b('attn_k.weight'), [n, n], zeros(n, n)),
    f32(b('attn_v.weight'), [n, n], zeros(n, n)),
    f32(b('attn_output.weight'), [n, n], zeros(n, n)),
    f32(b('ffn_norm.weight'), [n], ones(n)),
    f32(b('ffn_gate.weight'), [n, n], zeros(n, n)),
    f32(b('ffn_up.weight'), [n, n], zeros(n, n)),
    f32(b('ffn_down.weight'), [n, n], zeros(n, n)),
    f32('output_norm.weight', [n], ones(n)),
    f32('output.weight', [n, n], out),
  ]);
}

/** What the model says in the XSS test: markup that must be shown as text, and Markdown that must render. */
export const HOSTILE_PIECES = [
  'Here▁is▁', '<img▁src=x▁onerror="window.__xss=1">', '▁and▁', '<script>window.__xss=2</script>', '▁**bold**▁and▁`code`', '\n```js\nlet▁a▁=▁1;\n```', '\nDone.',
];
export const HOSTILE_TEXT = HOSTILE_PIECES.join('').replaceAll('▁', ' ');
