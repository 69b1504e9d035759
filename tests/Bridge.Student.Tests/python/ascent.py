"""Backpropagation with one mistake: ascent (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("ascent")
