#!/usr/bin/env python3
"""One-thread PyTorch timing of gru-bench's task, for the ratio in issue 13 (not run in CI):
`python3 scripts/torch_bench.py T H B` (e.g. 50 128 32) trains nn.GRU(2, H) + Linear(H, 1)
with Adam and MSE on the adding problem and prints the median steps/s of five 1.5 s runs,
to set beside `cargo run --release -p gru-core --bin gru-bench -- --T 50 --H 128 --B 32`.
Run the two alternately in the same minute on a shared machine.
A fourth argument N trains exactly N steps after the warm-up and prints nothing else, for
whole-process timing beside `gru-bench --steps N`."""
import sys, time, torch
torch.set_num_threads(1)
T, H, B = (int(a) for a in sys.argv[1:4])
torch.manual_seed(0)
gru = torch.nn.GRU(2, H, batch_first=True); head = torch.nn.Linear(H, 1)
opt = torch.optim.Adam(list(gru.parameters()) + list(head.parameters()), lr=1e-3, eps=1e-7)
def batch():
    x = torch.zeros(B, T, 2); x[:, :, 0] = torch.rand(B, T)
    i1 = torch.randint(0, T // 2, (B,)); i2 = torch.randint(T // 2, T, (B,))
    r = torch.arange(B); x[r, i1, 1] = 1; x[r, i2, 1] = 1
    return x, (x[r, i1, 0] + x[r, i2, 0]).unsqueeze(1)
def step():
    x, y = batch(); opt.zero_grad(); o, h = gru(x); loss = ((head(o[:, -1]) - y) ** 2).mean(); loss.backward(); opt.step()
for _ in range(5): step()
if len(sys.argv) > 4:
    for _ in range(int(sys.argv[4])): step()
    sys.exit(0)
rates = []
for _ in range(5):
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < 1.5: step(); n += 1
    rates.append(n / (time.perf_counter() - t0))
rates.sort(); print(f"torch T={T} H={H} B={B}: median {rates[2]:.1f} steps/s (min {rates[0]:.1f} max {rates[4]:.1f})")
