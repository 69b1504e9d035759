"""Backpropagation with one mistake: no-half (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("no-half")
