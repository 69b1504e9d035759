"""scikit-learn's MLPClassifier / MLPRegressor driven step by step from Bridge.

Bridge hands every backend the same initial weights and the same batches. scikit-learn draws its own initial
weights and cuts its own batches inside ``fit``, so this module sets the network up by hand (the same attributes
``_initialize`` sets), puts Bridge's weights into ``coefs_``/``intercepts_``, and steps one batch at a time with the
two calls scikit-learn's own ``_fit_stochastic`` makes for every minibatch: ``_backprop`` for the loss and gradients,
then its optimizer's ``update_params``. (``partial_fit`` would make the same two calls, after validating and
re-encoding its input every time, which took longer than the step itself; Bridge has checked the batch already.)
"""

import numpy as np
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network._base import ACTIVATIONS
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state


def versions():
    """The versions Bridge reports for this backend."""
    import sklearn

    return {"sklearn": sklearn.__version__, "numpy": np.__version__}


def _variables(coefs, intercepts):
    """scikit-learn's per-layer lists (``coefs_``, ``intercepts_``) in the trainable-variable order in which weights,
    gradients and optimizer slots cross to and from C#: kernel, bias of layer 0, then layer 1, ..."""
    return [a for pair in zip(coefs, intercepts) for a in pair]


def _split(variables):
    """The inverse of _variables: (kernels, biases)."""
    return list(variables[0::2]), list(variables[1::2])


