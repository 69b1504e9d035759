"""Backpropagation with one mistake: step-ascent."""

from backprop import make

forward, gradients, step = make("step-ascent")
