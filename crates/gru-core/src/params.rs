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

/// What a block holds, which decides how it is initialised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockRole {
    /// Input-to-hidden weights (Xavier).
    Input,
    /// Hidden-to-hidden weights (orthogonal by default).
    Recurrent,
    /// A bias vector (zero).
    Bias,
    /// A bias vector initialised to a constant (e.g. LSTM forget bias 1).
    BiasConst(i8),
    /// A readout weight (Xavier).
    Head,
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
