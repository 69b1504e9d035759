"""bridge_sklearn against the numpy reference: gradients by finite differences, steps by the written formulas."""

import unittest

import numpy as np

try:
    import sklearn  # noqa: F401

    import bridge_sklearn
    import reference
except ImportError as error:  # pragma: no cover - depends on the environment
    bridge_sklearn = None
    missing = str(error)
else:
    missing = ""


def _weights(rng, units):
    coefs = [rng.uniform(-1, 1, (a, b)) for a, b in zip(units[:-1], units[1:])]
    intercepts = [rng.uniform(-0.5, 0.5, b) for b in units[1:]]
    return coefs, intercepts


def _variables(coefs, intercepts):
    """Bridge's order: kernel, bias of each layer."""
    return [a for pair in zip(coefs, intercepts) for a in pair]


SGD = {"name": "sgd", "learning_rate": 0.1, "momentum": 0.0, "nesterov": False}


@unittest.skipIf(bridge_sklearn is None, f"scikit-learn unavailable: {missing}")
class SklearnNetTests(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(3)

    def check_gradients(self, kind, activation, units, classes, output, loss, targets_for):
        coefs, intercepts = _weights(self.rng, units)
        net = bridge_sklearn.SklearnNet(kind, units[1:-1], activation, classes, _variables(coefs, intercepts), SGD, "float64")
        x = self.rng.uniform(-1, 1, (7, units[0]))
        y, t = targets_for(7)
        ours = net.gradients(x, y)
        acts = [activation] * (len(units) - 2) + [output]
        probe_w, probe_b = [c.copy() for c in coefs], [b.copy() for b in intercepts]
        numeric = reference.finite_differences(
            lambda: reference.loss(loss, reference.forward(probe_w, probe_b, acts, x), t), probe_w + probe_b)
        numeric_w, numeric_b = numeric[:len(probe_w)], numeric[len(probe_w):]
        self.assertLess(reference.relative_error(ours, _variables(numeric_w, numeric_b)), 1e-7)

    def test_multiclass_gradients_are_categorical_cross_entropys(self):
        def targets(n):
            labels = self.rng.integers(0, 3, n)
            return labels, np.eye(3)[labels]
        self.check_gradients("classifier", "tanh", [4, 5, 3], [0, 1, 2], "softmax", "categorical-crossentropy", targets)

    def test_binary_gradients_are_binary_cross_entropys(self):
        def targets(n):
            labels = self.rng.integers(0, 2, n)
            return labels, labels.reshape(-1, 1).astype(float)
        self.check_gradients("classifier", "relu", [3, 6, 1], [0, 1], "logistic", "binary-crossentropy", targets)

    def test_regression_gradients_are_the_lectures_half_squared_error(self):
        def targets(n):
            t = self.rng.uniform(-1, 1, (n, 2))
            return t, t
        self.check_gradients("regressor", "logistic", [3, 4, 2], None, "identity", "half-squared-error", targets)

    def test_single_output_regression_takes_its_targets_as_a_vector(self):
        def targets(n):
            t = self.rng.uniform(-1, 1, n)
            return t, t.reshape(-1, 1)
        self.check_gradients("regressor", "tanh", [3, 4, 1], None, "identity", "half-squared-error", targets)

    def test_steps_are_the_steps_partial_fit_takes(self):
        """The step (scikit-learn's _backprop, then its optimizer's update_params) against scikit-learn's public
        partial_fit on the same batch, for every optimizer and every kind of output."""
        optimizers = [
            SGD,
            {"name": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": False},
            {"name": "sgd", "learning_rate": 0.05, "momentum": 0.8, "nesterov": True},
            {"name": "adam", "learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-3},
        ]
        kinds = [
            ("classifier", [4, 5, 3], [0, 1, 2], lambda n: self.rng.integers(0, 3, n)),
            ("classifier", [4, 5, 1], [0, 1], lambda n: self.rng.integers(0, 2, n)),
            ("regressor", [4, 5, 2], None, lambda n: self.rng.uniform(-1, 1, (n, 2))),
            ("regressor", [4, 5, 1], None, lambda n: self.rng.uniform(-1, 1, n)),
        ]
        for spec in optimizers:
            for kind, units, classes, targets in kinds:
                with self.subTest(optimizer=spec, kind=kind, units=units):
                    coefs, intercepts = _weights(self.rng, units)
                    ours = bridge_sklearn.SklearnNet(kind, [units[1]], "tanh", classes, _variables(coefs, intercepts), spec, "float64")
                    theirs = bridge_sklearn.SklearnNet(kind, [units[1]], "tanh", classes, _variables(coefs, intercepts), spec, "float64")
                    for _ in range(4):
                        x = self.rng.uniform(-1, 1, (6, units[0]))
                        y = targets(6)
                        ours.train_step(x, y)
                        model = theirs.model
                        model.batch_size = len(x)
                        if spec["name"] == "adam":
                            model._optimizer.epsilon = spec["epsilon"] * np.sqrt(1 - spec["beta2"] ** (model._optimizer.t + 1))
                        model.partial_fit(x, y)
                    self.assertLess(reference.relative_error(ours.get_weights(), theirs.get_weights()), 1e-12)

    def test_labels_outside_the_classes_are_named(self):
        coefs, intercepts = _weights(self.rng, [2, 3, 3])
        net = bridge_sklearn.SklearnNet("classifier", [3], "tanh", [0, 1, 2], _variables(coefs, intercepts), SGD, "float64")
        with self.assertRaisesRegex(ValueError, r"labels \[7\] are not among the classes \[0, 1, 2\]"):
            net.prepare_step(self.rng.uniform(-1, 1, (3, 2)), np.array([0, 7, 1]))

    def test_adam_step_is_the_papers_formula(self):
        units = [3, 4, 2]
        coefs, intercepts = _weights(self.rng, units)
        spec = {"name": "adam", "learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-3}
        net = bridge_sklearn.SklearnNet("regressor", [4], "tanh", None, _variables(coefs, intercepts), spec, "float64")
        params = [a.copy() for a in _variables(coefs, intercepts)]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        for t in range(1, 6):
            x = self.rng.uniform(-1, 1, (5, 3))
            y = self.rng.uniform(-1, 1, (5, 2))
            for i, g in enumerate(net.gradients(x, y)):
                params[i], m[i], v[i] = reference.adam_step(params[i], g, m[i], v[i], t, 0.01, 0.9, 0.999, 1e-3)
            net.train_step(x, y)
        # A large ε makes the difference between ε on √v and on √v̂ visible: this fails without the adjustment.
        self.assertLess(reference.relative_error(net.get_weights(), params), 1e-12)

    def test_nesterov_step_is_the_written_formula_and_state_round_trips(self):
        units = [3, 4, 3]
        coefs, intercepts = _weights(self.rng, units)
        spec = {"name": "sgd", "learning_rate": 0.05, "momentum": 0.8, "nesterov": True}
        net = bridge_sklearn.SklearnNet("classifier", [4], "tanh", [0, 1, 2], _variables(coefs, intercepts), spec, "float64")
        params = [a.copy() for a in _variables(coefs, intercepts)]
        velocity = [np.zeros_like(p) for p in params]
        for _ in range(4):
            x = self.rng.uniform(-1, 1, (6, 3))
            y = self.rng.integers(0, 3, 6)
            for i, g in enumerate(net.gradients(x, y)):
                params[i], velocity[i] = reference.momentum_step(params[i], g, velocity[i], 0.05, 0.8, True)
            net.train_step(x, y)
        self.assertLess(reference.relative_error(net.get_weights(), params), 1e-12)
        steps, slots = net.optimizer_state()
        self.assertEqual(steps, 4)
        self.assertLess(reference.relative_error(slots["velocity"], velocity), 1e-12)
        net.set_optimizer_state(0, {})
        self.assertEqual(net.optimizer_state()[0], 0)
        self.assertTrue(all(np.all(a == 0) for a in net.optimizer_state()[1]["velocity"]))

    def test_float32_stays_float32(self):
        coefs, intercepts = _weights(self.rng, [2, 3, 1])
        net = bridge_sklearn.SklearnNet("regressor", [3], "relu", None, _variables(coefs, intercepts), SGD, "float32")
        outputs = net.forward_layers(self.rng.uniform(-1, 1, (4, 2)))
        self.assertEqual(outputs[-1].dtype, np.float32)
        net.train_step(self.rng.uniform(-1, 1, (4, 2)), self.rng.uniform(-1, 1, (4, 1)))
        self.assertEqual(net.get_weights()[0].dtype, np.float32)


if __name__ == "__main__":
    unittest.main()
