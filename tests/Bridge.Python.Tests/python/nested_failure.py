"""Functions the interop tests call: an error raised three calls deep, and a loop that only an interrupt ends."""


def outer(value):
    return middle(value)


def middle(value):
    return inner(value)


def inner(value):
    raise ValueError(f"inner refused {value!r}")


def spin_forever():
    count = 0
    while True:
        count += 1
