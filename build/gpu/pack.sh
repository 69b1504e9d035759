#!/usr/bin/env bash
# Prepares what a machine without .NET and without these data sets needs to run build/gpu/check.sh, in the folder
# .gpu/ of the repository (ignored by git, carried to the machine as it is):
#   bridge-linux-x64.tar.xz   the command line published self-contained for linux-x64 with BridgeLibTorch=external
#                             (no libtorch, no LibTorchSharp loaded by itself; TorchSharp's own shim in libtorchsharp/)
#   torchsharp-native/        TorchSharp's native sources (src/Native) at the version of the TorchSharp package, to
#                             build a LibTorchSharp there when TorchSharp's does not fit that machine's libtorch.
#                             Taken from a clone of dotnet/TorchSharp (TORCHSHARP_GIT, a git directory); never
#                             committed here: the repository holds Bridge's own code only.
#   data/fashion-mnist/       a subset of Fashion-MNIST in its own file format (4,000 training and 1,000 test images)
#   keras.tar.xz, optree-*.tar.gz  optional: a Keras source tree (KERAS_GIT, a git directory of keras-team/keras) and
#                             optree's sources (OPTREE_SDIST), for Keras on JAX there
# and prints the sizes. Usage: bash build/gpu/pack.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dest=.gpu
torchsharp_git=${TORCHSHARP_GIT:-}
keras_git=${KERAS_GIT:-}
carry_limit_mib=${CARRY_LIMIT_MIB:-64}   # what the GPU machine takes in: the tracked files and .gpu/ together
fashion=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
python=${PYTHON:-/usr/bin/python3}
optree=${OPTREE_SDIST:-$(ls "$root"/../shared/keras-env/sources/optree-*.tar.gz 2>/dev/null | head -1)}
mkdir -p "$dest/data"

echo "== the command line, self-contained, without libtorch"
# Two steps, so that a failed publish stops here instead of leaving "." as the folder to copy.
program=$(bash build/gpu/publish.sh | tail -1)
[ -x "$program" ] || { echo "publish.sh did not end with the published program (got: $program)"; exit 1; }
publish=$(dirname "$program")
staged=artifacts/gpu-stage/bridge
rm -rf "$staged" && mkdir -p "$(dirname "$staged")" && cp -a "$publish" "$staged"
# pdb and xml files are for debuggers and editors, not for running.
find "$staged" \( -name '*.pdb' -o -name '*.xml' \) -delete
tar -C "$(dirname "$staged")" -cf - bridge | xz -T0 -6 > "$dest/bridge-linux-x64.tar.xz"

echo "== TorchSharp's native sources"
package_version=$(grep -oE 'Include="TorchSharp" Version="[^"]+"' Directory.Packages.props | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
if git --git-dir "$torchsharp_git" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  commit=$(git --git-dir "$torchsharp_git" rev-parse --verify -q "v$package_version^{commit}" || git --git-dir "$torchsharp_git" rev-parse HEAD)
  # The commit must be the package's version: its BranchInfo.props says so.
  branch=$(git --git-dir "$torchsharp_git" show "$commit:build/BranchInfo.props")
  version=$(echo "$branch" | grep -oE '<(Major|Minor|Patch)Version>[0-9]+' | grep -oE '[0-9]+$' | paste -sd. -)
  [ "$version" = "$package_version" ] || { echo "$torchsharp_git at $commit is TorchSharp $version, not $package_version"; exit 1; }
  rm -rf "$dest/torchsharp-native" && mkdir -p "$dest/torchsharp-native"
  git --git-dir "$torchsharp_git" archive "$commit" src/Native | tar -x -C "$dest/torchsharp-native" --strip-components=2
  # And its sources must declare every function the package's own shim exports.
  grep -rhoE 'EXPORT_API\([^)]*\)[[:space:]]*[A-Za-z0-9_]+' "$dest/torchsharp-native/LibTorchSharp/"*.h | sed -E 's/.*\)[[:space:]]*//' | sort -u > "$dest/torchsharp-native/declared.txt"
  nm -D --defined-only "$publish/libtorchsharp/libLibTorchSharp.so" | awk '$3 ~ /^TH/ {print $3}' | sort -u > artifacts/gpu-stage/exported.txt
  undeclared=$(comm -23 artifacts/gpu-stage/exported.txt "$dest/torchsharp-native/declared.txt" | wc -l)
  [ "$undeclared" = 0 ] || { echo "the sources at $commit lack $undeclared functions the TorchSharp $package_version package exports"; exit 1; }
  echo "TorchSharp $version, commit $commit" > "$dest/torchsharp-native/SOURCE"
  cat "$dest/torchsharp-native/SOURCE"
else
  echo "no TorchSharp clone at '$torchsharp_git' (set TORCHSHARP_GIT to a git directory of dotnet/TorchSharp): a LibTorchSharp cannot be built there"
fi

echo "== data"
"$python" build/gpu/fashion_subset.py "$fashion" "$dest/data/fashion-mnist" 4000 1000

if git --git-dir "$keras_git" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  echo "== Keras source tree, and optree's sources (Keras needs optree, which that machine's Python may lack)"
  rm -rf artifacts/gpu-stage/keras && mkdir -p artifacts/gpu-stage/keras
  git --git-dir "$keras_git" archive HEAD keras | tar -x -C artifacts/gpu-stage/keras
  find artifacts/gpu-stage/keras -name '*_test.py' -delete
  echo "keras $(grep -oE '[0-9]+\.[0-9]+\.[0-9]+' artifacts/gpu-stage/keras/keras/src/version.py | head -1), commit $(git --git-dir "$keras_git" rev-parse HEAD)" > artifacts/gpu-stage/keras/SOURCE
  cat artifacts/gpu-stage/keras/SOURCE
  tar -C artifacts/gpu-stage -cf - keras | xz -T0 -6 > "$dest/keras.tar.xz"
  [ -f "$optree" ] && cp "$optree" "$dest/" || echo "no optree sources at $optree (OPTREE_SDIST): Keras runs there only if its Python has optree"
fi

echo "== sizes"
du -sh "$publish" | sed 's/^/published: /'
du -sh "$staged" | sed 's/^/without pdb and xml: /'
du -sh "$dest"/* | sed 's/^/carried:   /'
total=$(du -sb "$dest" | cut -f1)
tree=$(git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)
echo "carried in all: $((total / 1024 / 1024)) MiB; with the tracked files ($((tree / 1024)) KiB): $(((total + tree) / 1024 / 1024)) MiB of the ${carry_limit_mib} MiB the machine takes in (CARRY_LIMIT_MIB)"
[ $((total + tree)) -lt $((carry_limit_mib * 1024 * 1024)) ] || { echo "too large to carry"; exit 1; }
