"""Backpropagation with one mistake: gradients-shifted (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("gradients-shifted")
