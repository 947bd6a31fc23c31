use super::*;
use gru_core::model::{Init, Model};

const CELLS: [CellKind; 5] = [
    CellKind::Gru,
    CellKind::GruTorch,
    CellKind::Lstm,
    CellKind::RnnTanh,
    CellKind::RnnRelu,
];

/// The cost of a `layers`-deep, `dirs`-directional model read once per sequence.
#[allow(clippy::too_many_arguments)] // every size of the model, spelled out per test case
fn cell_cost(
    cell: CellKind,
    input: usize,
    hidden: usize,
    layers: usize,
    dirs: usize,
    output: usize,
    t: usize,
    batch: usize,
) -> CellCost {
    let cfg = model_config(cell, input, hidden, layers, dirs, output, Readout::Final);
    from_config(&cfg, t, batch)
}

#[test]
fn params_equal_the_built_models_for_every_cell_depth_and_direction() {
    for cell in CELLS {
        for layers in 1..=3 {
            for dirs in [1, 2] {
                for h in [1, 5, 16, 33] {
                    let c = cell_cost(cell, 3, h, layers, dirs, 2, 10, 4);
                    let cfg = model_config(cell, 3, h, layers, dirs, 2, Readout::Final);
                    let m = Model::<f32>::new(cfg, Init::XavierOrthogonal, 1).expect("valid");
                    let what = format!("{cell:?} L{layers} D{dirs} H{h}");
                    assert_eq!(c.params, m.n_params(), "{what}");
                    assert_eq!(params(cell, 3, h, layers, dirs, 2), c.params, "{what}");
                    assert!(c.expanded.ends_with(&format!("= {}", c.params)), "{what}");
                    let (sum, _) = c.expanded.rsplit_once(" = ").expect("a sum");
                    assert_eq!(
                        crate::tooltip_sum::eval(sum),
                        c.params as u64,
                        "{what}: {sum}"
                    );
                    // Recurrent layers + the head (D·H + 1)·O = the whole model.
                    assert_eq!(c.recurrent_params + (dirs * h + 1) * 2, c.params, "{what}");
                }
            }
        }
    }
}

/// `sum(p.numel() for p in nn.X(...).parameters())` in PyTorch 2.x (two bias vectors per
/// block), worked by hand: nn.GRU(1, 32): 96·1 + 96·32 + 96 + 96 = 3360 = 3·(1+32+2)·32.
/// nn.LSTM(1, 32): 4·(1+32+2)·32 = 4480. nn.RNN(1, 32): (1+32+2)·32 = 1120.
/// nn.GRU(10, 20, num_layers=2, bidirectional=True): layer 0 2·3·(10+20+2)·20 = 3840,
/// layer 1 reads 40: 2·3·(40+20+2)·20 = 7440; 11280.
#[test]
fn the_pytorch_layout_matches_torchs_parameter_counts() {
    let head = |d: usize, h: usize, o: usize| (d * h + 1) * o;
    let torch = [
        (CellKind::GruTorch, 1, 32, 1, 1, 3360),
        (CellKind::Lstm, 1, 32, 1, 1, 4480),
        (CellKind::RnnTanh, 1, 32, 1, 1, 1120),
        (CellKind::GruTorch, 10, 20, 2, 2, 11280),
    ];
    for (cell, i, h, layers, dirs, want) in torch {
        let got = params(cell, i, h, layers, dirs, 1) - head(dirs, h, 1);
        assert_eq!(got, want, "{cell:?}({i}, {h}) ×{layers} D{dirs}");
    }
    // The app's GRU keeps one bias per block: 3·(1+32+1)·32 = 3264, 96 fewer than torch's.
    assert_eq!(params(CellKind::Gru, 1, 32, 1, 1, 1) - head(1, 32, 1), 3264);
    assert_eq!(formula(CellKind::Gru), "3·(I+H+1)·H");
    assert_eq!(formula(CellKind::Lstm), "4·(I+H+2)·H");
    assert_eq!(formula(CellKind::RnnTanh), "(I+H+2)·H");
    let c = cell_cost(CellKind::GruTorch, 10, 20, 2, 2, 1, 5, 1);
    assert_eq!(
        c.expanded,
        "2×3·(10+20+2)·20 + 2×3·(40+20+2)·20 + (40+1)·1 = 11321"
    );
}

