"""Independent numpy reference for the helper tests: Bridge's losses and optimizer formulas written out plainly."""

import numpy as np


def activate(name, net):
    if name in ("logistic", "sigmoid"):
        return 1 / (1 + np.exp(-net))
    if name == "tanh":
        return np.tanh(net)
    if name == "relu":
        return np.maximum(net, 0)
    if name in ("identity", "linear"):
        return net
    if name == "softmax":
        e = np.exp(net - net.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def forward(coefs, intercepts, activations, x):
    o = x
    for w, b, a in zip(coefs, intercepts, activations):
        o = activate(a, o @ w + b)
    return o


def loss(name, o, t):
    """Bridge's losses: batch means, with the per-sample reductions of Bridge.Loss."""
    if name == "half-squared-error":
        return np.mean(0.5 * np.sum((t - o) ** 2, axis=1))
    if name == "mse":
        return np.mean((t - o) ** 2)
    if name == "binary-crossentropy":
        return np.mean(-(t * np.log(o) + (1 - t) * np.log(1 - o)))
    if name == "categorical-crossentropy":
        return np.mean(-np.sum(t * np.log(o), axis=1))
    raise ValueError(name)


def finite_differences(f, arrays, h=1e-6):
    """Central differences of f() with respect to every entry of every array (changed in place and restored)."""
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        it = np.nditer(a, flags=["multi_index"])
        for _ in it:
            i = it.multi_index
            saved = a[i]
            a[i] = saved + h
            plus = f()
            a[i] = saved - h
            minus = f()
            a[i] = saved
            g[i] = (plus - minus) / (2 * h)
        grads.append(g)
    return grads


def relative_error(a, b):
    a = np.concatenate([np.ravel(x) for x in a])
    b = np.concatenate([np.ravel(x) for x in b])
    scale = max(np.abs(a).max(), np.abs(b).max())
    return 0.0 if scale == 0 else np.abs(a - b).max() / scale


def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    """Kingma & Ba, Algorithm 1: w − lr·m̂/(√v̂ + ε)."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def momentum_step(w, g, velocity, lr, mu, nesterov):
    """v ← μ·v − L·g; w ← w + v (Nesterov: w ← w + μ·v − L·g)."""
    velocity = mu * velocity - lr * g
    return w + (mu * velocity - lr * g if nesterov else velocity), velocity
