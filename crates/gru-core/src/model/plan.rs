//! The one place a model's cells and parameter layout are built from its config: used by
//! [`super::Model::zeros`] and by the checkpoint reader (which checks weights against the
//! layout before allocating a model). Each block carries its [`BlockRole`], so initialisation
//! reads roles off the layout instead of re-deriving them.

use std::ops::Range;

use super::ModelConfig;
use crate::cell::{AnyCell, CellShape};
use crate::params::{BlockRole, BlockSpec, Layout};

/// Which stretch of the flat parameter vector belongs to one cell (layer `l`, direction `d`).
#[derive(Clone, Debug, PartialEq)]
pub struct CellSlot {
    /// The cell.
    pub cell: AnyCell,
    /// Its parameters' range in [`super::Model::params`].
    pub range: Range<usize>,
    /// Layer index.
    pub layer: usize,
    /// Direction index (0 forward, 1 backward).
    pub dir: usize,
}

/// A model's cells and layout, without parameters.
pub(crate) struct Plan {
    /// Every block: cells in slot order, then the head.
    pub layout: Layout,
    /// Cells in order `(layer 0, fwd), (layer 0, bwd), (layer 1, fwd), …`.
    pub slots: Vec<CellSlot>,
    /// Range of the head `[W_o (D, O), b_o (O)]`, `D = H · directions`.
    pub head: Range<usize>,
}

/// Builds the cells and parameter layout of `config` (assumed validated): blocks
/// `l{layer}.{fwd|bwd}.{name}` per cell, then `head.W_o`, `head.b_o`.
pub(crate) fn plan(config: &ModelConfig) -> Plan {
    let nd = config.direction.count();
    let d = config.hidden * nd; // width of a layer's output [h_fwd, h_bwd]
    let mut layout = Layout::default();
    let mut slots = Vec::with_capacity(config.layers * nd);
    for layer in 0..config.layers {
        let input = if layer == 0 { config.input } else { d };
        for dir in 0..nd {
            let cell = AnyCell::new(config.cell, input, config.hidden).with_surgery(config.surgery);
            let prefix = format!("l{layer}.{}", if dir == 0 { "fwd" } else { "bwd" });
            let range = layout.push(&prefix, &cell.blocks());
            slots.push(CellSlot {
                cell,
                range,
                layer,
                dir,
            });
        }
    }
    let head = layout.push(
        "head",
        &[
            BlockSpec::new("W_o", d, config.output, BlockRole::HeadWeight),
            BlockSpec::new("b_o", config.output, 1, BlockRole::HeadBias),
        ],
    );
    Plan {
        layout,
        slots,
        head,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::CellKind;
    use crate::model::Direction;

    #[test]
    fn blocks_carry_their_roles_and_the_head_comes_last() {
        let cfg = ModelConfig::new(CellKind::Gru, 2, 3, 4)
            .layers(2)
            .direction(Direction::Bidirectional);
        let p = plan(&cfg);
        let names: Vec<(&str, BlockRole)> = p
            .layout
            .blocks
            .iter()
            .map(|b| (b.name.as_str(), b.role))
            .collect();
        assert_eq!(names.len(), 4 * 4 + 2);
        assert_eq!(names[0], ("l0.fwd.W", BlockRole::Input));
        assert_eq!(names[5], ("l0.bwd.U_zr", BlockRole::Recurrent));
        assert_eq!(names[15], ("l1.bwd.b", BlockRole::Bias));
        assert_eq!(names[16], ("head.W_o", BlockRole::HeadWeight));
        assert_eq!(names[17], ("head.b_o", BlockRole::HeadBias));
        // Layer 1 reads [h_fwd, h_bwd]: its W is (2H, 3H).
        let w1 = p.layout.find("l1.fwd.W").map(|b| (b.rows, b.cols));
        assert_eq!(w1, Some((6, 9)));
        assert_eq!(p.slots[3].range, p.layout.blocks[12].offset..p.head.start);
    }
}
