"""bridge_keras against the numpy reference, on the active Keras backend. Skipped where keras does not import."""

import unittest

import numpy as np

try:
    import keras  # noqa: F401

    import bridge_keras
    import reference
except ImportError as error:  # pragma: no cover - depends on the environment
    bridge_keras = None
    missing = str(error)
else:
    missing = ""


@unittest.skipIf(bridge_keras is None, f"keras unavailable: {missing}")
class KerasNetTests(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(5)

    def net(self, layers, loss, optimizer, units):
        weights = [(self.rng.uniform(-1, 1, (a, b)), self.rng.uniform(-0.5, 0.5, b)) for a, b in zip(units[:-1], units[1:])]
        variables = [a for pair in weights for a in pair]
        return bridge_keras.KerasNet(units[0], layers, loss, optimizer, "float64", variables), weights

    def test_gradients_match_finite_differences_for_every_loss(self):
        sgd = {"name": "sgd", "learning_rate": 0.1, "momentum": 0.0, "nesterov": False}
        cases = [
            ([(4, "tanh"), (3, "softmax")], "categorical-crossentropy", lambda n: np.eye(3)[self.rng.integers(0, 3, n)]),
            ([(4, "relu"), (2, "sigmoid")], "binary-crossentropy", lambda n: self.rng.integers(0, 2, (n, 2)).astype(float)),
            ([(4, "sigmoid"), (2, "sigmoid")], "half-squared-error", lambda n: self.rng.uniform(0, 1, (n, 2))),
            ([(4, "tanh"), (2, "linear")], "mse", lambda n: self.rng.uniform(-1, 1, (n, 2))),
        ]
        for layers, loss, targets in cases:
            units = [3] + [u for u, _ in layers]
            net, weights = self.net(layers, loss, sgd, units)
            x = self.rng.uniform(-1, 1, (6, 3))
            t = targets(6)
            grads = net.gradients(x, t)
            probe = [a.copy() for pair in weights for a in pair]
            kernels, biases = probe[0::2], probe[1::2]
            acts = [a for _, a in layers]
            numeric = reference.finite_differences(lambda: reference.loss(loss, reference.forward(kernels, biases, acts, x), t), probe)
            self.assertLess(reference.relative_error(grads, numeric), 1e-7, loss)

    def test_adam_step_is_the_papers_formula(self):
        spec = {"name": "adam", "learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-3}
        net, weights = self.net([(4, "tanh"), (2, "linear")], "mse", spec, [3, 4, 2])
        params = [a.copy() for pair in weights for a in pair]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        for t in range(1, 6):
            x = self.rng.uniform(-1, 1, (5, 3))
            y = self.rng.uniform(-1, 1, (5, 2))
            for i, g in enumerate(net.gradients(x, y)):
                params[i], m[i], v[i] = reference.adam_step(params[i], g, m[i], v[i], t, 0.01, 0.9, 0.999, 1e-3)
            loss, applied, _ = net.train_step(x, y)
            self.assertTrue(applied)
        got = net.get_weights()
        self.assertLess(reference.relative_error(got, params), 1e-10)

    def test_a_slot_the_restored_state_lacks_starts_from_zeros(self):
        spec = {"name": "adam", "learning_rate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-7}
        net, _ = self.net([(4, "tanh"), (2, "linear")], "mse", spec, [3, 4, 2])
        x = self.rng.uniform(-1, 1, (5, 3))
        y = self.rng.uniform(-1, 1, (5, 2))
        for _ in range(3):
            net.train_step(x, y)
        steps, slots = net.optimizer_state()
        self.assertTrue(any(np.any(m != 0) for m in slots["m"]))
        # A state with v alone (as a state written by another optimizer setting may be): m must not keep its values.
        net.set_optimizer_state(steps, {"v": slots["v"]})
        _, restored = net.optimizer_state()
        for m in restored["m"]:
            self.assertFalse(np.any(m != 0))
        for before, after in zip(slots["v"], restored["v"]):
            np.testing.assert_array_equal(before, after)


if __name__ == "__main__":
    unittest.main()
