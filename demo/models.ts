/**
 * The demo's model choices: the bundled sample (bytes built in code), a URL, a local file, or, when the
 * server has them (the dev server and the test server mount ../shared at /shared/), the benchmark models.
 */
import { SAMPLE_LABELS, sampleModel } from './sample-model.js';

export interface ModelChoice {
  /** Bytes, a URL or a File: what InferenceSession.create (and onnxruntime-web, as bytes or URL) takes. */
  readonly source: Uint8Array | string | File;
  readonly name: string;
  readonly labels?: readonly string[];
  /** Whether image inputs should be ImageNet-normalised outside the model. */
  readonly normalize: boolean;
}

export const BENCH_MODELS = ['mobilenet_v2', 'squeezenet1_1', 'resnet18', 'bert_like'] as const;
const SHARED = new URLSearchParams(location.search).get('shared') ?? '/shared/models/';
const IMAGENET_LABELS = `${SHARED}tflite/imagenet_labels.txt`;

export function sample(): ModelChoice {
  return { source: sampleModel(), name: 'sample classifier (built in code)', labels: SAMPLE_LABELS, normalize: false };
}

/** True when the server has the benchmark models (one HEAD request). */
export async function sharedAvailable(): Promise<boolean> {
  try {
    const r = await fetch(`${SHARED}${BENCH_MODELS[0]}/model.onnx`, { method: 'HEAD' });
    return r.ok;
  } catch {
    return false;
  }
}

export async function shared(name: string): Promise<ModelChoice> {
  const url = new URL(`${SHARED}${name}/model.onnx`, location.href).href;
  let labels: string[] | undefined;
  if (name !== 'bert_like') {
    labels = await fetch(IMAGENET_LABELS).then((r) => (r.ok ? r.text() : '')).then(lines).catch(() => undefined);
  }
  return { source: url, name, labels, normalize: true };
}

export const fromUrl = (url: string): ModelChoice => ({ source: new URL(url, location.href).href, name: url.split('/').pop() || url, normalize: true });
export const fromFile = (f: File): ModelChoice => ({ source: f, name: f.name, normalize: true });

export const lines = (text: string): string[] => text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);

/** Bytes for peers that take bytes or URLs (onnxruntime-web): a File is read once. */
export async function bytesOrUrl(c: ModelChoice): Promise<Uint8Array | string> {
  return c.source instanceof File ? new Uint8Array(await c.source.arrayBuffer()) : c.source;
}
