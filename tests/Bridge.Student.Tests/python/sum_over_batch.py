"""Backpropagation with one mistake: sum-over-batch (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("sum-over-batch")
