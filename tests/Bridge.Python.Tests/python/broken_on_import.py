"""A module whose import fails, for the interop tests."""

raise RuntimeError("this module refuses to be imported")
