"""Where the running interpreter belongs: the same report from Python run on its own and from Python embedded by Bridge.

Run as a script (``python3 -c "$(cat interpreter_report.py)"``) it prints the report; imported, ``report()`` returns it.
"""
import json
import os
import signal
import sys


def report():
    return json.dumps({
        "prefix": sys.prefix,
        "base_prefix": sys.base_prefix,
        "executable": sys.executable,
        "path": [p for p in sys.path if p],
        "os_module": os.__file__,
        "version": sys.version.split()[0],
        # Python's own SIGINT handler is installed only when asked for; Bridge leaves Ctrl+C to .NET by default.
        "python_handles_sigint": signal.getsignal(signal.SIGINT) is signal.default_int_handler,
    })


if __name__ == "__main__":
    print(report())
