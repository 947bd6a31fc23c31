"""PyTorch twins of gru-lens's TCN and causal attention model (crates/gru-core/src/seq), the
one definition: crates/gru-core/tests/fixtures/gen_seq_models.py imports these to make the
gradient fixtures, and the page's "PyTorch JSON" button writes state_dicts for them
(docs/FORMATS.md, "PyTorch model out"). Copy this file next to your code and load an export:

    import json, torch
    from seq_models import Tcn, Attn
    sd = json.load(open("gru-lens-tcn-adding-step500.pytorch.json"))
    meta = sd.pop("gru_lens")              # {"module": "Tcn", "args": {...}, "check": {...}}
    m = {"Tcn": Tcn, "Attn": Attn}[meta["module"]](**meta["args"])
    m.load_state_dict({k: torch.tensor(v) for k, v in sd.items()})
    y = m(torch.tensor([meta["check"]["input"]]))   # x (B, T, I) -> y (B, O) or (B, T, O)
    # y[0] equals meta["check"]["y"], what gru-lens computed, to ~1e-6

Both read x (B, T, I) batch-first and return the head's output: (B, O) from the last step,
or (B, T, O) with per_step=True.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class Tcn(nn.Module):
    """Causal TCN: level l is a Conv1d of kernel k and dilation 2**l, left-padded by
    (k-1)*2**l so step t reads only x[<= t]; h_l = act(conv(h_{l-1})) + res(h_{l-1}), where
    res is the identity, or a 1x1 Conv1d where the channel count changes (level 0 when
    input != channels); then an nn.Linear head."""

    def __init__(self, input, channels, levels, kernel, activation, output, per_step=False):
        super().__init__()
        self.k, self.act, self.per_step = kernel, activation, per_step
        self.convs = nn.ModuleList()
        self.res = nn.ModuleList()
        for l in range(levels):
            cin = input if l == 0 else channels
            self.convs.append(nn.Conv1d(cin, channels, kernel, dilation=2**l))
            self.res.append(nn.Conv1d(cin, channels, 1) if cin != channels else None)
        self.head = nn.Linear(channels, output)

    def forward(self, x):  # x (B, T, I)
        h = x.transpose(1, 2)  # (B, C, T)
        for l, conv in enumerate(self.convs):
            a = conv(F.pad(h, ((self.k - 1) * 2**l, 0)))
            phi = torch.relu(a) if self.act == "relu" else torch.tanh(a)
            res = h if self.res[l] is None else self.res[l](h)
            h = phi + res
        h = h.transpose(1, 2)  # (B, T, C)
        return self.head(h if self.per_step else h[:, -1])


def sinusoidal(t, d):
    """(t, d) table of Vaswani et al., computed in float64: PE[p, 2i] = sin(p / 10000^(2i/d)),
    PE[p, 2i+1] = cos(same angle)."""
    pe = torch.zeros(t, d, dtype=torch.float64)
    pos = torch.arange(t, dtype=torch.float64)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float64) * (-math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(pos * div)
    pe[:, 1::2] = torch.cos(pos * div[: d // 2])
    return pe


class Attn(nn.Module):
    """One layer of causal self-attention: e = inp(x) + positions (a learned (max_len, D)
    parameter `pos`, or sinusoidal with max_len=None), a pre-LN
    nn.TransformerEncoderLayer(dropout=0, relu, norm_first=True) under a causal mask, then
    LayerNorm ln_f and an nn.Linear head."""

    def __init__(self, input, d_model, heads, ffn, output, max_len=None, per_step=False):
        super().__init__()
        self.d, self.per_step = d_model, per_step
        self.inp = nn.Linear(input, d_model)
        self.pos = nn.Parameter(0.1 * torch.randn(max_len, d_model)) if max_len else None
        self.layer = nn.TransformerEncoderLayer(
            d_model, heads, ffn, dropout=0.0, activation="relu", batch_first=True,
            norm_first=True,
        )
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, output)

    def mask(self, t, dtype):
        return nn.Transformer.generate_square_subsequent_mask(t, dtype=dtype)

    def embed(self, x):  # x (B, T, I) -> e (B, T, D)
        t = x.shape[1]
        pos = self.pos if self.pos is not None else sinusoidal(t, self.d).to(x.dtype)
        return self.inp(x) + pos[:t]

    def forward(self, x):  # x (B, T, I)
        e = self.embed(x)
        r2 = self.layer(e, src_mask=self.mask(x.shape[1], x.dtype), is_causal=True)
        return self.head(self.ln_f(r2 if self.per_step else r2[:, -1]))

    def attention_weights(self, x):
        """P (B, heads, T, T) of the layer, from nn.MultiheadAttention itself."""
        e = self.embed(x)
        a = self.layer.norm1(e)
        _, w = self.layer.self_attn(
            a, a, a, attn_mask=self.mask(x.shape[1], x.dtype), need_weights=True,
            average_attn_weights=False,
        )
        return w
