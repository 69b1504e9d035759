"""Backpropagation with one mistake: derivative-at-output (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("derivative-at-output")
