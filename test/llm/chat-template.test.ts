/** Chat templates from GGUF metadata, rendered with @huggingface/jinja. */
import { describe, expect, it } from 'vitest';
import { readGguf } from '../../src/formats/gguf/index.js';
import { renderChatTemplate, Tokenizer } from '../../src/llm/index.js';
import { buildGguf, V } from '../formats/gguf-build.js';

const CHATML = "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
const LLAMA2 = "{{ bos_token }}{% for m in messages %}{% if m['role'] == 'user' %}{{ '[INST] ' + m['content'] + ' [/INST]' }}{% elif m['role'] == 'assistant' %}{{ ' ' + m['content'] + eos_token }}{% else %}{{ raise_exception('roles must be user or assistant') }}{% endif %}{% endfor %}";

function tokenizer(kv: [string, ReturnType<typeof V.str>][] = []) {
  return Tokenizer.fromGguf(readGguf(buildGguf({
    kv: [['tokenizer.ggml.model', V.str('llama')], ['tokenizer.ggml.tokens', V.strs(['<unk>', '<s>', '</s>', '▁hi'])], ['tokenizer.ggml.token_type', V.i32s([2, 3, 3, 1])], ...kv],
  })));
}

describe('chat templates', () => {
  const messages = [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello!' }, { role: 'user', content: 'Bye' }];

  it('renders tokenizer.chat_template with BOS/EOS texts and the generation prompt', () => {
    const tok = tokenizer([['tokenizer.chat_template', V.str(LLAMA2)], ['tokenizer.chat_template.chatml', V.str(CHATML)]]);
    expect(tok.applyChatTemplate(messages)).toBe('<s>[INST] Hi [/INST] Hello!</s>[INST] Bye [/INST]');
    expect(tok.applyChatTemplate(messages.slice(0, 1), { name: 'chatml' })).toBe('<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
    expect(tok.applyChatTemplate(messages.slice(0, 1), { name: 'chatml', addGenerationPrompt: false })).toBe('<|im_start|>user\nHi<|im_end|>\n');
  });

  it('reports template errors as KilnErrors naming the key', () => {
    const tok = tokenizer([['tokenizer.chat_template', V.str(LLAMA2)]]);
    expect(() => tok.applyChatTemplate([{ role: 'system', content: 'x' }])).toThrow(/tokenizer.chat_template failed to render: .*roles must be user or assistant/);
    expect(() => tokenizer().applyChatTemplate(messages)).toThrow(/the model has no 'tokenizer.chat_template'/);
    expect(() => renderChatTemplate('{% for %}', messages)).toThrow(/chat template does not parse/);
  });
});
