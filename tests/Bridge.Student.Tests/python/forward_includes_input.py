"""Backpropagation with one mistake: forward-includes-input (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("forward-includes-input")
