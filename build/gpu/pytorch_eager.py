"""The training that `bridge-nn bench --device` times, written as one writes it in PyTorch: an nn.Sequential of Linear
and ReLU layers, torch.optim.SGD, F.cross_entropy on the logits, the data set on the device as tensors, each epoch's
order a randperm on the device, batches index_select'ed, nothing read back until the epoch's end. Same networks, same
generated data shape (inputs in [0, 1), ten classes), same rounds, and the device's torch.mm rate, so the figures
stand beside Bridge's; the one number that differs in kind is Python's own cost per call, which is what is compared.

    python3 build/gpu/pytorch_eager.py --device cuda --nets 784-256-10:128,784-4096-4096-10:1024 --rounds 5 --json p.json
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def parse_net(text):
    widths, batch = text.split(":")
    return [int(w) for w in widths.split("-")], int(batch)


def finish(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def matmul_rate(device, dtype):
    n = 8192 if device.type == "cuda" else 1024
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    best = float("inf")
    for i in range(7):
        finish(device)
        start = time.perf_counter()
        a.mm(b)
        finish(device)
        if i >= 2:  # the first products warm the library up
            best = min(best, time.perf_counter() - start)
    return 2.0 * n ** 3 / best


def flops_per_sample(widths):
    products = sum(widths[l] * widths[l + 1] for l in range(len(widths) - 1))
    return 6 * products - 2 * widths[0] * widths[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--nets", default="784-256-10:128,784-4096-4096-10:1024")
    parser.add_argument("--samples", type=int, default=60000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.cuda.init()
    result = {
        "torch": torch.__version__,
        "device": str(device),
        "device_name": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "tf32_matmul": bool(torch.backends.cuda.matmul.allow_tf32),
        "float32_matmul_precision": torch.get_float32_matmul_precision(),
        "matmul_flops_per_second": {name: matmul_rate(device, dtype) for name, dtype in (("float32", torch.float32), ("float64", torch.float64))},
        "figures": [],
    }
    for name, rate in result["matmul_flops_per_second"].items():
        print(f"torch.mm on {device}, {name}: {rate / 1e12:.2f} TFLOP/s", flush=True)
    for text in args.nets.split(","):
        widths, batch = parse_net(text)
        for precision, dtype in (("float32", torch.float32), ("float64", torch.float64)):
            torch.manual_seed(0)
            x = torch.rand(args.samples, widths[0], device=device, dtype=dtype)
            y = torch.randint(0, widths[-1], (args.samples,), device=device)
            layers = []
            for l in range(len(widths) - 1):
                layers.append(torch.nn.Linear(widths[l], widths[l + 1]))
                if l < len(widths) - 2:
                    layers.append(torch.nn.ReLU())
            model = torch.nn.Sequential(*layers).to(device=device, dtype=dtype)
            optimizer = torch.optim.SGD(model.parameters(), lr=0.01)

            def epoch():
                start = time.perf_counter()
                order = torch.randperm(args.samples, device=device)
                for first in range(0, args.samples, batch):
                    rows = order[first:first + batch]
                    optimizer.zero_grad(set_to_none=True)
                    loss = F.cross_entropy(model(x.index_select(0, rows)), y.index_select(0, rows))
                    loss.backward()
                    optimizer.step()
                finish(device)
                return time.perf_counter() - start

            epoch()  # warm-up
            times = [epoch() for _ in range(args.rounds)]
            best, median = min(times), statistics.median(times)
            print(f"PyTorch eager on {device}: {text} {precision}: {best * 1e3:.2f} ms (median {median * 1e3:.2f} ms) per epoch", flush=True)
            result["figures"].append({"net": "-".join(map(str, widths)), "batch_size": batch, "precision": precision, "samples": args.samples,
                                      "best": best, "median": median, "flops_per_epoch": flops_per_sample(widths) * args.samples})
            del model, optimizer, x, y
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
