"""gradients raises: the student's traceback must reach the report."""

from backprop import make

forward, _, _ = make()


def gradients(weights, x, targets, activations, loss):
    return compute_deltas(weights, x)


def compute_deltas(weights, x):
    raise ValueError("shapes (8,4) and (1,4) not aligned: a deliberate failure")
