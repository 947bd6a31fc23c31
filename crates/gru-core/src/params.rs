//! Flat parameter storage with named blocks: one `Vec` holds every weight of a model, so the
//! optimiser, gradient clipping, finite differences and checkpoints all walk one slice.

use serde::{Deserialize, Serialize};

/// A named matrix (or vector, `cols == 1`) inside a flat parameter vector.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// Full name, e.g. `"l0.fwd.U_z"` or `"head.W_o"`.
    pub name: String,
    /// Rows of the matrix.
    pub rows: usize,
    /// Columns of the matrix (1 for a bias vector).
    pub cols: usize,
    /// Offset of element (0, 0) in the flat vector; the block is row-major.
    pub offset: usize,
    /// What the block holds (decides its initialisation).
    pub role: BlockRole,
}

impl Block {
    /// Number of scalars in the block.
    pub fn len(&self) -> usize {
        self.rows * self.cols
    }
    /// True for an empty block.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The index range of the block in the flat vector.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.len()
    }
}

/// What a block holds, which decides how it is initialised ([`crate::model::Init`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockRole {
    /// A cell's input-to-hidden weights `(I, G·H)` (Xavier per gate).
    Input,
    /// A cell's hidden-to-hidden weights `(H, G·H)` (orthogonal per gate by default).
    Recurrent,
    /// A cell's bias vector (zero, or PyTorch-uniform).
    Bias,
    /// The readout weight `W_o (D, O)` (Xavier over the whole block).
    HeadWeight,
    /// The readout bias `b_o (O)` (always zero).
    HeadBias,
}

/// Shape of one block before it is placed: local name (e.g. `"U_z"`), rows, cols, role.
#[derive(Clone, Debug)]
pub struct BlockSpec {
    /// Local name within its cell, e.g. `"W_z"`.
    pub name: &'static str,
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// How it is initialised.
    pub role: BlockRole,
}

impl BlockSpec {
    /// A new block spec.
    pub const fn new(name: &'static str, rows: usize, cols: usize, role: BlockRole) -> Self {
        Self {
            name,
            rows,
            cols,
            role,
        }
    }
    /// Number of scalars in the block.
    pub const fn len(&self) -> usize {
        self.rows * self.cols
    }
    /// True for an empty block.
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A cell's parameter slice cut into its `N` blocks, in `specs` order (the slice may be longer
/// than the blocks; the rest is ignored). This is how a cell reads its layout, so the layout is
/// written once, in the cell's `specs()`.
pub fn split<'a, T, const N: usize>(p: &'a [T], specs: &[BlockSpec; N]) -> [&'a [T]; N] {
    let mut rest = p;
    std::array::from_fn(|k| {
        let (blk, r) = rest.split_at(specs[k].len());
        rest = r;
        blk
    })
}

/// [`split`] for a mutable slice (gradients).
pub fn split_mut<'a, T, const N: usize>(
    p: &'a mut [T],
    specs: &[BlockSpec; N],
) -> [&'a mut [T]; N] {
    let mut rest = p;
    let mut out: [&'a mut [T]; N] = std::array::from_fn(|_| Default::default());
    for (o, s) in out.iter_mut().zip(specs) {
        let (blk, r) = std::mem::take(&mut rest).split_at_mut(s.len());
        *o = blk;
        rest = r;
    }
    out
}

/// The layout of every parameter of a model: an ordered list of blocks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// Blocks in storage order, contiguous.
    pub blocks: Vec<Block>,
}

impl Layout {
    /// Appends blocks under `prefix` (e.g. `"l0.fwd"`) and returns the range they occupy.
    pub fn push(&mut self, prefix: &str, specs: &[BlockSpec]) -> std::ops::Range<usize> {
        let start = self.len();
        let mut offset = start;
        for s in specs {
            let name = if prefix.is_empty() {
                s.name.to_string()
            } else {
                format!("{prefix}.{}", s.name)
            };
            self.blocks.push(Block {
                name,
                rows: s.rows,
                cols: s.cols,
                offset,
                role: s.role,
            });
            offset += s.rows * s.cols;
        }
        start..offset
    }
    /// Total number of scalars.
    pub fn len(&self) -> usize {
        self.blocks.last().map_or(0, |b| b.offset + b.len())
    }
    /// True when the layout holds no parameter.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The block with this full name.
    pub fn find(&self, name: &str) -> Option<&Block> {
        self.blocks.iter().find(|b| b.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_cuts_the_blocks_where_the_layout_places_them() {
        let specs = [
            BlockSpec::new("W", 2, 3, BlockRole::Input),
            BlockSpec::new("U", 3, 3, BlockRole::Recurrent),
            BlockSpec::new("b", 3, 1, BlockRole::Bias),
        ];
        let mut layout = Layout::default();
        let range = layout.push("l0.fwd", &specs);
        let mut p: Vec<usize> = (0..range.end + 2).collect(); // two trailing values ignored
        let parts = split(&p, &specs);
        for (part, blk) in parts.iter().zip(&layout.blocks) {
            assert_eq!(*part, &p[blk.range()], "{}", blk.name);
        }
        let [_, u, b] = split_mut(&mut p, &specs);
        u[0] = 100;
        b[2] = 200;
        assert_eq!((p[6], p[17]), (100, 200));
        let roles: Vec<BlockRole> = layout.blocks.iter().map(|b| b.role).collect();
        assert_eq!(
            roles,
            [BlockRole::Input, BlockRole::Recurrent, BlockRole::Bias]
        );
    }
}
