"""The end of build/gpu/check.sh: the speed table (Bridge torch, raw TorchSharp and PyTorch eager on one device, the
fastest round of every alternation, with the fraction of the device's measured torch.mm rate) and the table of checks,
printed last and written to OUT/summary.md, the speed figures to OUT/speed.json. Exits 1 when a required check failed.
Speed targets are reported, not enforced: timings are evidence to read, not a gate.

    python3 build/gpu/summarize.py WORK_DIR OUT_DIR
"""
import glob
import json
import os
import sys

work, out = sys.argv[1], sys.argv[2]


def load(pattern):
    runs = []
    for path in sorted(glob.glob(os.path.join(work, "bench", pattern))):
        try:
            with open(path) as f:
                runs.append(json.load(f))
        except (OSError, ValueError):
            pass
    return runs


bridge_runs, pytorch_runs = load("bridge-*.json"), load("pytorch-*.json")
speed = {}
for run in bridge_runs:
    for f in run["figures"]:
        row = speed.setdefault((f["net"], f["batch_size"], f["precision"]), {"flops": f["flops_per_epoch"]})
        row["bridge"] = min(row.get("bridge", float("inf")), f["bridge_best"])
        row["raw"] = min(row.get("raw", float("inf")), f["raw_best"])
        row["peak"] = max(row.get("peak", 0), f["matmul_flops_per_second"])
for run in pytorch_runs:
    for f in run["figures"]:
        row = speed.setdefault((f["net"], f["batch_size"], f["precision"]), {"flops": f["flops_per_epoch"]})
        row["pytorch"] = min(row.get("pytorch", float("inf")), f["best"])
        row["pytorch_peak"] = max(row.get("pytorch_peak", 0), run["matmul_flops_per_second"][f["precision"]])


def ms(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.2f} ms"


def ratio(a, b, target):
    if a is None or b is None:
        return "-"
    r = a / b
    return f"{r:.2f} ({'met' if r >= target else 'MISSED'})"


lines = []
device = bridge_runs[0]["detail"] if bridge_runs else "no Bridge bench ran"
card = pytorch_runs[0].get("device_name") if pytorch_runs else None
lines.append(f"Speed on {card or (bridge_runs[0]['device'] if bridge_runs else '?')}: {device}")
if pytorch_runs:
    p = pytorch_runs[0]
    lines.append(f"PyTorch {p['torch']}; its float32 products: {'TF32' if p['tf32_matmul'] else 'IEEE float32'} (precision '{p['float32_matmul_precision']}')")
header = ("workload", "Bridge torch", "raw TorchSharp", "PyTorch eager", "raw/Bridge (≥0.95)", "PyTorch/Bridge (≥1.0)", "Bridge TFLOP/s", "of torch.mm")
rows = []
for (net, batch, precision), r in sorted(speed.items()):
    bridge = r.get("bridge")
    rate = r["flops"] / bridge if bridge else None
    peak = r.get("peak") or r.get("pytorch_peak")
    rows.append((f"{net} b{batch} {precision}", ms(bridge), ms(r.get("raw")), ms(r.get("pytorch")),
                 ratio(r.get("raw"), bridge, 0.95), ratio(r.get("pytorch"), bridge, 1.0),
                 "-" if rate is None else f"{rate / 1e12:.3g}", "-" if rate is None or not peak else f"{100 * rate / peak:.0f} % of {peak / 1e12:.3g}"))


def table(header, rows):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)] if rows else [len(h) for h in header]
    text = ["  ".join(str(h).ljust(w) for h, w in zip(header, widths)), "  ".join("-" * w for w in widths)]
    text += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    markdown = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(map(str, row)) + " |" for row in rows]
    return text, markdown


speed_text, speed_markdown = table(header, rows)

checks = []
with open(os.path.join(out, "results.tsv")) as f:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 3:
            checks.append((parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else "required"))
check_rows = [(name, status + ("" if kind == "required" else " (optional)"), detail[:150] + ("…" if len(detail) > 150 else ""))
              for name, status, detail, kind in checks]
check_text, check_markdown = table(("check", "result", "what was seen"), check_rows)

failed = [c for c in checks if c[1] == "FAIL" and c[3] == "required"]
passed = sum(1 for c in checks if c[1] == "PASS")
skipped = sum(1 for c in checks if c[1] == "SKIP")
optional_failed = sum(1 for c in checks if c[1] == "FAIL" and c[3] != "required")
verdict = f"{passed} passed, {len(failed)} failed, {skipped} skipped" + (f", {optional_failed} optional failed" if optional_failed else "")

with open(os.path.join(out, "summary.md"), "w") as f:
    f.write("\n".join(lines[:2]) + "\n\n" + "\n".join(speed_markdown) + "\n\n" + "\n".join(check_markdown) + f"\n\n{verdict}\n")
with open(os.path.join(out, "speed.json"), "w") as f:
    json.dump({"bridge": bridge_runs, "pytorch": pytorch_runs}, f, indent=1)

print("\n".join(lines))
print("\n".join(speed_text))
print()
print("\n".join(check_text))
print()
print(verdict)
sys.exit(1 if failed else 0)
