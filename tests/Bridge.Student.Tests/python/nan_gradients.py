"""gradients computes 0/0 in the first layer's bias."""

import numpy as np

from backprop import make

forward, _gradients, _ = make()


def gradients(weights, x, targets, activations, loss):
    grads = _gradients(weights, x, targets, activations, loss)
    dw, db = grads[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        db = (db - db) / (db - db)
    grads[0] = (dw, db)
    return grads
