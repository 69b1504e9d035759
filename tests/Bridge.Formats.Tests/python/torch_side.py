"""Real torch on networks described by Bridge's tests.

Request: {"mode": ..., "cases": [{"name", "inputs", "layers": [{"units", "activation"}], "dtype", "x": rows, ...}]}.
  save: builds the equivalent nn.Sequential (torch's own initial weights, then one SGD step), saves its state_dict
    with torch.save as "path" in the case's "variant": "sequential" (keys 0.weight, 0.bias, 2.weight, ...), "named"
    (keys fc0.weight, ..., from an nn.Sequential of named modules), "lone" (a one-layer network's nn.Linear's own state_dict: keys weight,
    bias), "checkpoint" ({"epoch", "model_state_dict",
    "optimizer_state_dict"} after an Adam step), "strided" (every weight a transposed view, not contiguous), and
    predicts x.
  load: builds the equivalent nn.Sequential, reads "path" with torch.load(weights_only=True) — torch's own restricted
    loader — and load_state_dict(strict=True), and predicts x.
  evil: saves with torch.save a dict whose value pickles as os.system("touch MARKER") ("path", "marker").
  run-evil: torch.load(path) with torch's full unpickler, which runs it.
Answer: {"torch": version, "cases": {name: {"y": rows}}}.
"""
import collections
import json
import os
import sys

import torch
from torch import nn

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "softmax": lambda: nn.Softmax(dim=1)}
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def build(case, named=False):
    modules, width = [], case["inputs"]
    for i, layer in enumerate(case["layers"]):
        modules.append((f"fc{i}", nn.Linear(width, layer["units"])))
        if layer["activation"] != "linear":
            modules.append((f"act{i}", ACTIVATIONS[layer["activation"]]()))
        width = layer["units"]
    model = nn.Sequential(collections.OrderedDict(modules)) if named else nn.Sequential(*[m for _, m in modules])
    return model.to(DTYPES[case["dtype"]])


def predict(model, case):
    with torch.no_grad():
        return model(torch.tensor(case["x"], dtype=DTYPES[case["dtype"]])).double().tolist()


def step(model, optimizer, case):
    g = torch.Generator().manual_seed(5)
    x = torch.rand(16, case["inputs"], generator=g, dtype=DTYPES[case["dtype"]])
    loss = (model(x) - 0.5).pow(2).mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


def save(case):
    torch.manual_seed(1)
    variant = case["variant"]
    model = build(case, named=variant == "named")
    optimizer = torch.optim.Adam(model.parameters(), 0.05) if variant == "checkpoint" else torch.optim.SGD(model.parameters(), 0.1)
    step(model, optimizer, case)
    if variant == "strided":
        for module in model:
            if isinstance(module, nn.Linear):
                # Same values, stored column-major: a view whose strides are (1, outputs).
                module.weight = nn.Parameter(module.weight.detach().t().contiguous().t())
                assert min(module.weight.shape) == 1 or not module.weight.is_contiguous()
    state = model.state_dict()
    if variant == "lone":
        # A one-layer network's Linear on its own: keys weight and bias, without a module's name.
        state = model[0].state_dict()
    if variant == "checkpoint":
        state = {"epoch": 3, "model_state_dict": state, "optimizer_state_dict": optimizer.state_dict(), "loss": 0.25}
    torch.save(state, case["path"])
    return {"y": predict(model, case)}


def load(case):
    model = build(case)
    model.load_state_dict(torch.load(case["path"], weights_only=True), strict=True)
    return {"y": predict(model, case)}


class Evil:
    """What an attacker pickles: unpickling it calls os.system."""

    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return os.system, (self.command,)


def evil(case):
    torch.save(collections.OrderedDict([("0.weight", Evil(f"touch {case['marker']}")), ("0.bias", torch.zeros(1))]), case["path"])
    return {}


def run_evil(case):
    torch.load(case["path"])
    return {}


def main(request_path, answer_path):
    with open(request_path) as f:
        request = json.load(f)
    act = {"save": save, "load": load, "evil": evil, "run-evil": run_evil}[request["mode"]]
    answer = {"torch": torch.__version__, "cases": {}}
    for case in request["cases"]:
        answer["cases"][case["name"]] = act(case)
    with open(answer_path, "w") as f:
        json.dump(answer, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