class SklearnNet:
    """One scikit-learn MLP with Bridge's weights, stepped one batch at a time.

    kind: "classifier" (softmax output with several classes, or one logistic output for two) or "regressor"
    (identity output). variables: Bridge's weights [kernel, bias, ...] layer by layer, kernels in [in, out] layout like
    ``coefs_``.
    optimizer: {"name": "sgd", "learning_rate", "momentum", "nesterov"} or
    {"name": "adam", "learning_rate", "beta1", "beta2", "epsilon"}.
    """

    def __init__(self, kind, hidden_sizes, activation, classes, variables, optimizer, dtype):
        self.dtype = np.dtype(dtype)
        self.kind = kind
        self.optimizer_spec = dict(optimizer)
        common = dict(
            hidden_layer_sizes=tuple(int(h) for h in hidden_sizes),
            activation=activation,
            solver=optimizer["name"],
            alpha=0.0,
            learning_rate="constant",
            learning_rate_init=float(optimizer["learning_rate"]),
            shuffle=False,
            max_iter=1,
            tol=0.0,
            n_iter_no_change=2**31 - 1,
            random_state=0,
        )
        if optimizer["name"] == "sgd":
            common.update(momentum=float(optimizer["momentum"]), nesterovs_momentum=bool(optimizer["nesterov"]))
        else:
            common.update(beta_1=float(optimizer["beta1"]), beta_2=float(optimizer["beta2"]), epsilon=float(optimizer["epsilon"]))
        self.model = MLPClassifier(**common) if kind == "classifier" else MLPRegressor(**common)
        self._set_up(classes, variables)

    def _set_up(self, classes, variables):
        m = self.model
        coefs, _ = _split(variables)
        layer_units = [coefs[0].shape[0]] + [c.shape[1] for c in coefs]
        if self.kind == "classifier":
            m._label_binarizer = LabelBinarizer()
            m._label_binarizer.fit(np.asarray(classes))
            m.classes_ = m._label_binarizer.classes_
            y_shape = (1, 1 if len(classes) == 2 else len(classes))
        else:
            y_shape = (1, layer_units[-1])
        m._random_state = check_random_state(0)
        m.n_features_in_ = layer_units[0]
        # The attributes scikit-learn's own first pass sets; its random weights are replaced right after.
        m._initialize(np.zeros(y_shape), layer_units, self.dtype)
        self.set_weights(variables)
        params = m.coefs_ + m.intercepts_
        spec = self.optimizer_spec
        if spec["name"] == "sgd":
            m._optimizer = SGDOptimizer(params, spec["learning_rate"], "constant", spec["momentum"], spec["nesterov"], 0.5)
        else:
            m._optimizer = AdamOptimizer(params, spec["learning_rate"], spec["beta1"], spec["beta2"], spec["epsilon"])

    def _x(self, x):
        return np.ascontiguousarray(x, dtype=self.dtype)

    def forward_layers(self, x, first=0, end=None):
        """The output of every layer in [first, end), starting from x (the input of layer ``first``)."""
        m = self.model
        end = len(m.coefs_) if end is None else end
        o = self._x(x)
        outputs = []
        for i in range(first, end):
            o = o @ m.coefs_[i] + m.intercepts_[i]
            ACTIVATIONS[m.activation if i < len(m.coefs_) - 1 else m.out_activation_](o)
            outputs.append(o)
        return outputs

    def _targets(self, y):
        """What ``_backprop`` compares the outputs with: one-hot rows for a classifier (one 0/1 column for two
        classes), as scikit-learn's label binarizer encodes them; the target values, as rows, for a regressor."""
        if self.kind == "classifier":
            classes = self.model.classes_
            y = np.asarray(y)
            index = np.searchsorted(classes, y)
            if np.any(index >= len(classes)) or not np.array_equal(classes[index], y):
                raise ValueError(f"labels {sorted(set(y.tolist()) - set(classes.tolist()))} are not among the classes {classes.tolist()}")
            if len(classes) == 2:
                return (index == 1).astype(self.dtype).reshape(-1, 1)
            targets = np.zeros((len(index), len(classes)), dtype=self.dtype)
            targets[np.arange(len(index)), index] = 1
            return targets
        y = self._x(y)
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _backprop(self, x, y):
        """scikit-learn's own ``_backprop`` on a batch: (loss, outputs, kernel gradients, bias gradients)."""
        m = self.model
        x = self._x(x)
        n_layers = len(m.coefs_) + 1
        activations = [x] + [None] * (n_layers - 1)
        deltas = [None] * (n_layers - 1)
        coef_grads = [np.empty_like(c) for c in m.coefs_]
        intercept_grads = [np.empty_like(b) for b in m.intercepts_]
        loss, coef_grads, intercept_grads = m._backprop(x, self._targets(y), activations, deltas, coef_grads, intercept_grads)
        return loss, activations[-1], coef_grads, intercept_grads

    def gradients(self, x, y):
        """∂E/∂W and ∂E/∂b by scikit-learn's own ``_backprop`` (alpha is 0, so no penalty term)."""
        _, _, coef_grads, intercept_grads = self._backprop(x, y)
        return [np.ascontiguousarray(g) for g in _variables(coef_grads, intercept_grads)]

    def prepare_step(self, x, y):
        """The first half of a checked step: the output layer's activations on this batch, and the index of the
        first layer whose gradients are not all finite (-1 if none). The gradients are kept for ``step``; nothing
        else changes. Bridge computes the loss from the outputs (the definition every backend shares) and steps
        only when the loss and the gradients are finite: scikit-learn itself would step on anything.
        """
        _, outputs, coef_grads, intercept_grads = self._backprop(x, y)
        self._pending = coef_grads + intercept_grads
        for layer, (c, b) in enumerate(zip(coef_grads, intercept_grads)):
            if not (np.isfinite(c).all() and np.isfinite(b).all()):
                return np.ascontiguousarray(outputs), layer
        return np.ascontiguousarray(outputs), -1

    def step(self):
        """One optimizer step with the gradients ``prepare_step`` computed, by scikit-learn's optimizer. If it fails
        half-way, the weights and the optimizer state are put back as they were, and the error goes on."""
        grads, self._pending = self._pending, None
        if grads is None:
            raise RuntimeError("step() needs the gradients of prepare_step(x, y) first")
        m = self.model
        optimizer = m._optimizer
        weights = self.get_weights()
        state = self._optimizer_snapshot()
        try:
            if isinstance(optimizer, AdamOptimizer):
                # scikit-learn adds ε to √v, not to √v̂; this ε makes its step Bridge's (and torch's) Adam step.
                t = optimizer.t + 1
                optimizer.epsilon = self.optimizer_spec["epsilon"] * np.sqrt(1 - self.optimizer_spec["beta2"] ** t)
            # The parameters in place, in the order _fit_stochastic passes them: kernels, then biases.
            optimizer.update_params(m.coefs_ + m.intercepts_, grads)
        except BaseException:
            self.set_weights(weights)
            self._optimizer_restore(state)
            raise
        self._sgd_steps = getattr(self, "_sgd_steps", 0) + 1

    def train_step(self, x, y):
        """One unchecked step on this batch (``prepare_step`` then ``step``)."""
        self.prepare_step(x, y)
        self.step()

    def _optimizer_snapshot(self):
        o = self.model._optimizer
        if isinstance(o, AdamOptimizer):
            return o.t, [a.copy() for a in o.ms], [a.copy() for a in o.vs]
        return [a.copy() for a in o.velocities]

    def _optimizer_restore(self, state):
        # The optimizer replaces its lists of moments on every update, so putting the copies back is enough.
        o = self.model._optimizer
        if isinstance(o, AdamOptimizer):
            o.t, o.ms, o.vs = state
        else:
            o.velocities = state

    def get_weights(self):
        return [a.copy() for a in _variables(self.model.coefs_, self.model.intercepts_)]

    def set_weights(self, variables):
        coefs, intercepts = _split(variables)
        if len(coefs) != len(self.model.coefs_) or len(intercepts) != len(self.model.intercepts_):
            raise ValueError(f"{len(variables)} arrays for {len(self.model.coefs_)} layers: expected a kernel and a bias for each")
        # In place: the optimizer holds references to these very arrays.
        for target, value in zip(self.model.coefs_, coefs):
            target[...] = value
        for target, value in zip(self.model.intercepts_, intercepts):
            target[...] = value

    def _as_variables(self, params):
        """A list in the optimizer's order (coefs_ + intercepts_, as _fit_stochastic passes them) as variables."""
        layers = len(self.model.coefs_)
        return [a.copy() for a in _variables(params[:layers], params[layers:])]

    def _as_params(self, variables):
        """Variables in the optimizer's order (coefs_ + intercepts_)."""
        coefs, intercepts = _split(variables)
        return [np.array(a, dtype=self.dtype) for a in coefs + intercepts]

    def optimizer_state(self):
        """(steps, {slot: [arrays in trainable-variable order]}) in Bridge's canonical form."""
        o = self.model._optimizer
        if isinstance(o, AdamOptimizer):
            return int(o.t), {"m": self._as_variables(o.ms), "v": self._as_variables(o.vs)}
        if self.optimizer_spec["momentum"] == 0:
            return int(getattr(self, "_sgd_steps", 0)), {}
        # scikit-learn's velocity is v ← μ·v − L·g, Bridge's canonical form itself.
        return int(getattr(self, "_sgd_steps", 0)), {"velocity": self._as_variables(o.velocities)}

    def set_optimizer_state(self, steps, slots):
        o = self.model._optimizer
        if isinstance(o, AdamOptimizer):
            o.t = int(steps)
            o.ms = self._as_params(slots["m"]) if "m" in slots else [np.zeros_like(p) for p in o.ms]
            o.vs = self._as_params(slots["v"]) if "v" in slots else [np.zeros_like(p) for p in o.vs]
        elif "velocity" in slots:
            o.velocities = self._as_params(slots["velocity"])
        elif self.optimizer_spec["momentum"] != 0:
            o.velocities = [np.zeros_like(v) for v in o.velocities]
        self._sgd_steps = int(steps)
