"""Writes the first N training and M test images of Fashion-MNIST, with their labels, in Fashion-MNIST's own file
format (gzip'ed IDX), to a folder that BRIDGE_FASHION_MNIST can name: a subset small enough to carry.

    python3 build/gpu/fashion_subset.py SOURCE_DIR TARGET_DIR [TRAIN [TEST]]
"""
import gzip
import os
import struct
import sys

source, target = sys.argv[1], sys.argv[2]
counts = {"train": int(sys.argv[3]) if len(sys.argv) > 3 else 4000, "t10k": int(sys.argv[4]) if len(sys.argv) > 4 else 1000}
os.makedirs(target, exist_ok=True)
for split, count in counts.items():
    for kind, dims, item in (("images", 3, 28 * 28), ("labels", 1, 1)):
        name = f"{split}-{kind}-idx{dims}-ubyte.gz"
        with gzip.open(os.path.join(source, name)) as f:
            header = f.read(4 + 4 * dims)
            shape = struct.unpack(">" + "I" * dims, header[4:])
            if shape[0] < count:
                sys.exit(f"{name} holds {shape[0]} items, fewer than {count}")
            body = f.read(count * item)
        with gzip.open(os.path.join(target, name), "wb") as f:
            f.write(header[:4] + struct.pack(">" + "I" * dims, count, *shape[1:]) + body)
print(f"Fashion-MNIST subset: {counts['train']} training and {counts['t10k']} test images in {target}")
