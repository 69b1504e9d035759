"""Backpropagation with one mistake: no-bias-gradient (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("no-bias-gradient")
