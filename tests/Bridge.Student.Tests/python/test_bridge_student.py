"""bridge_student: a student's module loaded by path, its answers checked for structure and dtype with clear messages."""

import os
import tempfile
import textwrap
import unittest

import numpy as np

import bridge_student
import reference

CORRECT = '''
import numpy as np

def _f(a, net):
    return {"tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z)), "linear": lambda z: z}[a](net)

def forward(weights, x, activations):
    outs, o = [], x
    for (w, b), a in zip(weights, activations):
        o = _f(a, o @ w + b)
        outs.append(o)
    return outs

def gradients(weights, x, targets, activations, loss):
    outs = [x] + forward(weights, x, activations)
    n = x.shape[0]
    d = {"tanh": lambda o: 1 - o ** 2, "sigmoid": lambda o: o * (1 - o), "linear": np.ones_like}
    delta = (outs[-1] - targets) * d[activations[-1]](outs[-1])
    grads = []
    for l in range(len(weights) - 1, -1, -1):
        grads.append((outs[l].T @ delta / n, delta.sum(axis=0) / n))
        if l:
            delta = (delta @ weights[l][0].T) * d[activations[l - 1]](outs[l])
    return grads[::-1]
'''


class StudentNetTests(unittest.TestCase):
    def setUp(self):
        self.folder = tempfile.TemporaryDirectory()
        self.rng = np.random.default_rng(4)
        self.kernels = [self.rng.uniform(-1, 1, (3, 4)), self.rng.uniform(-1, 1, (4, 2))]
        self.biases = [self.rng.uniform(-0.5, 0.5, 4), self.rng.uniform(-0.5, 0.5, 2)]
        self.x = self.rng.uniform(-1, 1, (5, 3))
        self.t = self.rng.uniform(0, 1, (5, 2))
        self.acts = ["tanh", "sigmoid"]

    def tearDown(self):
        self.folder.cleanup()

    def module(self, source, name="student.py"):
        path = os.path.join(self.folder.name, name)
        with open(path, "w") as f:
            f.write(textwrap.dedent(source))
        return path

    def net(self, source):
        return bridge_student.StudentNet(self.module(source), "test_student_module")

    def test_a_correct_module_gives_the_reference_forward_and_finite_difference_gradients(self):
        net = self.net(CORRECT)
        outputs = net.forward(self.kernels, self.biases, self.x, self.acts, 0, "float64")
        np.testing.assert_allclose(outputs[-1], reference.forward(self.kernels, self.biases, self.acts, self.x), rtol=1e-14)
        flat = net.gradients(self.kernels, self.biases, self.x, self.t, self.acts, "half-squared-error", "float64")
        numeric = reference.finite_differences(
            lambda: reference.loss("half-squared-error", reference.forward(self.kernels, self.biases, self.acts, self.x), self.t),
            self.kernels + self.biases)
        ours = [flat[0], flat[2], flat[1], flat[3]]
        self.assertLess(reference.relative_error(ours, numeric), 1e-7)
        self.assertFalse(net.has_step)

    def test_the_student_gets_copies_it_may_change(self):
        net = self.net(CORRECT + "\n_forward = forward\ndef forward(weights, x, activations):\n    out = _forward(weights, x, activations)\n    weights[0][0][:] = 0\n    x[:] = 0\n    return out\n")
        kernel = self.kernels[0].copy()
        x = self.x.copy()
        net.forward(self.kernels, self.biases, self.x, self.acts, 0, "float64")
        np.testing.assert_array_equal(kernel, self.kernels[0])
        np.testing.assert_array_equal(x, self.x)

    def test_a_missing_function_is_named(self):
        with self.assertRaisesRegex(bridge_student.StudentContractError, "defines no function gradients"):
            self.net("def forward(weights, x, activations):\n    return []\n")

    def test_a_wrong_count_is_named_with_a_hint(self):
        net = self.net(CORRECT + "\n_forward = forward\ndef forward(weights, x, activations):\n    return [x] + _forward(weights, x, activations)\n")
        with self.assertRaisesRegex(bridge_student.StudentContractError, r"one entry per layer, 2 .*got 3\. One too many: does the list start with the input x"):
            net.forward(self.kernels, self.biases, self.x, self.acts, 0, "float64")

    def test_integers_float32_and_none_are_named_by_layer(self):
        cases = {
            "np.zeros(g[0].shape, dtype=int)": r"dW of layer dense_1 has dtype int64 \(integers\)",
            "g[0].astype(np.float32)": r"dW of layer dense_1 has dtype float32; expected float64",
            "g[0].astype(np.float16)": r"dW of layer dense_1 has dtype float16, whose 11 significant bits round away",
            "None": r"dW of layer dense_1 is None",
        }
        for replacement, message in cases.items():
            with self.subTest(replacement=replacement):
                source = CORRECT + f"\n_g = gradients\ndef gradients(*a):\n    gs = _g(*a)\n    g = gs[1]\n    gs[1] = ({replacement}, g[1])\n    return gs\n"
                net = self.net(source)
                with self.assertRaisesRegex(bridge_student.StudentContractError, message):
                    net.gradients(self.kernels, self.biases, self.x, self.t, self.acts, "half-squared-error", "float64")

    def test_float32_is_accepted_in_a_float32_comparison(self):
        net = self.net(CORRECT + "\n_forward = forward\ndef forward(*a):\n    return [o.astype(np.float32) for o in _forward(*a)]\n")
        outputs = net.forward(self.kernels, self.biases, self.x, self.acts, 0, "float32")
        self.assertEqual(outputs[0].dtype, np.float64)

    def test_an_entry_that_is_not_a_pair_is_named(self):
        net = self.net(CORRECT + "\n_g = gradients\ndef gradients(*a):\n    return [dw for dw, db in _g(*a)]\n")
        with self.assertRaisesRegex(bridge_student.StudentContractError, r"entry of layer dense_0 must be a pair \(dW, db\)"):
            net.gradients(self.kernels, self.biases, self.x, self.t, self.acts, "half-squared-error", "float64")

    def test_the_module_may_import_its_neighbours(self):
        self.module("HELPER = 41\n", name="student_helper.py")
        net = self.net(CORRECT + "\nfrom student_helper import HELPER\nANSWER = HELPER + 1\n")
        self.assertEqual(net.module.ANSWER, 42)

    def test_a_missing_file_is_named(self):
        with self.assertRaisesRegex(FileNotFoundError, "no such file"):
            bridge_student.StudentNet(os.path.join(self.folder.name, "nope.py"), "test_student_module")


if __name__ == "__main__":
    unittest.main()
