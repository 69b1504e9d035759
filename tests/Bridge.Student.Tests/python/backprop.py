"""A student's backpropagation in plain numpy, correct unless told to make one of the classic mistakes.

make(mistake) returns the three functions of the contract (forward, gradients, step); each file named after a
mistake in this folder makes exactly that one, so the tests can check that Bridge names it.
"""

import numpy as np


def _f(name, net):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-net))
    if name == "tanh":
        return np.tanh(net)
    if name == "relu":
        return np.maximum(net, 0.0)
    if name == "linear":
        return net
    if name == "softmax":
        e = np.exp(net - net.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def make(mistake=None):
    def derivative(name, net, o, output_layer):
        if mistake == "no-output-derivative" and output_layer:
            return np.ones_like(o)
        if name == "sigmoid":
            if mistake == "derivative-at-output":
                s = _f("sigmoid", o)
                return s * (1 - s)
            if mistake == "tanh-derivative-for-sigmoid":
                return 1 - o ** 2
            return o * (1 - o)
        if name == "tanh":
            if mistake == "sigmoid-derivative-for-tanh":
                return o * (1 - o)
            if mistake == "derivative-at-output":
                return 1 - np.tanh(o) ** 2
            return 1 - o ** 2
        if name == "relu":
            return (net > 0).astype(float)
        return np.ones_like(o)

    def forward(weights, x, activations):
        outputs = []
        o = x
        for layer, ((w, b), a) in enumerate(zip(weights, activations)):
            if mistake == "transposed-kernel" and layer == 0:
                w = w.T
            net = o @ w + b
            o = _f("linear" if mistake == "no-activation" and layer == 0 else a, net)
            outputs.append(o)
        if mistake == "forward-includes-input":
            return [x] + outputs[:-1]
        return outputs

    def gradients(weights, x, targets, activations, loss):
        nets, outs = [], [x]
        o = x
        for (w, b), a in zip(weights, activations):
            net = o @ w + b
            o = _f(a, net)
            nets.append(net)
            outs.append(o)
        n, k = x.shape[0], targets.shape[1]
        o, t = outs[-1], targets
        if loss == "half-squared-error":
            d_out = (o - t) * (2.0 if mistake == "no-half" else 1.0)
            if mistake == "mse-for-half":
                d_out = 2.0 * (o - t) / k
        elif loss == "mse":
            d_out = 2.0 * (o - t) / k
        elif loss == "binary-crossentropy":
            d_out = (o - t) / (o * (1 - o)) / k
        else:
            d_out = None  # softmax + cross-entropy: the delta is o − t directly
        last = len(weights) - 1
        if d_out is None:
            delta = o - t
        else:
            delta = d_out * derivative(activations[last], nets[last], o, True)
        if mistake == "ascent":
            delta = -delta
        scale = 1.0 if mistake == "sum-over-batch" else 1.0 / n
        grads = []
        for layer in range(last, -1, -1):
            w, _ = weights[layer]
            dw = outs[layer].T @ delta * scale
            db = delta.sum(axis=0) * scale
            if mistake == "no-bias-gradient":
                db = np.zeros_like(db)
            if mistake == "transposed-gradient" and layer == 0:
                dw = dw.T
            grads.append((dw, db))
            if layer > 0:
                delta = (delta @ w.T) * derivative(activations[layer - 1], nets[layer - 1], outs[layer], False)
        if mistake == "reversed-gradients":
            return grads
        grads.reverse()
        if mistake == "gradients-shifted":
            grads = grads[1:] + grads[:1]
        return grads

    def step(weights, grads, learning_rate):
        sign = -1.0 if mistake != "step-ascent" else 1.0
        return [(w + sign * learning_rate * dw, b + sign * learning_rate * db) for (w, b), (dw, db) in zip(weights, grads)]

    return forward, gradients, step
