#!/usr/bin/env python3
"""PyTorch <-> gru-lens round trip, run against real torch (not needed on CI: its outputs are
committed under crates/gru-lab/tests/fixtures/ and read by crates/gru-lab/tests/torch_fixtures.rs).

  python3 scripts/torch_roundtrip.py          # both steps below
  python3 scripts/torch_roundtrip.py write    # (a) only
  python3 scripts/torch_roundtrip.py check    # (b) only
  python3 scripts/torch_roundtrip.py seq      # (b)'s TCN / attention part on files already written

(a) write: builds torch.nn.GRU / LSTM / RNN + nn.Linear heads with fixed seeds and writes each
    state_dict as the JSON the page imports (docs/FORMATS.md, "PyTorch model in"), with a
    "reference": the input, h_n and the head's output that torch computed (float32).
(b) check: runs gru-lab's own export code natively (`cargo run --example torch_export`, which
    writes tests/fixtures/page_*.pytorch.json exactly as the page's "PyTorch JSON" button and
    tests/fixtures/page_*.reference.json with what gru-core computes on one input), loads each
    export into torch with load_state_dict(strict=True) and checks torch's h_n and prediction
    against gru-core's to 1e-6.
    Then the TCN and attention exports (page_{tcn,attn}{,_per_step}.pytorch.json, also written
    by the example): each loads into scripts/seq_models.py's Tcn / Attn (strict, float32) built
    from its "gru_lens" args; torch's output on the file's check input must match the file's
    check y (gru-core's) to 1e-6, and is written as page_<stem>.torch.json for
    crates/gru-lab/tests/seq_torch_fixtures.rs, which rebuilds the model from the export and
    compares its own forward pass with torch's without torch.
"""
import json
import os
import subprocess
import sys

import torch

from seq_models import Attn, Tcn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "crates", "gru-lab", "tests", "fixtures")
TOL = 1e-6
SEQ_TOL = 1e-6  # f32, other sum orders (measured ≤ 3e-7 on the committed files)
SEQ_STEMS = ["page_tcn", "page_attn", "page_tcn_per_step", "page_attn_per_step"]

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
    check_seq()


def check_seq():
    """The TCN / attention exports (written by check()'s cargo run) against real torch."""
    worst = 0.0
    for stem in SEQ_STEMS:
        with open(os.path.join(FIXTURES, stem + ".pytorch.json")) as f:
            sd = json.load(f)
        meta = sd.pop("gru_lens")
        m = {"Tcn": Tcn, "Attn": Attn}[meta["module"]](**meta["args"])
        m.load_state_dict({k: torch.tensor(v, dtype=torch.float32) for k, v in sd.items()},
                          strict=True)
        m.eval()
        with torch.no_grad():
            y = m(torch.tensor([meta["check"]["input"]], dtype=torch.float32))  # (1, O) / (1, T, O)
        rows = y[0].reshape(-1, y.shape[-1])  # (R, O)
        want = torch.tensor(meta["check"]["y"], dtype=torch.float32)
        assert rows.shape == want.shape, (stem, rows.shape, want.shape)
        d = (rows - want).abs().max().item()
        worst = max(worst, d)
        print(f"{stem}: torch {meta['module']} y vs gru-core: max |diff| {d:.2e} "
              f"over {rows.numel()} numbers")
        assert d <= SEQ_TOL, f"{stem}: {d} > {SEQ_TOL}"
        with open(os.path.join(FIXTURES, stem + ".torch.json"), "w") as f:
            json.dump({"torch": torch.__version__, "y": rows.tolist()}, f)
    print(f"ok: every TCN / attention export loads into torch (strict) and matches to "
          f"{worst:.1e} <= {SEQ_TOL}")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    if what in ("write", "all"):
        write()
    if what in ("check", "all"):
        check()
    if what == "seq":
        check_seq()
