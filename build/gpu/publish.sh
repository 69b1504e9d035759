#!/usr/bin/env bash
# Publishes the command line self-contained for linux-x64 without libtorch (BridgeLibTorch=external: libtorch and
# LibTorchSharp come from BRIDGE_LIBTORCH and BRIDGE_LIBTORCHSHARP at run time) to artifacts/gpu-publish/bridge, its
# intermediate files apart from a normal build's (artifacts/gpu-build). Prints the program's path as its last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
project=tools/Bridge.Cli   # the command line's project
publish=artifacts/gpu-publish/bridge
rm -rf "$publish"
dotnet publish "$project" -c Release -r linux-x64 --self-contained -p:BridgeLibTorch=external \
  --artifacts-path artifacts/gpu-build -o "$publish" -v quiet -nologo >&2
[ -f "$publish/libtorchsharp/libLibTorchSharp.so" ] || { echo "publish.sh: the publish lacks libtorchsharp/" >&2; exit 1; }
if ls "$publish" | grep -q -E '^lib(torch|torch_cpu|c10)\.so$'; then echo "publish.sh: the publish carries a libtorch; it should not" >&2; exit 1; fi
bash build/gpu/program.sh "$root/$publish"
