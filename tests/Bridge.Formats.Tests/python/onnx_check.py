"""onnx's own checker on ONNX files Bridge wrote.

Request: {"files": [path, ...]}. Answer: {"onnx": version, "results": {path: "ok" or the checker's message}}.
"""
import json
import sys

import onnx
import onnx.checker


def main(request_path, answer_path):
    with open(request_path) as f:
        request = json.load(f)
    results = {}
    for path in request["files"]:
        try:
            onnx.checker.check_model(onnx.load(path), full_check=True)  # full_check: shape inference too
            results[path] = "ok"
        except Exception as e:  # the checker's own exception types vary by version
            results[path] = f"{type(e).__name__}: {e}"
    with open(answer_path, "w") as f:
        json.dump({"onnx": onnx.__version__, "results": results}, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
