"""Backpropagation with one mistake: tanh-derivative-for-sigmoid (Bridge's optimizer steps)."""

from backprop import make

forward, gradients, _ = make("tanh-derivative-for-sigmoid")
