// Math WGSL lacks: erf, expm1, softplus, sigmoid, gelu, NaN tests (by bits: `x != x` may be folded away).

fn is_nan_f32(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

// erf: Taylor series near 0 (relative error < 1e-7), Abramowitz–Stegun 7.1.26 elsewhere (abs error < 1.5e-7).
fn erf_f32(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    return 1.1283791670955126 * x * (1.0 + x2 * (-0.3333333333 + x2 * (0.1 + x2 * (-0.0238095238 + x2 * (0.0046296296 - x2 * 0.0007575758)))));
  }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign(x) * (1.0 - p * exp(-a * a));
}

fn expm1_f32(x: f32) -> f32 {
  if (abs(x) < 1e-2) {
    return x * (1.0 + x * (0.5 + x * (0.16666667 + x * 0.041666668)));
  }
  return exp(x) - 1.0;
}

fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0) {
    return 1.0 / (1.0 + exp(-x));
  }
  let e = exp(x);
  return e / (1.0 + e);
}

fn softplus_f32(x: f32) -> f32 {
  if (x > 20.0) {
    return x;
  }
  let e = exp(x);
  if (e < 1e-4) {
    return e * (1.0 - 0.5 * e);
  }
  return log(1.0 + e);
}

fn gelu_f32(x: f32) -> f32 {
  return 0.5 * x * (1.0 + erf_f32(x * 0.7071067811865476));
}

fn gelu_tanh_f32(x: f32) -> f32 {
  return 0.5 * x * (1.0 + tanh(clamp(0.7978845608028654 * (x + 0.044715 * x * x * x), -15.0, 15.0)));
}
