"""gradients blocks inside C (time.sleep): only a worker process can end that call."""

import time

from backprop import make

forward, _, _ = make()


def gradients(weights, x, targets, activations, loss):
    time.sleep(3600)
