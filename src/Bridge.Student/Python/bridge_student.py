"""A student's own network, written in plain numpy, driven by Bridge as a backend.

The contract a student's module fulfils (it needs no Bridge import; see examples/your-own-backprop):

    forward(weights, x, activations) -> [o_1, ..., o_L]
        weights:     a list of (W, b) pairs, one per layer, from the first hidden layer to the output layer;
                     W is [inputs, outputs] (W[i, j]: from node i of the previous layer to node j), b is [outputs].
        x:           the inputs, [N, inputs].
        activations: one name per layer: "sigmoid", "tanh", "relu", "linear" or "softmax".
        returns      the output o of every layer, each [N, units of that layer] (not the input x itself).

    gradients(weights, x, targets, activations, loss) -> [(dW_1, db_1), ..., (dW_L, db_L)]
        targets:     [N, outputs] (one-hot rows for several classes).
        loss:        "half-squared-error" (the lecture's E = 1/N · Σ_n ½·Σ_k (t − o)²), "mse", "binary-crossentropy"
                     or "categorical-crossentropy"; every loss is a mean over the batch.
        returns      ∂E/∂W and ∂E/∂b of every layer, shaped like W and b (the gradient, not its negative).

    step(weights, grads, learning_rate) -> weights        (optional)
        one step of plain gradient descent; without it, Bridge's own optimizer steps.

Bridge may also ask forward for part of the network (an autoencoder's decoder, to decode codes): weights and
activations then hold that part's layers only, and x has the width of its first layer's inputs.

Every array Bridge hands over is a fresh float64 copy: a student's code may change it freely. Whatever comes back is
checked here for its structure and dtype, naming the layer and what was expected, before Bridge reads it; Bridge
then checks the shapes and values.
"""

import importlib.util
import os
import sys

import numpy as np


class StudentContractError(Exception):
    """The student's function returned something that does not fit the contract; the message says what and where."""


def versions():
    """The versions Bridge reports for this backend."""
    return {"numpy": np.__version__, "python": sys.version.split()[0]}


def load(path, module_name):
    """Imports the student's file as module ``module_name``, with its folder on sys.path for its own imports."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"no such file: {path}")
    folder = os.path.dirname(path)
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(module_name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module  # present while it runs, as for any import (dataclasses, pickle look there)
        try:
            spec.loader.exec_module(module)
        finally:
            # Each build loads the file afresh under a name of its own: keep sys.modules from collecting them.
            sys.modules.pop(module_name, None)
    finally:
        if added and folder in sys.path:
            sys.path.remove(folder)
    return module


def _layer_name(index):
    return f"dense_{index}"


def _array(value, what, dtype):
    """value as a C-contiguous float64 array, or a StudentContractError naming ``what`` and the dtype it has."""
    if value is None:
        raise StudentContractError(f"{what} is None: did the function forget to return it?")
    try:
        array = np.asarray(value)
    except Exception as error:  # a ragged list, an object numpy cannot read
        raise StudentContractError(f"{what} is not an array numpy can read ({type(value).__name__}): {error}") from None
    if array.dtype.kind not in "fiu":
        raise StudentContractError(
            f"{what} has dtype {array.dtype}; expected {dtype} (numbers, as numpy floating-point)."
        )
    if array.dtype == np.float16:
        raise StudentContractError(
            f"{what} has dtype float16, whose 11 significant bits round away the digits Bridge compares; "
            f"expected {dtype}.")
    if array.dtype.kind in "iu":
        raise StudentContractError(
            f"{what} has dtype {array.dtype} (integers); expected {dtype}: an integer array rounds every value. "
            "Start from float arrays (np.zeros(shape), not np.zeros(shape, dtype=int)).")
    if dtype == "float64" and array.dtype != np.float64:
        raise StudentContractError(
            f"{what} has dtype {array.dtype}; expected float64: Bridge compares in float64 and "
            f"{array.dtype} rounds away the digits the comparison looks at.")
    return np.ascontiguousarray(array, dtype=np.float64)


def _list(value, what, count):
    if not isinstance(value, (list, tuple)):
        raise StudentContractError(f"{what} must return a list with one entry per layer ({count}); got a {type(value).__name__}.")
    if len(value) != count:
        hint = ""
        if len(value) == count + 1:
            hint = " One too many: does the list start with the input x, or hold an extra layer?"
        elif len(value) == count - 1:
            hint = " One too few: is the first hidden layer or the output layer missing?"
        raise StudentContractError(
            f"{what} must return one entry per layer, {count} (dense_0 to dense_{count - 1}); got {len(value)}.{hint}")
    return value


class StudentNet:
    """The student's module behind Bridge's calls: copies in, checked float64 arrays out."""

    def __init__(self, path, module_name):
        self.path = os.path.abspath(path)
        self.module = load(self.path, module_name)
        missing = [name for name in ("forward", "gradients") if not callable(getattr(self.module, name, None))]
        if missing:
            raise StudentContractError(
                f"{os.path.basename(self.path)} defines no function {' and no function '.join(missing)}: "
                "the contract is forward(weights, x, activations) and gradients(weights, x, targets, activations, loss).")
        self.has_step = callable(getattr(self.module, "step", None))

    @staticmethod
    def _weights(kernels, biases):
        return [(np.array(w, dtype=np.float64), np.array(b, dtype=np.float64)) for w, b in zip(kernels, biases)]

    def forward(self, kernels, biases, x, activations, first_layer, dtype):
        outputs = self.module.forward(self._weights(kernels, biases), np.array(x, dtype=np.float64), list(activations))
        outputs = _list(outputs, "forward", len(kernels))
        return [_array(o, f"forward: the output of layer {_layer_name(first_layer + l)}", dtype) for l, o in enumerate(outputs)]

    def gradients(self, kernels, biases, x, targets, activations, loss, dtype):
        grads = self.module.gradients(self._weights(kernels, biases), np.array(x, dtype=np.float64),
                                      np.array(targets, dtype=np.float64), list(activations), loss)
        return self._pairs(grads, "gradients", len(kernels), ("dW", "db"), dtype)

    def step(self, kernels, biases, grad_kernels, grad_biases, learning_rate, dtype):
        weights = self.module.step(self._weights(kernels, biases), self._weights(grad_kernels, grad_biases), float(learning_rate))
        return self._pairs(weights, "step", len(kernels), ("W", "b"), dtype)

    @staticmethod
    def _pairs(value, what, count, names, dtype):
        value = _list(value, what, count)
        flat = []
        for l, pair in enumerate(value):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise StudentContractError(
                    f"{what}: the entry of layer {_layer_name(l)} must be a pair ({names[0]}, {names[1]}); "
                    f"got {type(pair).__name__}" + (f" of length {len(pair)}" if isinstance(pair, (list, tuple)) else "") + ".")
            flat.append(_array(pair[0], f"{what}: {names[0]} of layer {_layer_name(l)}", dtype))
            flat.append(_array(pair[1], f"{what}: {names[1]} of layer {_layer_name(l)}", dtype))
        return flat


def clear_interrupt(thread_id):
    """Clears a KeyboardInterrupt that Bridge's time limit set on a thread after the student's call had returned."""
    import ctypes

    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id % 2**64), None)
