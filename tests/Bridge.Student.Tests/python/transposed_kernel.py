"""Backpropagation with one mistake: transposed-kernel (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("transposed-kernel")
