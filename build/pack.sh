#!/usr/bin/env bash
# Packs Bridge into a folder that serves as a NuGet feed:
#   - the libraries (Bridge, the package a student references, and each part: Bridge.Core, Bridge.Managed,
#     Bridge.Torch, …), whose torch part depends on TorchSharp-cpu (every platform's CPU libtorch, restored by the
#     application that uses it, as TorchSharp's own users do);
#   - the bridge-nn tool, which carries its dependencies inside, libtorch for the platform it is packed on.
#
#   build/pack.sh [FEED]        (default: artifacts/packages)
set -euo pipefail
# A FEED given relative is the caller's, resolved before moving to the repository's root.
feed=${1:-$(dirname "$0")/../artifacts/packages}
feed=$(mkdir -p "$feed" && cd "$feed" && pwd)
cd "$(dirname "$0")/.."
# The packs restore the torch package for every platform; whatever happens, leave the tree as a plain build expects it.
trap 'dotnet restore Bridge.sln -v quiet >/dev/null' EXIT
# build/package/Bridge.Packages.slnf: the projects that are packages (src/ and interop/), without tests or tools.
dotnet pack build/package/Bridge.Packages.slnf -c Release -o "$feed" -p:BridgeLibTorchPlatform=any -nologo -v quiet
dotnet pack tools/Bridge.Cli/Bridge.Cli.csproj -c Release -o "$feed" -nologo -v quiet
ls -1 "$feed"
