//! Tests of the equations' MathML: surgery, the PyTorch GRU, one unit's numbers.

use super::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test(unsupported = test)]
fn surgery_rewrites_the_equations_it_changes() {
    let plain = gru_equations_under(&Surgery::default());
    assert!(!plain.contains('✂'));
    let cut = gru_equations_under(&Surgery {
        carry: Carry::Cut,
        ..Surgery::default()
    });
    assert!(
        cut.contains("carry cut") && !cut.contains("<mo>−</mo><msub><mi>z</mi>"),
        "{cut}"
    );
    let held = gru_equations_under(&Surgery {
        update: GateMode::Fixed(0.25),
        reset: GateMode::Fixed(1.0),
        ..Surgery::default()
    });
    assert!(held.contains("<mn>0.25</mn>") && held.contains("<mn>1</mn><mtext>  ✂ held"));
    assert!(
        held.contains("<mo>(</mo><mn>1</mn><mo>−</mo>"),
        "the blend row is unchanged"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn the_pytorch_gru_reads_as_torch_computes_it() {
    let plain = gru_torch_equations_under(&Surgery::default());
    // r scales the hidden product and its bias, after the matrix; two biases per gate.
    assert!(
        plain.contains("<mo>⊙</mo><mo>(</mo><msub><mi>W</mi><mi>hn</mi></msub>"),
        "{plain}"
    );
    assert!(plain.contains("<mi>b</mi><mi>iz</mi>") && plain.contains("<mi>b</mi><mi>hz</mi>"));
    assert!(!plain.contains('✂'));
    let held = gru_torch_equations_under(&Surgery {
        update: GateMode::Fixed(0.25),
        ..Surgery::default()
    });
    assert!(
        held.contains("<mn>0.75</mn><mtext>  ✂ held (z = 0.25)"),
        "{held}"
    );
    let tenths = gru_torch_equations_under(&Surgery {
        update: GateMode::Fixed(0.7),
        ..Surgery::default()
    });
    assert!(tenths.contains("<mn>0.3</mn>"), "no float noise: {tenths}");
    let cut = gru_torch_equations_under(&Surgery {
        carry: Carry::Cut,
        ..Surgery::default()
    });
    assert!(
        cut.contains("no z′ ⊙ h carry") && cut.contains("carry cut (z = 1)"),
        "{cut}"
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn pre_activations_invert_the_gates_and_the_update_recombines() {
    let u = UnitStep {
        z: gru_core::sigmoid(0.3f64),
        r: gru_core::sigmoid(-1.2f64),
        h_tilde: 0.5f64.tanh(),
        h_prev: -0.25,
        h: 0.0,
    };
    let (a, b, c) = u.pre();
    assert!((a - 0.3).abs() < 1e-12 && (b + 1.2).abs() < 1e-12 && (c - 0.5).abs() < 1e-12);
    assert!((u.recombined() - ((1.0 - u.z) * -0.25 + u.z * u.h_tilde)).abs() < 1e-15);
    let at = At {
        unit: 3,
        step: 7,
        dir: 0,
    };
    let m = unit_step_mathml(&at, &u, &Surgery::default());
    assert!(
        m.contains("<mn>0.300</mn>") && m.contains("<mn>−1.200</mn>") && m.contains("<mo>=7</mo>")
    );
    // z held at 0.3: its value, marked held, and no σ of a pre-activation it never had.
    let held = UnitStep { z: 0.3, ..u };
    let m = unit_step_mathml(
        &at,
        &held,
        &Surgery {
            update: GateMode::Fixed(0.3),
            ..Surgery::default()
        },
    );
    assert!(
        m.contains("<mn>0.300</mn><mtext>\u{a0}(held)</mtext>"),
        "{m}"
    );
    assert_eq!(m.matches("<mi>σ</mi>").count(), 1, "only r is σ(·): {m}");
    // The carry cut holds z at 1; r pinned at 1 is held too; a learned gate that is
    // exactly 1 in f64 has no finite pre-activation to print.
    let cut = UnitStep {
        z: 1.0,
        r: 1.0,
        ..u
    };
    let m = unit_step_mathml(
        &at,
        &cut,
        &Surgery {
            carry: Carry::Cut,
            reset: GateMode::Fixed(1.0),
            ..Surgery::default()
        },
    );
    assert!(!m.contains("σ") && !m.contains("—"), "{m}");
    let m = unit_step_mathml(&at, &cut, &Surgery::default());
    assert!(!m.contains("σ") && !m.contains("(held)"), "{m}");
}
