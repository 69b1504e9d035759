#!/usr/bin/env bash
# Bridge's torch backend on a CUDA card, checked in one run: the self-contained command line (no .NET needed) with
# the machine's own libtorch (Python's torch), TorchSharp's LibTorchSharp or, where that does not fit this libtorch,
# one built here from TorchSharp's sources; then
#   - compare --backends managed,torch --device cuda: spirals, xor, digits 64-32-10 and a Fashion-MNIST subset
#     784-256-10, with SGD, momentum and Adam, in float64 and float32;
#   - device-check: no host read per step, a non-finite step rolled back as on the CPU, checkpoints across devices
#     bit for bit, float32 products with or without TF32;
#   - train on the card, resume on the CPU, and the other way round;
#   - soak --device cuda for 100,000 steps (the card memory this process holds, flat after warm-up);
#   - speed: Bridge torch against raw TorchSharp (in one process) and against PyTorch eager (pytorch_eager.py), rounds
#     interleaved, with the fraction of the card's measured matrix-product rate;
#   - where time is left and .gpu/keras.tar.xz exists: compare --backends managed,keras with Keras on JAX (optional).
# It prints a table last, writes logs and figures under $OUT (or --out), and exits 1 when a check failed.
#
#   bash build/gpu/check.sh            on the CUDA machine, after build/gpu/pack.sh here (what it carries: .gpu/)
#   bash build/gpu/check.sh --cpu      the same path on this machine's CPU, small sizes (CI runs it): the tool
#                                      published here, libtorch and LibTorchSharp from outside it as on the card
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mode=gpu
out=${OUT:-}
while (($#)); do
  case $1 in
    --cpu) mode=cpu ;;
    --out) shift; out=$1 ;;
    *) echo "usage: check.sh [--cpu] [--out DIR]" >&2; exit 2 ;;
  esac
  shift