#[test]
fn flops_and_memory_follow_t_and_the_batch() {
    // gru-bench's convention: 18·B·T·H(I+H) for the GRU layer, plus 3·2·B·H·O for the head.
    let c = cell_cost(CellKind::Gru, 2, 32, 1, 1, 1, 50, 32);
    assert_eq!(c.flops_per_step, 18 * 32 * 50 * 32 * 34 + 3 * 2 * 32 * 32);
    let c2 = cell_cost(CellKind::Gru, 2, 32, 1, 1, 1, 50, 64);
    assert_eq!(c2.flops_per_step, 2 * c.flops_per_step);
    assert_eq!(c2.activation_bytes, 2 * c.activation_bytes);
    // Per sequence the GRU keeps (T+1)·H states, T·4H gate caches, T·I inputs, T·H outputs.
    let per_seq = (51 * 32 + 50 * 4 * 32 + 50 * 2 + 50 * 32) * 4;
    assert_eq!(c.activation_bytes, 32 * per_seq as u64);
    let lstm = cell_cost(CellKind::Lstm, 2, 32, 1, 1, 1, 50, 32);
    assert!(lstm.flops_per_step > c.flops_per_step && lstm.params > c.params);
}

#[test]
fn cost_of_a_train_config_uses_the_tasks_shape() {
    let cfg = TrainConfig::default(); // adding problem, T = 30, I = 2, O = 1, final readout
    let c = cost_of(&cfg).expect("valid");
    assert_eq!(c, cell_cost(CellKind::Gru, 2, 16, 1, 1, 1, 30, 32));
    let tr = gru_core::Trainer::<f32>::new(cfg).expect("valid");
    assert_eq!(c.params, tr.net.params().len());
}

#[test]
fn the_budget_gives_the_largest_hidden_size_that_fits() {
    for cell in CELLS {
        for (layers, dirs) in [(1, 1), (2, 2), (3, 1)] {
            for budget in [10, 500, 881, 3000, 40_000] {
                let h = hidden_for_budget(cell, budget, 2, layers, dirs, 1, 512);
                let p = |h| params(cell, 2, h, layers, dirs, 1);
                if h > 0 {
                    assert!(p(h) <= budget, "{cell:?} {budget}: H {h} fits");
                }
                assert!(p(h + 1) > budget, "{cell:?} {budget}: H {} does not", h + 1);
            }
        }
    }
    // The GRU's own size is its budget; the LSTM gets fewer units, the RNN more.
    let gru = params(CellKind::Gru, 2, 16, 1, 1, 1);
    assert_eq!(hidden_for_budget(CellKind::Gru, gru, 2, 1, 1, 1, 128), 16);
    assert_eq!(hidden_for_budget(CellKind::Lstm, gru, 2, 1, 1, 1, 128), 13);
    assert!(hidden_for_budget(CellKind::RnnTanh, gru, 2, 1, 1, 1, 128) > 16);
    assert_eq!(hidden_for_budget(CellKind::Lstm, 5, 2, 1, 1, 1, 128), 0);
    assert_eq!(
        hidden_for_budget(CellKind::RnnTanh, 1 << 30, 2, 1, 1, 1, 128),
        128
    );
}

#[test]
fn pytorch_counts_keep_two_bias_vectors() {
    // nn.GRU(2, 16): weight_ih 48×2, weight_hh 48×16, bias_ih 48, bias_hh 48 = 960.
    assert_eq!(
        torch_params(CellKind::Gru, 2, 16),
        48 * 2 + 48 * 16 + 48 + 48
    );
    assert_eq!(
        torch_params(CellKind::Lstm, 2, 16),
        64 * 2 + 64 * 16 + 64 + 64
    );
    assert_eq!(
        torch_params(CellKind::RnnTanh, 2, 16),
        16 * 2 + 16 * 16 + 16 + 16
    );
    // The torch-layout cells are exactly PyTorch's count; the page's GRU has 3·H fewer.
    for k in [CellKind::GruTorch, CellKind::Lstm, CellKind::RnnTanh] {
        assert_eq!(k.layer_params(3, 7), torch_params(k, 3, 7), "{k:?}");
    }
    assert_eq!(CellKind::Gru.layer_params(2, 16), 912);
    assert_eq!(torch_params(CellKind::Gru, 2, 16) - 912, 3 * 16);
    assert_eq!(CellKind::Lstm.layer_params(2, 16), 1280);
}
