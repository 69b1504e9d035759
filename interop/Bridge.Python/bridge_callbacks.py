"""Python calling back into .NET: a plain Python function that forwards a string to a .NET handler.

The .NET side passes the address of an unmanaged entry point and a handler number; ctypes turns the address into a
callable. ctypes releases the GIL around the call, so the .NET handler runs like any other .NET code and may call
into Python again.
"""

import ctypes

_ENTRY = ctypes.CFUNCTYPE(None, ctypes.c_ssize_t, ctypes.c_char_p)


def make(address, handler):
    entry = _ENTRY(address)

    def callback(text, *args, **kwargs):
        # Extra arguments (Keras's print_fn also passes line_break) are not forwarded.
        entry(handler, str(text).encode("utf-8"))

    callback._bridge_entry = entry  # keeps the ctypes thunk alive as long as the function
    return callback
