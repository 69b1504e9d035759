"""gradients loops forever."""

from backprop import make

forward, _, _ = make()


def gradients(weights, x, targets, activations, loss):
    total = 0
    while True:
        total += 1
