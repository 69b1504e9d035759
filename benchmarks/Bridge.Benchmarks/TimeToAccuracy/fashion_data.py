"""Fashion-MNIST from its IDX.gz files, as every time-to-accuracy peer reads it: pixels / 255 in float32, labels int64.

Shared by the peers of Bridge's time-to-accuracy bench (bridge-nn bench --time-to-accuracy); each peer runs in a
process of its own and prints one JSON line: the epochs it trained and the test accuracy it reached, or, when its
library cannot be imported, what is missing (exit code 3).
"""
import gzip
import json
import os
import sys


def missing(library, error):
    print(json.dumps({"missing": f"{library} cannot be imported by {sys.executable}: {error}"}))
    sys.exit(3)


try:
    import numpy as np
except ImportError as e:
    missing("numpy", e)

TARGET = 0.87      # test accuracy to reach
MAX_EPOCHS = 60    # give up after this many
BATCH = 200
LEARNING_RATE = 0.001


def load(directory, prefix):
    with gzip.open(os.path.join(directory, f"{prefix}-images-idx3-ubyte.gz"), "rb") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(directory, f"{prefix}-labels-idx1-ubyte.gz"), "rb") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return (images / 255.0).astype(np.float32), labels.astype(np.int64)


def load_all():
    directory = sys.argv[1]
    return load(directory, "train") + load(directory, "t10k")


def reached(epochs, accuracy, library):
    print(json.dumps({"epochs": epochs, "accuracy": float(accuracy), "library": library}))
