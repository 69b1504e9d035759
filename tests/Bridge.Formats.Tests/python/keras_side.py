"""Real Keras on networks described by Bridge's tests.

Request: {"mode": "train-and-save" | "load-and-predict", "cases": [{"name", "inputs", "layers": [{"units",
"activation"}], "dtype", "x": rows, "folder" | "weights"}]}.
  train-and-save: builds the equivalent keras.Sequential, trains it a few epochs (so no weight is its initial value),
    saves NAME.weights.h5 (model.save_weights) and NAME.keras (model.save) in "folder", and predicts x.
  load-and-predict: builds the equivalent keras.Sequential, compiles it, reads "weights" with model.load_weights,
    and predicts x.
Answer: {"keras": version, "backend": name, "cases": {name: {"y": rows, "weights_h5": path, "keras": path}}}.
"""
import json
import os
import sys
import warnings

import numpy as np

import keras


def build(case):
    dtype = case["dtype"]
    # Keras's data adapters cast fit's and predict's inputs to floatx: float64 cases need floatx float64 too.
    keras.config.set_floatx(dtype)
    layers = [keras.Input(shape=(case["inputs"],), dtype=dtype)]
    layers += [keras.layers.Dense(l["units"], activation=l["activation"], dtype=dtype) for l in case["layers"]]
    return keras.Sequential(layers)


def predict(model, case):
    x = np.asarray(case["x"], dtype=case["dtype"])
    return np.asarray(model.predict(x, verbose=0), dtype=np.float64).tolist()


def train_and_save(case):
    model = build(case)
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, (64, case["inputs"])).astype(case["dtype"])
    y = rng.uniform(0, 1, (64, case["layers"][-1]["units"])).astype(case["dtype"])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    stem = os.path.join(case["folder"], case["name"])
    model.save_weights(stem + ".weights.h5")
    model.save(stem + ".keras")
    return {"y": predict(model, case), "weights_h5": stem + ".weights.h5", "keras": stem + ".keras"}


def load_and_predict(case):
    model = build(case)
    model.compile(optimizer="adam", loss="mse")
    with warnings.catch_warnings():
        # Bridge's file carries no optimizer state: Keras says it skips the optimizer, which is the point.
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        model.load_weights(case["weights"])
    return {"y": predict(model, case)}


def main(request_path, answer_path):
    with open(request_path) as f:
        request = json.load(f)
    act = train_and_save if request["mode"] == "train-and-save" else load_and_predict
    answer = {"keras": keras.__version__, "backend": keras.backend.backend(), "cases": {}}
    for case in request["cases"]:
        answer["cases"][case["name"]] = act(case)
    with open(answer_path, "w") as f:
        json.dump(answer, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
