"""gradients returns integer arrays for the output layer's kernel."""

import numpy as np

from backprop import make

forward, _gradients, _ = make()


def gradients(weights, x, targets, activations, loss):
    grads = _gradients(weights, x, targets, activations, loss)
    dw, db = grads[-1]
    grads[-1] = (np.zeros(dw.shape, dtype=int), db)
    return grads
