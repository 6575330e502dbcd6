/** Reference kernels: signal ops (DFT, STFT, windows, MelWeightMatrix). Plain O(n²) transforms in doubles. */
import { kernel, type KernelMap } from '../engine/backend.js';
import { fromNumbers, toNumbers } from '../engine/elements.js';
import { KilnError } from '../engine/errors.js';
import { signalOps as ops, type WindowParams } from '../engine/ops/signal.js';
import type { Tensor } from '../engine/tensor.js';
import { asTensor } from './sequence/tensors.js';

/** cos/sin of 2πk/n for k < n (indexing by (f·k) mod n keeps large products exact). */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  return { cos, sin };
}

/**
 * out[f] = Σ_k x[k]·e^(∓2πi·fk/n) for f < outLen (sign − forward, + inverse). `re`/`im` hold n values.
 * Writes real and imaginary parts through `put`.
 */
function transform(re: Float64Array, im: Float64Array, n: number, outLen: number, inverse: boolean,
  tw: { cos: Float64Array; sin: Float64Array }, put: (f: number, r: number, i: number) => void): void {
  const sign = inverse ? 1 : -1;
  for (let f = 0; f < outLen; f++) {
    let sr = 0;
    let si = 0;
    for (let k = 0; k < n; k++) {
      const idx = (f * k) % n;
      const c = tw.cos[idx]!;
      const s = sign * tw.sin[idx]!;
      sr += re[k]! * c - im[k]! * s;
      si += re[k]! * s + im[k]! * c;
    }
    put(f, inverse ? sr / n : sr, inverse ? si / n : si);
  }
}

function windowKernel(f: (k: number, N: number) => number) {
  return (_inputs: unknown, p: WindowParams) => {
    const N = p.periodic ? p.size : p.size - 1;
    const out = new Float64Array(p.size);
    for (let k = 0; k < p.size; k++) out[k] = f(k, N);
    return [fromNumbers(p.dtype, out, [p.size])];
  };
}

export const signalKernels: KernelMap = {
  DFT: kernel(ops.DFT, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const v = toNumbers(x);
    const { outer, len, inner, channels, n, outLen, outChannels } = p;
    const out = new Float64Array(outer * outLen * inner * outChannels);
    const tw = twiddles(n);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    const half = Math.floor(n / 2) + 1;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (k: number) => ((o * len + k) * inner + i) * channels;
        re.fill(0);
        im.fill(0);
        if (p.irfft) {
          // Rebuild the full spectrum from its first n/2+1 values by conjugate symmetry.
          for (let f = 0; f < n; f++) {
            const g = f < half ? f : n - f;
            if (g >= len) continue;
            re[f] = v[at(g)]!;
            im[f] = channels === 2 ? (f < half ? 1 : -1) * v[at(g) + 1]! : 0;
          }
        } else {
          for (let k = 0; k < Math.min(n, len); k++) {
            re[k] = v[at(k)]!;
            im[k] = channels === 2 ? v[at(k) + 1]! : 0;
          }
        }
        transform(re, im, n, outLen, p.inverse, tw, (f, r, m) => {
          const j = ((o * outLen + f) * inner + i) * outChannels;
          out[j] = r;
          if (outChannels === 2) out[j + 1] = m;
        });
      }
    }
    return [fromNumbers(x.type, out, p.outDims)];
  }),

  STFT: kernel(ops.STFT, (inputs, p) => {
    const x = inputs[0] as Tensor;
    const v = toNumbers(x);
    const w = inputs[2] === undefined ? undefined : toNumbers(asTensor(inputs[2], 'window'));
    const { batch, signalLen, channels, step, n, frames, bins } = p;
    const out = new Float64Array(batch * frames * bins * 2);
    const tw = twiddles(n);
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let b = 0; b < batch; b++) {
      for (let fr = 0; fr < frames; fr++) {
        for (let k = 0; k < n; k++) {
          const j = (b * signalLen + fr * step + k) * channels;
          const g = w ? w[k]! : 1;
          re[k] = v[j]! * g;
          im[k] = channels === 2 ? v[j + 1]! * g : 0;
        }
        transform(re, im, n, bins, false, tw, (f, r, m) => {
          const j = ((b * frames + fr) * bins + f) * 2;
          out[j] = r;
          out[j + 1] = m;
        });
      }
    }
    return [fromNumbers(x.type, out, [batch, frames, bins, 2])];
  }),

  HannWindow: kernel(ops.HannWindow, windowKernel((k, N) => 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / N))),
  HammingWindow: kernel(ops.HammingWindow, windowKernel((k, N) => 25 / 46 - (21 / 46) * Math.cos((2 * Math.PI * k) / N))),
  BlackmanWindow: kernel(ops.BlackmanWindow, windowKernel((k, N) =>
    0.42 - 0.5 * Math.cos((2 * Math.PI * k) / N) + 0.08 * Math.cos((4 * Math.PI * k) / N))),

  MelWeightMatrix: kernel(ops.MelWeightMatrix, (inputs, p) => {
    const low = toNumbers(inputs[3] as Tensor)[0]!;
    const high = toNumbers(inputs[4] as Tensor)[0]!;
    const { numMelBins: mel, dftLength: dft, sampleRate } = p;
    const spec = Math.floor(dft / 2) + 1;
    const toMel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
    const lowMel = toMel(low);
    const melStep = (toMel(high) - lowMel) / (mel + 2);
    // Band edges as spectrogram bin indices: mel-spaced points mapped back to hertz, then to bins.
    const edges = Array.from({ length: mel + 2 }, (_, i) =>
      Math.floor(((dft + 1) * 700 * (10 ** ((i * melStep + lowMel) / 2595) - 1)) / sampleRate));
    for (const e of edges) {
      if (!(e >= 0 && e < spec)) {
        throw new KilnError('E_INPUT_INVALID', `the mel band edges [${low}, ${high}] Hz fall outside the ${spec} spectrogram bins (sample rate ${sampleRate})`);
      }
    }
    const out = new Float64Array(spec * mel);
    for (let m = 0; m < mel; m++) {
      const [lo, mid, hi] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
      if (mid === lo) out[mid * mel + m] = 1;
      else for (let j = lo; j <= mid; j++) out[j * mel + m] = (j - lo) / (mid - lo);
      for (let j = mid; j < hi; j++) out[j * mel + m] = (hi - j) / (hi - mid);
    }
    return [fromNumbers(p.dtype, out, [spec, mel])];
  }),
};
