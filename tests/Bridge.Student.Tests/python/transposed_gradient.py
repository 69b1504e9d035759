"""Backpropagation with one mistake: transposed-gradient (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("transposed-gradient")
