"""Keras 3 driven from Bridge: the facade's networks, losses and optimizers on whichever Keras backend is active.

A network is a stack of keras Dense layers without activation; the activation is applied here, so that every
layer's net input stays at hand (the cross-entropies are computed from it, the stable way). Losses are written with
keras.ops to the facade's exact reductions. Gradients come from the active backend's own automatic
differentiation: torch autograd, jax.grad, or tf.GradientTape. Steps use Keras's own optimizers: Keras's SGD is the
facade's formula; Keras's Adam adds ε to √v instead of √v̂, so each step gets ε·√(1 − β2^t), which makes it the
facade's (and torch's) Adam exactly.
"""

import contextlib
import json
import math

import numpy as np


def _keras():
    import keras

    return keras


def versions():
    """Keras's version and active backend, or an ImportError saying why keras does not import."""
    keras = _keras()
    return {"keras": keras.__version__, "backend": keras.backend.backend(), "numpy": np.__version__}


_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear", "softmax")
_LOSSES = ("half-squared-error", "mse", "binary-crossentropy", "categorical-crossentropy")


def _activate(ops, name, net):
    if name == "sigmoid":
        return ops.sigmoid(net)
    if name == "tanh":
        return ops.tanh(net)
    if name == "relu":
        return ops.relu(net)
    if name == "linear":
        return net
    if name == "softmax":
        return ops.softmax(net, axis=-1)
    raise ValueError(f"unknown activation {name!r}; expected one of {_ACTIVATIONS}")


