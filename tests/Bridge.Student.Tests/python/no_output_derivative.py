"""Backpropagation with one mistake: no-output-derivative (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("no-output-derivative")
