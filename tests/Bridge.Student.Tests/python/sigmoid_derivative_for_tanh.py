"""Backpropagation with one mistake: sigmoid-derivative-for-tanh (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("sigmoid-derivative-for-tanh")
