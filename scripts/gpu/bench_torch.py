#!/usr/bin/env python3
"""The device's PyTorch on the shapes of qopt-cuda-check bench, for the
comparison table of docs/Backends/CUDA.md: fp16 matmul (cuBLAS underneath)
and, where this PyTorch has it, its int4 weight-only kernel
(torch._weight_int4pack_mm, group 128). Median of 50 CUDA-event timings,
weights rotated over copies larger than L2. Prints one line per shape."""
import sys

try:
    import torch
except ImportError:
    print("bench_torch: no torch on this machine: skipped")
    sys.exit(0)
if not torch.cuda.is_available():
    print("bench_torch: no CUDA device: skipped")
    sys.exit(0)


def median_us(fn, reps=50):
    for i in range(5):
        fn(i)
    times = []
    for i in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record()
        fn(i)
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b) * 1000.0)
    times.sort()
    return times[len(times) // 2]


dev = torch.device("cuda")
print(f"torch {torch.__version__} on {torch.cuda.get_device_name(0)}")
for n, k in [(8192, 8192), (28672, 8192)]:
    weights = [torch.randn(n, k, device=dev, dtype=torch.float16) * 0.01 for _ in range(2)]
    int4 = None
    try:
        w_int = torch.randint(0, 16, (n, k), dtype=torch.int32, device=dev)
        packed = torch._convert_weight_to_int4pack(
            ((w_int[:, ::2] << 4) | w_int[:, 1::2]).to(torch.uint8), 8)
        sz = torch.ones(k // 128, n, 2, device=dev, dtype=torch.bfloat16)
        int4 = (packed, sz)
    except Exception as e:  # not every build/arch has it
        print(f"  int4pack unavailable: {type(e).__name__}: {str(e).splitlines()[0][:100]}")
    for m in (1, 16, 128):
        x = torch.randn(m, k, device=dev, dtype=torch.float16)
        fp16 = median_us(lambda i: torch.matmul(x, weights[i % 2].t()))
        line = f"m={m:<4} n={n:<6} k={k:<5} torch fp16 {fp16:8.1f} us"
        if int4 is not None:
            xb = x.to(torch.bfloat16)
            try:
                t4 = median_us(lambda i: torch._weight_int4pack_mm(xb, int4[0], 128, int4[1]))
                line += f"   torch int4 g128 {t4:8.1f} us"
            except Exception as e:
                line += f"   torch int4: {type(e).__name__}"
        print(line)
