"""Backpropagation with one mistake: reversed-gradients (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("reversed-gradients")
