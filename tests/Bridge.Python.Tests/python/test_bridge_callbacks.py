"""bridge_callbacks: a Python function that calls an unmanaged entry point with a handler number and a string."""

import ctypes
import unittest

import bridge_callbacks


class CallbackTests(unittest.TestCase):
    def test_the_entry_point_receives_the_handler_number_and_the_text(self):
        received = []
        entry = bridge_callbacks._ENTRY(lambda handler, text: received.append((handler, text.decode("utf-8"))))
        address = ctypes.cast(entry, ctypes.c_void_p).value
        callback = bridge_callbacks.make(address, 42)
        callback("epoch 1: loss 0.5")
        callback("grüße", "extra argument", line_break=False)
        self.assertEqual(received, [(42, "epoch 1: loss 0.5"), (42, "grüße")])


if __name__ == "__main__":
    unittest.main()
