#!/usr/bin/env python3
"""Fits the polynomial coefficients of src/wasm/kernels/vmath.h and checks them in float32 emulation.

Weighted least squares on Chebyshev nodes with a few reweighting steps toward minimax (relative error):
  exp(r)             r in [-ln2/2, ln2/2], degree 6
  (tanh(x) - x)/x^3  in x^2, x in [0, 0.625], degree 5
  erf(x)/x           in x^2, x in [0, 1], degree 6
  erfc(x) e^{x^2}    in u = 1/(1 + x/2), x in [0.9, 10], degree 9
  (log1p(f) - f + f^2/2)/f^3   f in [sqrt(.5)-1, sqrt(2)-1], degree 6
Usage: /usr/bin/python3 scripts/fit-vmath.py   (needs numpy)
"""
import math
import numpy as np


def fit(f, a, b, deg, basis, n=4000):
    k = np.arange(n)
    x = (a + b) / 2 + (b - a) / 2 * np.cos(np.pi * (k + 0.5) / n)
    y = f(x)
    A = np.stack([basis(x) ** i for i in range(deg + 1)], 1)
    w = 1 / np.abs(y)
    for _ in range(30):
        c, *_ = np.linalg.lstsq(A * w[:, None], y * w, rcond=None)
        e = (A @ c - y) / np.abs(y)
        w = w * (1 + 20 * np.abs(e) / np.abs(e).max())
    return [float(np.float32(v)) for v in c]


ln2 = math.log(2)
print('exp ', fit(np.exp, -ln2 / 2, ln2 / 2, 6, lambda x: x))
print('tanh', fit(lambda x: (np.tanh(x) - x) / x ** 3, 1e-4, 0.625, 5, lambda x: x * x))
print('erf ', fit(lambda x: np.array([math.erf(v) for v in x]) / x, 1e-4, 1.0, 6, lambda x: x * x))
print('erfc', fit(lambda x: np.array([math.erfc(v) * math.exp(v * v) for v in x]), 0.9, 10.0, 9, lambda x: 1 / (1 + 0.5 * x)))
print('log ', fit(lambda f: (np.log1p(f) - f + f * f / 2) / f ** 3, -0.2929, 0.4142, 6, lambda x: x))
