/**
 * `kiln tokenize <model.gguf> "text" [--add-special] [--parse-special]`
 * `kiln tokenize <model.gguf> --file text.txt [...]`
 * Prints the token ids on one line, separated by spaces. add_special and parse_special are off unless
 * asked for (as in llama.cpp's tokenizer tests). `--file` reads the text as UTF-8, byte for byte (for
 * text with newlines); `--` ends the options, for text that starts with "--".
 */
import { readFile } from 'node:fs/promises';
import { KilnError } from '../engine/errors.js';
import { openGguf } from '../formats/gguf/index.js';
import { Tokenizer } from '../llm/index.js';

export const TOKENIZE_USAGE = 'kiln tokenize <model.gguf> ("text" | --file <text.txt>) [--add-special] [--parse-special]';

interface TokenizeArgs { model: string; text?: string; file?: string; addSpecial: boolean; parseSpecial: boolean }

function parseArgs(argv: readonly string[]): TokenizeArgs {
  const bad = (msg: string): never => { throw new KilnError('E_INPUT_INVALID', `tokenize: ${msg}\nusage: ${TOKENIZE_USAGE}`); };
  const a: Partial<TokenizeArgs> & { addSpecial: boolean; parseSpecial: boolean } = { addSpecial: false, parseSpecial: false };
  const positional: string[] = [];
  let options = true;
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    if (options && x === '--') options = false;
    else if (options && x === '--add-special') a.addSpecial = true;
    else if (options && x === '--parse-special') a.parseSpecial = true;
    else if (options && x === '--file') {
      if (argv[i + 1] === undefined) bad('--file needs a path');
      a.file = argv[++i];
    } else if (options && x.startsWith('--')) bad(`unknown option '${x}'`);
    else positional.push(x);
  }
  const [model, text, ...extra] = positional;
  if (!model) bad('missing <model.gguf>');
  if (extra.length) bad(`unexpected argument '${extra[0]}' (quote the text)`);
  if (text !== undefined && a.file !== undefined) bad('give the text or --file, not both');
  if (text === undefined && a.file === undefined) bad('missing the text (or --file)');
  return { ...a, model: model!, text };
}

/** Tokenizes and returns the ids (the testable core of the command). */
export async function tokenizeIds(argv: readonly string[]): Promise<number[]> {
  const a = parseArgs(argv);
  let text = a.text;
  if (a.file !== undefined) {
    try {
      text = (await readFile(a.file)).toString('utf8');
    } catch (e) {
      throw new KilnError('E_IO', `tokenize: cannot read '${a.file}': ${(e as Error).message}`, {}, { cause: e });
    }
  }
  const f = await openGguf(a.model);
  try {
    return Tokenizer.fromGguf(f).encode(text!, { addSpecial: a.addSpecial, parseSpecial: a.parseSpecial });
  } finally {
    await f.close();
  }
}

/** `kiln tokenize …`: writes the ids, space-separated, on one line to stdout. Throws KilnError on bad input. */
export async function tokenizeCommand(argv: readonly string[], write: (s: string) => void = (s) => void process.stdout.write(s)): Promise<void> {
  write((await tokenizeIds(argv)).join(' ') + '\n');
}