@contextlib.contextmanager
def _floatx(keras, dtype):
    """Keras's global float type set to ``dtype`` for the duration: an optimizer keeps its learning rate in a variable
    of the global type, so a float64 network's optimizer made under float32 steps with 0.1 rounded to 0.10000000149."""
    previous = keras.config.floatx()
    keras.config.set_floatx(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(previous)


class KerasNet:
    """One Bridge network in Keras.

    layers: [(units, activation)]; weights: [kernel [in, out], bias [out], ...] layer by layer, as numpy arrays
    (the trainable variables' order, in which weights, gradients and optimizer slots cross to and from C#);
    optimizer: {"name": "sgd", "learning_rate", "momentum", "nesterov"} or {"name": "adam", "learning_rate", "beta1",
    "beta2", "epsilon"}; dtype: "float32" or "float64".
    """

    def __init__(self, inputs, layers, loss, optimizer, dtype, weights):
        keras = _keras()
        if loss not in _LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {_LOSSES}")
        self.keras = keras
        self.ops = keras.ops
        self.dtype = dtype
        self.loss_name = loss
        self.activations = [a for _, a in layers]
        self.dense = []
        width = inputs
        for index, (units, activation) in enumerate(layers):
            if activation not in _ACTIVATIONS:
                raise ValueError(f"unknown activation {activation!r}")
            layer = keras.layers.Dense(int(units), activation=None, dtype=dtype, name=f"dense_{index}")
            layer.build((None, width))
            self.dense.append(layer)
            width = int(units)
        self.set_weights(weights)
        self.optimizer_spec = dict(optimizer)
        with _floatx(keras, dtype):
            self.optimizer = make_optimizer(keras, optimizer)
            self.optimizer.build(self.trainable_variables)

    @property
    def trainable_variables(self):
        variables = []
        for layer in self.dense:
            variables += [layer.kernel, layer.bias]
        return variables

    def _tensor(self, array):
        return self.ops.convert_to_tensor(np.asarray(array, dtype=self.dtype))

    def _forward(self, x, first, end):
        """(net, output) of every layer in [first, end)."""
        o = x
        passes = []
        for index in range(first, end):
            net = self.dense[index](o)
            o = _activate(self.ops, self.activations[index], net)
            passes.append((net, o))
        return passes

    def forward_layers(self, x, first=0, end=None):
        end = len(self.dense) if end is None else end
        passes = self._forward(self._tensor(x), first, end)
        return [np.ascontiguousarray(self.ops.convert_to_numpy(o)) for _, o in passes]

    def _loss_tensor(self, x, targets):
        ops = self.ops
        net, o = self._forward(x, 0, len(self.dense))[-1]
        if self.loss_name == "half-squared-error":
            return ops.mean(0.5 * ops.sum(ops.square(targets - o), axis=-1))
        if self.loss_name == "mse":
            return ops.mean(ops.square(targets - o))
        if self.loss_name == "binary-crossentropy":
            # From the net: softplus(net) − t·net is −[t·ln σ(net) + (1 − t)·ln(1 − σ(net))] without ln 0.
            return ops.mean(ops.softplus(net) - targets * net)
        # Categorical cross-entropy on one-hot targets: −Σ_k t_k·ln softmax(net)_k, batch mean.
        return ops.mean(-ops.sum(targets * ops.log_softmax(net, axis=-1), axis=-1))

    def loss(self, x, targets):
        return float(self.ops.convert_to_numpy(self._loss_tensor(self._tensor(x), self._tensor(targets))))

    def _gradients(self, x, targets):
        """(loss, [∂E/∂v for every trainable variable]) by the active backend's autodiff."""
        backend = self.keras.backend.backend()
        variables = self.trainable_variables
        if backend == "torch":
            for v in variables:
                v.value.grad = None
            loss = self._loss_tensor(x, targets)
            loss.backward()
            return loss, [v.value.grad for v in variables]
        if backend == "tensorflow":
            import tensorflow as tf

            with tf.GradientTape() as tape:
                loss = self._loss_tensor(x, targets)
            return loss, tape.gradient(loss, variables)
        if backend == "jax":
            import jax

            def loss_of(values):
                with self.keras.StatelessScope(state_mapping=list(zip(variables, values))):
                    return self._loss_tensor(x, targets)

            loss, grads = jax.value_and_grad(loss_of)([v.value for v in variables])
            return loss, grads
        raise RuntimeError(f"Keras backend {backend!r} has no automatic differentiation Bridge knows how to use.")

    def gradients(self, x, targets):
        _, grads = self._gradients(self._tensor(x), self._tensor(targets))
        return [np.ascontiguousarray(self.ops.convert_to_numpy(g)) for g in grads]

    def train_step(self, x, targets):
        """One step; returns (loss, applied, index of the first layer with a non-finite gradient or -1)."""
        return self._step(self._tensor(x), self._tensor(targets))

    def resident(self, x, targets):
        """A data set held as tensors for the length of a fit, on which steps run without crossing into C# each."""
        return ResidentTraining(self, self._tensor(x), self._tensor(targets))

    def _step(self, x, targets):
        """train_step on tensors already of the network's dtype."""
        loss, grads = self._gradients(x, targets)
        loss_value = float(self.ops.convert_to_numpy(loss))
        arrays = [self.ops.convert_to_numpy(g) for g in grads]
        for index, g in enumerate(arrays):
            if not np.all(np.isfinite(g)):
                return loss_value, False, index // 2
        if not math.isfinite(loss_value):
            return loss_value, False, -1
        if self.optimizer_spec["name"] == "adam":
            t = int(self.ops.convert_to_numpy(self.optimizer.iterations)) + 1
            self.optimizer.epsilon = self.optimizer_spec["epsilon"] * math.sqrt(1 - self.optimizer_spec["beta2"] ** t)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        return loss_value, True, -1

    def get_weights(self):
        """[kernel, bias] of every layer, in trainable-variable order."""
        return [np.ascontiguousarray(self.ops.convert_to_numpy(v)) for v in self.trainable_variables]

    def set_weights(self, weights):
        if len(weights) != 2 * len(self.dense):
            raise ValueError(f"{len(weights)} arrays for {len(self.dense)} layers: expected a kernel and a bias for each")
        for variable, value in zip(self.trainable_variables, weights):
            variable.assign(np.asarray(value, dtype=self.dtype))

    def snapshot(self):
        """A copy of the weights and the optimizer state that later steps cannot touch: the arrays a backend hands out
        may share the variables' memory (torch's numpy() does), and Keras updates variables in place."""
        weights = [np.array(w, copy=True) for w in self.get_weights()]
        steps, slots = self.optimizer_state()
        return weights, steps, {name: [np.array(a, copy=True) for a in arrays] for name, arrays in slots.items()}

    def restore(self, snapshot):
        weights, steps, slots = snapshot
        self.set_weights(weights)
        self.set_optimizer_state(steps, slots)

    def optimizer_state(self):
        """(steps, {slot: [arrays, one per trainable variable: kernel, bias of each layer]}) in Bridge's form."""
        ops = self.ops
        steps = int(ops.convert_to_numpy(self.optimizer.iterations))
        if self.optimizer_spec["name"] == "adam":
            return steps, {
                "m": [np.ascontiguousarray(ops.convert_to_numpy(v)) for v in self.optimizer._momentums],
                "v": [np.ascontiguousarray(ops.convert_to_numpy(v)) for v in self.optimizer._velocities],
            }
        if self.optimizer_spec["momentum"] == 0:
            return steps, {}
        # Keras's momentum variable is v ← μ·v − L·g: Bridge's canonical velocity.
        return steps, {"velocity": [np.ascontiguousarray(ops.convert_to_numpy(v)) for v in self.optimizer.momentums]}

    def set_optimizer_state(self, steps, slots):
        self.optimizer.iterations.assign(int(steps))
        if self.optimizer_spec["name"] == "adam":
            self._restore_slot(self.optimizer._momentums, slots.get("m"))
            self._restore_slot(self.optimizer._velocities, slots.get("v"))
        elif self.optimizer_spec["momentum"] != 0:
            self._restore_slot(self.optimizer.momentums, slots.get("velocity"))

    def _restore_slot(self, variables, values):
        """A slot the state does not hold starts from zeros, as on every other backend: keeping what the optimizer had
        would make the same checkpoint resume differently here."""
        if values is None:
            for variable in variables:
                variable.assign(np.zeros(tuple(variable.shape), dtype=self.dtype))
        else:
            for variable, value in zip(variables, values):
                variable.assign(np.asarray(value, dtype=self.dtype))


class ResidentTraining:
    """Steps on a resident data set: each epoch's order is handed over once, and a run of steps, each a slice of that
    order, is one call. A run ends at its first refused step (non-finite loss or gradient), whose result is the last
    returned: the network then holds the weights from before it, as train_step leaves them. A Python error in a run
    puts the network back where the run began, weights and optimizer state, and propagates."""

    def __init__(self, net, x, targets):
        self.net = net
        self.x = x
        self.targets = targets
        self.order = None

    def epoch(self, order):
        self.order = self.net.ops.convert_to_tensor(np.asarray(order, dtype=np.int64))

    def steps(self, starts, counts):
        if self.order is None:
            raise RuntimeError("epoch(order) first: a step is a slice of the epoch's order")
        net, ops = self.net, self.net.ops
        snapshot = net.snapshot()
        results = []
        try:
            for start, count in zip(starts, counts):
                rows = self.order[int(start):int(start) + int(count)]
                result = net._step(ops.take(self.x, rows, axis=0), ops.take(self.targets, rows, axis=0))
                results.append(result)
                if not result[1]:
                    break
        except BaseException:
            net.restore(snapshot)
            raise
        return results


def make_optimizer(keras, optimizer):
    """Keras's optimizer for Bridge's optimizer spec (make it under the network's floatx: see _floatx)."""
    if optimizer["name"] == "sgd":
        return keras.optimizers.SGD(
            learning_rate=optimizer["learning_rate"], momentum=optimizer["momentum"], nesterov=bool(optimizer["nesterov"]))
    if optimizer["name"] == "adam":
        return keras.optimizers.Adam(
            learning_rate=optimizer["learning_rate"], beta_1=optimizer["beta1"], beta_2=optimizer["beta2"],
            epsilon=optimizer["epsilon"])
    raise ValueError(f"unknown optimizer {optimizer['name']!r}")


def sequential(inputs, layers, dtype):
    """A plain keras.Sequential of Dense layers with their activations, for Keras's own compile/fit/evaluate/predict."""
    keras = _keras()
    model = keras.Sequential(
        [keras.Input((int(inputs),), dtype=dtype)]
        + [keras.layers.Dense(int(u), activation=a, dtype=dtype, name=f"dense_{i}") for i, (u, a) in enumerate(layers)])
    return model


def progress_callback(notify):
    """A Keras callback that reports every epoch's end (epoch number and logs, as JSON) to ``notify``."""
    keras = _keras()

    class _Progress(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items()}
            notify(json.dumps({"epoch": int(epoch), "logs": logs}))

    return _Progress()
