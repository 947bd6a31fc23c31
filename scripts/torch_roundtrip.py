#!/usr/bin/env python3
"""PyTorch <-> gru-lens round trip, run against real torch (not needed on CI: its outputs are
committed under crates/gru-lab/tests/fixtures/ and read by crates/gru-lab/tests/torch_fixtures.rs).

  python3 scripts/torch_roundtrip.py          # both steps below
  python3 scripts/torch_roundtrip.py write    # (a) only
  python3 scripts/torch_roundtrip.py check    # (b) only

(a) write: builds torch.nn.GRU / LSTM / RNN + nn.Linear heads with fixed seeds and writes each
    state_dict as the JSON the page imports (docs/FORMATS.md, "PyTorch model in"), with a
    "reference": the input, h_n and the head's output that torch computed (float32).
(b) check: runs gru-lab's own export code natively (`cargo run --example torch_export`, which
    writes tests/fixtures/page_*.pytorch.json exactly as the page's "PyTorch JSON" button and
    tests/fixtures/page_*.reference.json with what gru-core computes on one input), loads each
    export into torch with load_state_dict(strict=True) and checks torch's h_n and prediction
    against gru-core's to 1e-6.
"""
import json
import os
import subprocess
import sys

import torch

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "crates", "gru-lab", "tests", "fixtures")
TOL = 1e-6

# (file stem, module class, input I, hidden H, layers, bidirectional, head outputs O, T)
MODELS = [
    ("torch_gru", torch.nn.GRU, 2, 8, 1, False, 1, 12),
    ("torch_lstm", torch.nn.LSTM, 2, 6, 2, True, 1, 10),
    ("torch_rnn", torch.nn.RNN, 2, 5, 1, False, 1, 9),
]


def export(rnn, head, x):
    """The page's import format: the state_dict as nested lists, the head as head.*, and a
    reference computed by torch on x (1, T, I)."""
    with torch.no_grad():
        out = rnn(x)
        h = out[1][0] if isinstance(rnn, torch.nn.LSTM) else out[1]  # h_n (L*D, 1, H)
        top = torch.cat([h[-2], h[-1]], -1) if rnn.bidirectional else h[-1]
        y = head(top)
    sd = {k: v.tolist() for k, v in rnn.state_dict().items()}
    sd.update({"head." + k: v.tolist() for k, v in head.state_dict().items()})
    sd["reference"] = {"input": x[0].tolist(), "h_T": h[:, 0].tolist(), "y": y[0].tolist()}
    return sd


def write():
    os.makedirs(FIXTURES, exist_ok=True)
    for seed, (stem, cls, i, hidden, layers, bi, o, t) in enumerate(MODELS):
        torch.manual_seed(100 + seed)
        rnn = cls(i, hidden, num_layers=layers, bidirectional=bi, batch_first=True)
        head = torch.nn.Linear(hidden * (2 if bi else 1), o)
        x = torch.randn(1, t, i)
        path = os.path.join(FIXTURES, stem + ".json")
        with open(path, "w") as f:
            json.dump(export(rnn, head, x), f)
        print("wrote", os.path.relpath(path, ROOT))


def check():
    subprocess.run(
        ["cargo", "run", "--quiet", "-p", "gru-lab", "--example", "torch_export", "--", FIXTURES],
        cwd=ROOT,
        check=True,
    )
    worst = 0.0
    for cell, cls in [("gru_torch", torch.nn.GRU), ("lstm", torch.nn.LSTM), ("rnn", torch.nn.RNN)]:
        with open(os.path.join(FIXTURES, f"page_{cell}.pytorch.json")) as f:
            sd = {k: torch.tensor(v) for k, v in json.load(f).items()}
        with open(os.path.join(FIXTURES, f"page_{cell}.reference.json")) as f:
            ref = json.load(f)
        i, hidden = sd["weight_ih_l0"].shape[1], sd["weight_hh_l0"].shape[1]
        layers = sum(1 for k in sd if k.startswith("weight_ih_l") and not k.endswith("_reverse"))
        bi = "weight_ih_l0_reverse" in sd
        o = sd["head.weight"].shape[0]
        rnn = cls(i, hidden, num_layers=layers, bidirectional=bi, batch_first=True)
        head = torch.nn.Linear(hidden * (2 if bi else 1), o)
        rnn.load_state_dict({k: v for k, v in sd.items() if not k.startswith("head.")}, strict=True)
        head.load_state_dict({"weight": sd["head.weight"], "bias": sd["head.bias"]}, strict=True)
        got = export(rnn, head, torch.tensor([ref["input"]]))["reference"]
        for key in ("h_T", "y"):
            a = torch.tensor(got[key]).flatten()
            b = torch.tensor(ref[key]).flatten()
            assert a.shape == b.shape, (cell, key, a.shape, b.shape)
            d = (a - b).abs().max().item()
            worst = max(worst, d)
            print(f"page {cell}: torch {key} vs gru-core: max |diff| {d:.2e} over {a.numel()} numbers")
            assert d <= TOL, f"{cell} {key}: {d} > {TOL}"
    print(f"ok: every page export loads into torch (strict) and matches to {worst:.1e} <= {TOL}")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("write", "all"):
        write()
    if what in ("check", "all"):
        check()
