"""Backpropagation with one mistake: mse-for-half (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("mse-for-half")
