#!/usr/bin/env python3
"""The LSTM and Transformer training steps of bench_lstm / bench_transformer,
run in PyTorch in the same process run as the C++ benchmarks, with the ratio.

One step = forward, binary cross-entropy on logits, backward, gradient
clipping at norm 1, Adam; batch 64, sequence 60, 20 inputs, dropout 0.1, float,
one thread each side. Both sides report the median thread-CPU milliseconds.

Needs python3-torch (Debian: apt-get install python3-torch libopenblas0-pthread).
Usage, from the repository root after a build:
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/compare_torch.py [--build build]
Prints one JSON object per line.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time


def median_ms(fn, warm, reps):
    for _ in range(warm):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.thread_time()
        fn()
        times.append((time.thread_time() - t0) * 1e3)
    return statistics.median(times)


def cpp_step(build, name, metric):
    """The float step of the start kernel from a C++ benchmark's JSON lines."""
    exe = os.path.join(build, "bench", name)
    out = subprocess.run([exe], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        rec = json.loads(line)
        if rec["name"] == metric and rec.get("scalar") == "float" and rec.get("chosen_at_start"):
            return rec
    sys.exit(f"compare_torch: {exe} printed no {metric} line")


def torch_steps(torch):
    nn = torch.nn
    torch.manual_seed(1)
    seq, batch, inputs = 60, 64, 20
    y = (torch.rand(batch) < 0.5).float()

    class Lstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(inputs, 64)  # time-major, like mlTrainer's windows
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(64, 1)

        def forward(self, x):
            out, _ = self.lstm(x)
            return self.head(self.drop(out[-1])).squeeze(1)

    class Transformer(nn.Module):
        def __init__(self, d=64):
            super().__init__()
            self.embed = nn.Linear(inputs, d)
            pos = torch.zeros(seq, d)
            t = torch.arange(seq).unsqueeze(1).float()
            freq = torch.pow(10000.0, -torch.arange(0, d, 2).float() / d)
            pos[:, 0::2] = torch.sin(t * freq)
            pos[:, 1::2] = torch.cos(t * freq)
            self.register_buffer("pos", pos)
            layer = nn.TransformerEncoderLayer(d, 4, 128, dropout=0.1, batch_first=True,
                                               norm_first=True)
            self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(d)
            self.head = nn.Linear(d, 1)

        def forward(self, x):
            h = self.encoder(self.embed(x) + self.pos)
            return self.head(self.norm(h[:, -1])).squeeze(1)

    def stepper(model, x):
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = nn.BCEWithLogitsLoss()
        model.train()

        def step():
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            return loss.item()

        return step

    lstm_step = stepper(Lstm(), torch.randn(seq, batch, inputs))
    tr_step = stepper(Transformer(), torch.randn(batch, seq, inputs))
    for step in (lstm_step, tr_step):
        if not math.isfinite(step()):
            sys.exit("compare_torch: PyTorch step gave a non-finite loss")
    return {"lstm": median_ms(lstm_step, 3, 30), "transformer": median_ms(tr_step, 3, 20)}


def cpu_capability(torch):
    """PyTorch's own vector level ("AVX2", ...) as its build configuration states it."""
    for line in torch.__config__.show().splitlines():
        if "CPU capability usage:" in line:
            return line.split(":", 1)[1].strip()
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default="build", help="CMake build directory (default: build)")
    args = ap.parse_args()
    # One thread on both sides: OpenBLAS and OpenMP would otherwise start their own.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    try:
        import torch
    except ImportError:
        sys.exit("compare_torch: python3-torch is not installed (apt-get install python3-torch "
                 "libopenblas0-pthread), run it with /usr/bin/python3")
    torch.set_num_threads(1)
    theirs = torch_steps(torch)
    for net, exe in (("lstm", "bench_lstm"), ("transformer", "bench_transformer")):
        ours = cpp_step(args.build, exe, f"{net}_train_step")
        print(json.dumps({
            "name": f"{net}_train_step_vs_pytorch", "value": round(theirs[net] / ours["value"], 2),
            "unit": "x", "mltrainer_ms": ours["value"], "pytorch_ms": round(theirs[net], 3),
            "kernel": ours["kernel"], "pytorch": torch.__version__,
            "pytorch_cpu": cpu_capability(torch),
            "threads": 1, "clock": "thread_cpu", "aim": 3}))


if __name__ == "__main__":
    main()
