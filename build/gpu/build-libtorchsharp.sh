#!/usr/bin/env bash
# Builds libLibTorchSharp.so (TorchSharp's native shim) against the libtorch of a Python's torch, from TorchSharp's
# own sources (src/Native of dotnet/TorchSharp at the TorchSharp package's version).
#
#   bash build/gpu/build-libtorchsharp.sh TORCHSHARP_NATIVE OUTPUT_DIR [PYTHON]
#
# First with CMake and ninja against torch's CMake package (build/gpu/libtorchsharp/CMakeLists.txt); source files that
# this libtorch no longer compiles are left out and named (the shim's other functions work; TorchSharp calls into a
# missing one fail with EntryPointNotFoundException naming it). Where CMake cannot configure (torch's CMake package
# looks for a CUDA toolkit, cuDNN, NVTX), or with BRIDGE_SHIM_BUILD=compiler, the compiler directly, with torch's
# include paths and ABI. Prints the file built as its last line; exits non-zero when none was.
set -uo pipefail
native=${1:?usage: build-libtorchsharp.sh TORCHSHARP_NATIVE OUTPUT_DIR [PYTHON]}
out=${2:?usage: build-libtorchsharp.sh TORCHSHARP_NATIVE OUTPUT_DIR [PYTHON]}
python=${3:-python3}
here=$(cd "$(dirname "$0")" && pwd)
native=$(cd "$native" && pwd) || { echo "build-libtorchsharp: no folder $1" >&2; exit 2; }
mkdir -p "$out" && out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 4)

read -r torch_version prefix libdir abi < <("$python" - <<'EOF'
import os, torch
print(torch.__version__, torch.utils.cmake_prefix_path, os.path.join(os.path.dirname(torch.__file__), "lib"), int(torch._C._GLIBCXX_USE_CXX11_ABI))
EOF
) || { echo "build-libtorchsharp: $python cannot import torch" >&2; exit 2; }
# A libtorch whose CMake package is elsewhere (a distribution's, a C++ download's): TORCH_CMAKE_PREFIX_PATH names it.
prefix=${TORCH_CMAKE_PREFIX_PATH:-$prefix}
echo "build-libtorchsharp: torch $torch_version (C++ ABI $abi), CMake package in $prefix, libraries in $libdir"
echo "build-libtorchsharp: TorchSharp sources in $native, $jobs jobs"

# Symbols the shim must define: every function TorchSharp's sources declare for export.
grep -rhoE 'EXPORT_API\([^)]*\)[[:space:]]*[A-Za-z0-9_]+' "$native/LibTorchSharp/"*.h | sed -E 's/.*\)[[:space:]]*//' | sort -u > "$out/declared.txt"

report() { # FILE: say which declared functions the built shim lacks
  nm -D --defined-only "$1" | awk '{print $3}' | sort -u > "$out/defined.txt"
  local missing; missing=$(comm -23 "$out/declared.txt" "$out/defined.txt" | wc -l)
  echo "build-libtorchsharp: $1 defines $(wc -l < "$out/defined.txt") symbols; $missing of the $(wc -l < "$out/declared.txt") declared functions are not among them (see $out/missing.txt)"
  comm -23 "$out/declared.txt" "$out/defined.txt" > "$out/missing.txt"
}

with_cmake() {
  local build="$out/cmake" skip="" attempt
  for attempt in 1 2; do
    rm -rf "$build"
    if ! cmake -S "$here/libtorchsharp" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
         -DCMAKE_PREFIX_PATH="$prefix" -DTORCHSHARP_NATIVE="$native" -DBRIDGE_SHIM_SKIP="$skip" > "$out/cmake-configure.log" 2>&1; then
      echo "build-libtorchsharp: CMake could not configure (last lines of $out/cmake-configure.log):"; tail -15 "$out/cmake-configure.log"
      return 1
    fi
    if ninja -C "$build" -k 0 -j "$jobs" > "$out/cmake-build.log" 2>&1; then
      cp "$build/libLibTorchSharp.so" "$out/libLibTorchSharp.so"; return 0
    fi
    # The sources that failed: leave them out once, and say so.
    local failed; failed=$(grep -oE '^FAILED: [^ ]*\.(cpp|c)\.o' "$out/cmake-build.log" | sed -E 's#.*/##; s#\.o$##' | sort -u | paste -sd';' -)
    if [ -z "$failed" ] || [ "$attempt" = 2 ]; then
      echo "build-libtorchsharp: the build failed (last lines of $out/cmake-build.log):"; grep -E 'error|FAILED' "$out/cmake-build.log" | head -20
      return 1
    fi
    echo "build-libtorchsharp: these sources do not compile against torch $torch_version and are left out: $failed"
    grep -E 'error:' "$out/cmake-build.log" | head -10
    skip=$failed
  done
  return 1
}

with_compiler() {
  local objects="$out/objects" cxx=${CXX:-c++} cc=${CC:-cc}
  rm -rf "$objects" && mkdir -p "$objects"
  local includes; includes=$("$python" -c "from torch.utils import cpp_extension; print(' '.join('-I' + p for p in cpp_extension.include_paths()))")
  local flags="-O2 -fPIC -fvisibility=hidden -D__LINUX__ -D_NO_ASYNCRTIMP -D_NO_PPLXIMP -D_GLIBCXX_USE_CXX11_ABI=$abi -I$native -I$native/LibTorchSharp $includes"
  export flags objects cxx cc
  # Each file name reaches the compiling shell as its argument, never as part of its script.
  printf '%s\0' "$native/LibTorchSharp/"*.cpp "$native/LibTorchSharp/"*.c | xargs -0 -P "$jobs" -n 1 bash -c '
    f=$1; o="$objects/$(basename "$f").o"
    case "$f" in *.c) $cc $flags -c "$f" -o "$o" ;; *) $cxx -std=c++17 $flags -c "$f" -o "$o" ;; esac > "$o.log" 2>&1 || { rm -f "$o"; echo "left out: $(basename "$f")"; grep -m3 error: "$o.log"; }' _
  local built; built=$(ls "$objects"/*.o 2>/dev/null | wc -l)
  [ "$built" -ge 20 ] || { echo "build-libtorchsharp: only $built sources compiled; giving up"; return 1; }
  "$cxx" -shared -o "$out/libLibTorchSharp.so" "$objects"/*.o -L"$libdir" -Wl,-rpath,"$libdir" \
    -Wl,-soname,libLibTorchSharp.so -Wl,-Bsymbolic -Wl,-Bsymbolic-functions -Wl,--no-undefined \
    -ltorch -ltorch_cpu -lc10 > "$out/link.log" 2>&1 || { echo "build-libtorchsharp: linking failed:"; head -20 "$out/link.log"; return 1; }
}

start=$SECONDS
if [ "${BRIDGE_SHIM_BUILD:-}" != compiler ] && command -v cmake >/dev/null && command -v ninja >/dev/null && with_cmake; then
  echo "build-libtorchsharp: built with CMake and ninja in $((SECONDS - start)) s"
else
  echo "build-libtorchsharp: building with the compiler directly"
  with_compiler || exit 1
  echo "build-libtorchsharp: built with the compiler in $((SECONDS - start)) s"
fi
report "$out/libLibTorchSharp.so"
echo "$out/libLibTorchSharp.so"
