"""Keras's Sequential 784-100-10-10 (relu, softmax), adam 0.001, fit one epoch at a time (batch 200) on the torch
backend, evaluate on the test set, to 87 % test accuracy."""
import os

import fashion_data as data

os.environ.setdefault("KERAS_BACKEND", "torch")
try:
    import keras
except ImportError as e:
    data.missing("keras", e)

x, y, test_x, test_y = data.load_all()
model = keras.Sequential([
    keras.Input((784,)),
    keras.layers.Dense(100, activation="relu"),
    keras.layers.Dense(10, activation="relu"),
    keras.layers.Dense(10, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=data.LEARNING_RATE), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
for epoch in range(1, data.MAX_EPOCHS + 1):
    model.fit(x, y, batch_size=data.BATCH, epochs=1, shuffle=True, verbose=0)
    _, accuracy = model.evaluate(test_x, test_y, batch_size=1000, verbose=0)
    if accuracy >= data.TARGET:
        break
data.reached(epoch, accuracy, f"keras {keras.__version__} on {keras.backend.backend()}")
