/**
 * Split GGUF models: llama.cpp's gguf-split writes `NAME-00001-of-0000N.gguf` … with the keys
 * `split.no` (0-based), `split.count` and `split.tensors.count`. The first file holds all the metadata;
 * every file holds tensor infos and data of its own.
 */
import { KilnError } from '../../engine/errors.js';
import type { GgufMetadata } from './metadata.js';

const SPLIT_NAME = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/;

/** The file name of split `index` (0-based) of `count`, given any one split's name. */
export function splitFileName(anyName: string, index: number, count: number): string | undefined {
  const base = anyName.split(/[\\/]/).pop() ?? anyName;
  const m = SPLIT_NAME.exec(base);
  if (!m) return undefined;
  return `${m[1]}-${String(index + 1).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`;
}

export interface SplitInfo {
  readonly no: number;
  readonly count: number;
  readonly tensors?: number;
}

/** The split.* keys of one file, checked; undefined for a file that is not part of a split model. */
export function readSplitInfo(meta: GgufMetadata, name: string): SplitInfo | undefined {
  const count = meta.optInteger('split.count');
  if (count === undefined || count <= 1) return undefined;
  const no = meta.optInteger('split.no') ?? 0;
  if (no < 0 || no >= count) {
    throw new KilnError('E_MODEL_INVALID', `GGUF ${name}: split.no ${no} is outside 0..${count - 1}`, { key: 'split.no' });
  }
  return { no, count, tensors: meta.optInteger('split.tensors.count') };
}
