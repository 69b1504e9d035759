"""Faults injected into the Keras backend by the reliability tests."""


def break_keras_step_after(net, steps):
    """A Keras network whose step fails after ``steps`` more successful ones, half-way through its update: the
    weights have moved and the optimizer has not, as a crash inside apply_gradients would leave them."""
    original = net._step
    remaining = [steps]

    def failing(x, targets):
        if remaining[0] == 0:
            net.dense[0].kernel.assign(net.dense[0].kernel.value + 1.0)
            raise RuntimeError("injected failure half-way through a queued step")
        remaining[0] -= 1
        return original(x, targets)

    net._step = failing


def repair_keras_step(net):
    del net._step
