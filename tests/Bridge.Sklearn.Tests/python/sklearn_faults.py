"""Faults injected into the scikit-learn backend by the reliability tests."""


def break_optimizer_midway(net):
    """The next step updates the first parameter array, then fails, as a crash half-way through an update would."""
    optimizer = net.model._optimizer

    def broken(params, grads):
        params[0] += 1.0
        raise RuntimeError("injected failure half-way through the update")

    optimizer.update_params = broken


def repair_optimizer(net):
    del net.model._optimizer.update_params
