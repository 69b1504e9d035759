"""Your own network: forward pass, backpropagation and a gradient-descent step, in plain numpy.

Fill in the four functions marked TODO, then let Bridge check every number against its own engine:

    dotnet run --project tools/Bridge.Cli -c Release -- compare \
        --backends managed,python:examples/your-own-backprop/my_net.py \
        --data moons --layers 2,8,1 --activation tanh --output-activation sigmoid \
        --loss half-squared-error --lr 0.5 --momentum 0 --epochs 30

The conventions (Bridge's, the lecture's):
- weights is a list of (W, b), one pair per layer, from the first hidden layer to the output layer.
  W has shape [inputs, outputs]: W[i, j] is the weight from node i of the previous layer to node j.
  b has shape [outputs]. So for a whole batch: net = o_previous @ W + b, and o = f(net).
- x is a batch of inputs, [N, inputs]: one row per sample.
- activations names each layer's f: "sigmoid", "tanh", "relu", "linear" (or "softmax" on the output layer).
- The loss is a mean over the batch. The lecture's loss, "half-squared-error", is
      E = (1/N) · Σ_n ½ · Σ_k (t_k − o_k)²
  "mse" is E = (1/N) · Σ_n (1/K) · Σ_k (t_k − o_k)²  (K outputs), as torch and Keras define it.
- gradients returns ∂E/∂W and ∂E/∂b themselves (not their negatives), shaped like W and b.

Every array you get is a fresh float64 copy; return float64 arrays.
"""

import numpy as np


def f(name, net):
    """The activation function, applied element-wise."""
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-net))
    if name == "tanh":
        return np.tanh(net)
    if name == "relu":
        return np.maximum(net, 0.0)
    if name == "linear":
        return net
    raise ValueError(f"this template does not know the activation {name}")


def f_prime(name, net, o):
    """f'(net), given net and o = f(net).

    TODO: sigmoid: o·(1 − o); tanh: 1 − o²; relu: 1 where net > 0, else 0; linear: 1.
    """
    raise NotImplementedError("f_prime: the derivatives of the activations")


def forward(weights, x, activations):
    """The output o of every layer, in order: a list of [N, units] arrays (not including x itself).

    TODO: o = x; for each layer: net = o @ W + b; o = f(activation, net); keep o.
    """
    raise NotImplementedError("forward: the forward pass")


def gradients(weights, x, targets, activations, loss):
    """∂E/∂W and ∂E/∂b of every layer, as a list of (dW, db) pairs in the order of the weights.

    TODO, for loss == "half-squared-error":
    1. Run the forward pass, keeping net and o of every layer (and o_0 = x).
    2. Output layer: delta = (o − t) · f'(net)                       [N, outputs]
    3. For each layer l from the last to the first:
           dW = o_previous.T @ delta / N                              [inputs, outputs]
           db = delta.sum(axis=0) / N                                 [outputs]
           delta_previous = (delta @ W.T) · f'(net_previous)          (for the layer below)
    4. Return the pairs from the first layer to the last.
    """
    raise NotImplementedError("gradients: backpropagation")


def step(weights, grads, learning_rate):
    """One step of gradient descent: the new (W, b) of every layer. (Optional: delete it and Bridge steps for you.)

    TODO: W ← W − L·dW, b ← b − L·db.
    """
    raise NotImplementedError("step: one step of gradient descent")
