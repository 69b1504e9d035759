"""Backpropagation with one mistake: no-activation (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("no-activation")