done
out=${out:-$root/artifacts/gpu-check-$mode}
mkdir -p "$out" && out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bridge-check.XXXXXX")
background=()
cleanup() {
  local p
  for p in "${background[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
exec > >(tee "$out/check.log") 2>&1
start=$SECONDS
results=$out/results.tsv
: > "$results"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 PYTHONUNBUFFERED=1

if [ "$mode" = gpu ]; then
  budget=${CHECK_BUDGET:-450}   # seconds: short enough that a failed run can be run again within a short rental of a card
  device=${CHECK_DEVICE:-cuda}  # CHECK_DEVICE=cpu: the card's steps on a CPU, a dry run of this script
  python=${PYTHON:-python3}
  parallel=6
else
  budget=${CHECK_BUDGET:-1200}  # only a hang should meet it: CI's machines are slower than a card's, and shared
  device=cpu
  python=${PYTHON:-/usr/bin/python3}
  parallel=2
fi

left() { echo $((budget - (SECONDS - start))); }
limit() { local l=$(($(left) - $1)); echo $((l > 10 ? l : 10)); }   # seconds a step may take, keeping $1 for what follows
say() { printf '\n== %s (%d s)\n' "$*" $((SECONDS - start)); }
unpack() { # ARCHIVE.tar.xz FOLDER: with tar and xz, or with Python's tarfile where the machine has no xz
  tar -xJf "$1" -C "$2" 2>/dev/null || "$python" -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"
}
# record NAME PASS|FAIL|SKIP DETAIL [optional]: one line of the final table.
record() {
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "${3//$'\t'/ }" "${4:-required}" >> "$results"
  printf '[%s] %s: %s\n' "$2" "$1" "$3"
}
finish() {
  say "summary"
  "$python" build/gpu/summarize.py "$work" "$out"
  exit $?
}

# ---------------------------------------------------------------------------------------------------------------------
say "the tool ($mode mode)"
mkdir -p "$work/tool"
if [ "$mode" = gpu ]; then
  [ -f .gpu/bridge-linux-x64.tar.xz ] || { record "tool" FAIL ".gpu/bridge-linux-x64.tar.xz is missing: run build/gpu/pack.sh on a machine with .NET and carry .gpu"; finish; }
  unpack .gpu/bridge-linux-x64.tar.xz "$work/tool" || { record "tool" FAIL "the archive did not unpack"; finish; }
  tool=$(bash build/gpu/program.sh "$work/tool/bridge") || { record "tool" FAIL "the archive holds no program"; finish; }
  export BRIDGE_FASHION_MNIST=$root/.gpu/data/fashion-mnist   # the digits ship inside Bridge
else
  tool=$(bash build/gpu/publish.sh | tail -1) || { record "tool" FAIL "the self-contained publish failed"; finish; }
  fashion=${BRIDGE_FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
  if [ -f "$fashion/train-images-idx3-ubyte.gz" ]; then
    "$python" build/gpu/fashion_subset.py "$fashion" "$work/fashion-mnist" 1000 200 && export BRIDGE_FASHION_MNIST=$work/fashion-mnist
  fi
fi
"$tool" --help > /dev/null 2>&1 || { record "tool" FAIL "$tool does not start"; finish; }
record "tool" PASS "self-contained $(du -sh "$(dirname "$tool")" | cut -f1) without libtorch, started without .NET installed: $(command -v dotnet >/dev/null && echo 'dotnet is on PATH here, unused' || echo 'no dotnet on this machine')"

# ---------------------------------------------------------------------------------------------------------------------
say "libtorch"
if [ "$mode" = gpu ]; then
  read -r torch_version libtorch cuda_ok card < <("$python" - <<'EOF'
import os, torch
name = torch.cuda.get_device_name(0).replace(" ", "_") if torch.cuda.is_available() else "none"
print(torch.__version__, os.path.join(os.path.dirname(torch.__file__), "lib"), int(torch.cuda.is_available()), name)
EOF
  ) || { record "libtorch" FAIL "$python cannot import torch"; finish; }
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader 2>&1 | sed 's/^/nvidia-smi: /'
  [ "$cuda_ok" = 1 ] || [ "$device" = cpu ] || { record "libtorch" FAIL "Python's torch $torch_version sees no CUDA device"; finish; }
  record "libtorch" PASS "Python's torch $torch_version in $libtorch; card ${card//_/ }"
else
  packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  libtorch_version=$(grep -oE 'Include="libtorch-cpu-linux-x64" Version="[^"]+"' Directory.Packages.props | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')
  libtorch=$packages/libtorch-cpu-linux-x64/$libtorch_version/runtimes/linux-x64/native
  [ -f "$libtorch/libtorch.so" ] || { record "libtorch" FAIL "no CPU libtorch in $libtorch (dotnet restore brings it)"; finish; }
  record "libtorch" PASS "the CPU libtorch package $libtorch_version, from outside the tool, as on a card"
fi
export BRIDGE_LIBTORCH=$libtorch

# ---------------------------------------------------------------------------------------------------------------------
say "LibTorchSharp"
# A shim works when the tool lists torch as available on the device and a short comparison on it passes.
works() {
  local shim=$1 name=$2
  BRIDGE_LIBTORCHSHARP=$shim timeout 120 "$tool" backends --device "$device" > "$work/backends-$name.log" 2>&1
  grep -A2 -E '│ torch ' "$work/backends-$name.log" | sed 's/^/  /'
  grep -qE '│ torch +│ yes' "$work/backends-$name.log" || return 1
  BRIDGE_LIBTORCHSHARP=$shim timeout 180 "$tool" compare --backends managed,torch --device "$device" --data xor --epochs 30 > "$work/smoke-$name.log" 2>&1
  local rc=$?
  tail -1 "$work/smoke-$name.log" | sed 's/^/  /'
  return $rc
}
shipped=$(dirname "$tool")/libtorchsharp/libLibTorchSharp.so
shim=
if works "$shipped" shipped; then
  shim=$shipped
  record "LibTorchSharp" PASS "TorchSharp's own (built for libtorch 2.10) loads and agrees on this libtorch"
elif [ -f .gpu/libtorchsharp-built/libLibTorchSharp.so ] && works "$root/.gpu/libtorchsharp-built/libLibTorchSharp.so" carried; then
  shim=$root/.gpu/libtorchsharp-built/libLibTorchSharp.so
  record "LibTorchSharp" PASS "TorchSharp's own does not fit this libtorch ($(grep -m1 -oE 'could not be loaded: .{0,160}' "$work/backends-shipped.log" || echo 'see check.log')); one built from TorchSharp's sources earlier and carried in .gpu/libtorchsharp-built works"
elif [ "$mode" = gpu ] && [ -d .gpu/torchsharp-native ]; then
  echo "TorchSharp's own LibTorchSharp does not fit: building one from TorchSharp's sources"
  built_at=$SECONDS
  timeout 360 bash build/gpu/build-libtorchsharp.sh .gpu/torchsharp-native "$work/shim" "$python" 2>&1 | tee "$work/shim-build.log" | grep -v '^\s*$' | tail -25
  (cd "$work" && tar -czf "$out/libtorchsharp-built.tar.gz" shim-build.log shim/*.log shim/missing.txt shim/libLibTorchSharp.so 2>/dev/null)
  if [ -f "$work/shim/libLibTorchSharp.so" ] && works "$work/shim/libLibTorchSharp.so" built; then
    shim=$work/shim/libLibTorchSharp.so
    record "LibTorchSharp" PASS "TorchSharp's own does not fit this libtorch; built from TorchSharp's sources here in $((SECONDS - built_at)) s ($(grep -oE '[0-9]+ of the [0-9]+ declared functions are not among them' "$work/shim-build.log" || echo 'see the build log')); kept in $out/libtorchsharp-built.tar.gz"
  else
    record "LibTorchSharp" FAIL "neither TorchSharp's own nor one built from its sources works here (see check.log and libtorchsharp-built.tar.gz)"
    finish
  fi
else
  record "LibTorchSharp" FAIL "TorchSharp's own does not work with this libtorch (see check.log), and there is nothing to build another from"
  finish
fi
export BRIDGE_LIBTORCHSHARP=$shim

# ---------------------------------------------------------------------------------------------------------------------
say "correctness: comparisons, device checks, checkpoints across devices, soak"
mkdir -p "$work/jobs" "$work/compare"
if [ "$mode" = gpu ]; then
  if command -v nvidia-smi > /dev/null; then
    nvidia-smi --query-gpu=timestamp,memory.used,utilization.gpu,clocks.sm --format=csv -l 1 > "$out/nvidia-smi.csv" 2>&1 &
    background+=($!)
  fi
  soak_steps=100000
else
  soak_steps=1000
fi
# The soak runs beside the other checks (its card memory is its own process's), and alone would take the longest.
# What is left after it: the speed rounds, Keras, the summary.
(timeout $(limit 150) "$tool" soak --device "$device" --steps "$soak_steps" > "$work/soak.log" 2>&1; echo $? > "$work/soak.rc") &
soak_pid=$!
background+=($soak_pid)

jobs_running=()
launch() { # NAME COMMAND...: run in the background, at most $parallel at a time and not past the time left for this
  # phase; output in jobs/NAME.log, status in jobs/NAME.rc (124: out of time)
  local name=$1; shift
  while :; do
    local n=0 p
    for p in "${jobs_running[@]}"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done
    [ "$n" -lt "$parallel" ] && break
    sleep 0.2
  done
  ( timeout $(limit 150) "$@" > "$work/jobs/$name.log" 2>&1; echo $? > "$work/jobs/$name.rc" ) &
  jobs_running+=($!)
}

declare -A data_args=(
  [spirals]="--data spirals"
  [xor]="--data xor"
  [digits]="--data digits --layers 64,32,10"
  [fashion]="--data fashion-mnist --layers 784,256,10 --activation relu --epochs 5"
)
declare -A optimizer_args=([sgd]="--optimizer sgd --momentum 0" [momentum]="--optimizer sgd --momentum 0.9" [adam]="--optimizer adam")
compares=()
if [ "$mode" = gpu ]; then
  for precision in float64 float32; do
    for data in spirals xor digits fashion; do
      for optimizer in sgd momentum adam; do compares+=("$data $optimizer $precision"); done
    done
  done
else
  compares=("xor sgd float64" "xor adam float64" "digits momentum float64" "digits adam float32")
  [ -n "${BRIDGE_FASHION_MNIST:-}" ] && compares+=("fashion sgd float64")
  data_args[digits]="--data digits --layers 64,32,10 --epochs 10"
  data_args[fashion]="--data fashion-mnist --layers 784,256,10 --activation relu --epochs 2"
fi
for c in "${compares[@]}"; do
  read -r data optimizer precision <<< "$c"
  # shellcheck disable=SC2086
  launch "compare-$data-$optimizer-$precision" "$tool" compare --backends managed,torch --device "$device" ${data_args[$data]} \
    ${optimizer_args[$optimizer]} --precision "$precision" --json "$work/compare/$data-$optimizer-$precision.json"
done
launch device-check "$tool" device-check --device "$device" --work "$work/device-check"
across() { # FROM TO: train 2 epochs on FROM with a checkpoint, continue to 4 on TO
  local from=$1 to=$2 ckpt="$work/across-$1-$2.safetensors"
  local run=(--backend torch --data digits --layers 64,32,10 --optimizer adam --seed 3 --checkpoint "$ckpt")
  "$tool" train "${run[@]}" --device "$from" --epochs 2 || return 1
  local resumed; resumed=$("$tool" train "${run[@]}" --device "$to" --epochs 4 --resume) || { echo "$resumed"; return 1; }
  echo "$resumed"
  grep -q "Resumed from .*: 2 of 4 epochs were done" <<< "$resumed"
}
export -f across
export tool work
launch "train-$device-resume-cpu" bash -c 'across "$@"' - "$device" cpu
[ "$device" != cpu ] && launch "train-cpu-resume-$device" bash -c 'across "$@"' - cpu "$device"
wait "${jobs_running[@]}" 2>/dev/null

for c in "${compares[@]}"; do
  read -r data optimizer precision <<< "$c"
  name="compare-$data-$optimizer-$precision"
  verdict=$(grep -E 'checks passed|check.* failed|failed:' "$work/jobs/$name.log" | tail -1)
  [ "$(cat "$work/jobs/$name.rc")" = 0 ] && record "compare $data $optimizer $precision" PASS "${verdict:-passed}" ||
    record "compare $data $optimizer $precision" FAIL "exit $(cat "$work/jobs/$name.rc"): ${verdict:-$(tail -1 "$work/jobs/$name.log")}"
done
while IFS=$'\t' read -r head detail; do
  case $head in
    passed\ *) record "device-check: ${head#passed }" PASS "$detail" ;;
    FAILED\ *) record "device-check: ${head#FAILED }" FAIL "$detail" ;;
  esac
done < <(grep -E '^(passed|FAILED) ' "$work/jobs/device-check.log" | sed -E 's/: /\t/')
[ "$(cat "$work/jobs/device-check.rc")" = 0 ] || grep -qE '^FAILED ' "$work/jobs/device-check.log" ||
  record "device-check" FAIL "exit $(cat "$work/jobs/device-check.rc"): $(tail -3 "$work/jobs/device-check.log" | tr '\n' ' ')"
for name in $(printf '%s\n' "train-$device-resume-cpu" "train-cpu-resume-$device" | sort -u); do
  [ -f "$work/jobs/$name.rc" ] || continue
  [ "$(cat "$work/jobs/$name.rc")" = 0 ] && record "${name//-/ }" PASS "a checkpoint written on one device continues on the other (train --resume)" ||
    record "${name//-/ }" FAIL "$(tail -2 "$work/jobs/$name.log" | tr '\n' ' ')"
done

say "soak (waiting for it)"
wait "$soak_pid"
tail -4 "$work/soak.log"
soak_summary=$(grep -E 'steps in .* forced collections' "$work/soak.log" | tail -1)
card_line=$(grep -E '^card memory' "$work/soak.log" | tail -1)
if [ "$(cat "$work/soak.rc" 2>/dev/null)" = 0 ]; then
  record "soak $soak_steps steps on $device" PASS "$soak_summary; $(grep -E '^resident memory' "$work/soak.log" | tail -1)${card_line:+; $card_line}"
else
  record "soak $soak_steps steps on $device" FAIL "exit $(cat "$work/soak.rc" 2>/dev/null || echo '?') (124: did not finish in time): ${soak_summary:-$(tail -2 "$work/soak.log" | tr '\n' ' ')}${card_line:+; $card_line}"
fi
(cd "$work" && tar -czf "$out/reports.tar.gz" compare jobs soak.log backends-*.log smoke-*.log 2>/dev/null)

# ---------------------------------------------------------------------------------------------------------------------
say "speed: Bridge torch, raw TorchSharp, PyTorch eager, interleaved"
mkdir -p "$work/bench"
if [ "$mode" = gpu ]; then
  bench=(--nets 784-256-10:128,784-4096-4096-10:1024 --samples 60000 --rounds 3)
  alternations=2
else
  bench=(--nets 784-256-10:128 --samples 1024 --rounds 2)
  alternations=1
fi
"$python" -c "import torch" 2>/dev/null && have_pytorch=1 || have_pytorch=0
for ((r = 1; r <= alternations; r++)); do
  if [ "$(left)" -lt 60 ]; then echo "not enough time left for round $r"; break; fi
  timeout $(limit 30) "$tool" bench --device "$device" "${bench[@]}" --json "$work/bench/bridge-$r.json" > "$work/bench/bridge-$r.log" 2>&1 ||
    { echo "Bridge bench round $r failed:"; tail -5 "$work/bench/bridge-$r.log"; }
  grep -E 'TFLOP|per epoch' "$work/bench/bridge-$r.log" | sed 's/^/  /'
  if [ "$have_pytorch" = 1 ]; then
    timeout $(limit 20) "$python" build/gpu/pytorch_eager.py --device "$device" "${bench[@]}" --json "$work/bench/pytorch-$r.json" 2>&1 |
      tee "$work/bench/pytorch-$r.log" | sed 's/^/  /'
  fi
done
[ "$have_pytorch" = 1 ] || record "PyTorch eager" SKIP "$python has no torch" optional

# ---------------------------------------------------------------------------------------------------------------------
say "Keras in a worker process of the self-contained tool"
if [ "$mode" = gpu ]; then
  keras_ready() { # unpack Keras; build optree from its sources where this Python lacks it
    unpack .gpu/keras.tar.xz "$work" || return 1
    keras_path=$work/keras
    "$python" -c "import optree" 2>/dev/null && return 0
    ls .gpu/optree-*.tar.gz >/dev/null 2>&1 || { echo "this Python has no optree and none was carried"; return 1; }
    timeout $(limit 60) "$python" -m pip install -q --no-deps --no-build-isolation --no-index --target "$work/site" .gpu/optree-*.tar.gz \
      > "$work/optree.log" 2>&1 || { tail -5 "$work/optree.log"; return 1; }
    keras_path=$keras_path:$work/site
  }
  if [ ! -f .gpu/keras.tar.xz ]; then
    record "compare managed,keras (Keras on JAX)" SKIP "no Keras source tree in .gpu/keras.tar.xz" optional
  elif [ "$(left)" -lt 90 ]; then
    record "compare managed,keras (Keras on JAX)" SKIP "no time left" optional
  elif ! keras_ready; then
    record "compare managed,keras (Keras on JAX)" FAIL "Keras could not be made ready (see check.log)" optional
  else
    cat "$work/keras/SOURCE"
    # float64 in JAX needs x64; JAX would otherwise take most of the card's memory at its first use.
    if KERAS_BACKEND=jax JAX_ENABLE_X64=1 XLA_PYTHON_CLIENT_PREALLOCATE=false PYTHONPATH=$keras_path${PYTHONPATH:+:$PYTHONPATH} \
         BRIDGE_PYTHON=$(command -v "$python") timeout $(limit 20) "$tool" compare --backends managed,keras --data digits \
         --layers 64,32,10 --epochs 20 > "$work/keras.log" 2>&1; then
      record "compare managed,keras (Keras on JAX)" PASS "$(head -1 "$work/keras/SOURCE"): $(tail -1 "$work/keras.log")" optional
    else
      record "compare managed,keras (Keras on JAX)" FAIL "$(grep -m3 -iE 'keras|error|failed' "$work/keras.log" | tr '\n' ' ' | cut -c1-300)" optional
    fi
    tail -15 "$work/keras.log"
  fi
else
  if "${BRIDGE_PYTHON:-$python}" -c "import keras" > /dev/null 2>&1; then
    timeout 200 "$tool" compare --backends managed,keras --data xor --epochs 20 > "$work/keras.log" 2>&1 &&
      record "compare managed,keras (worker process)" PASS "$(tail -1 "$work/keras.log")" ||
      record "compare managed,keras (worker process)" FAIL "$(tail -3 "$work/keras.log" | tr '\n' ' ')"
  elif [ "${BRIDGE_REQUIRE_KERAS:-}" = 1 ]; then
    record "compare managed,keras (worker process)" FAIL "BRIDGE_REQUIRE_KERAS=1 and ${BRIDGE_PYTHON:-$python} cannot import keras"
  else
    record "compare managed,keras (worker process)" SKIP "${BRIDGE_PYTHON:-$python} cannot import keras (eval \"\$(bash ../shared/keras-env/build.sh)\" first)" optional
  fi
fi

finish
