//! Writing a [`Spec`] back as spec JSON, every field explicit, numbers in their shortest
//! round-trip form: `parse(&spec.to_json()?)` gives `spec` back bit for bit.

use super::{JacobianSpec, Loss, LossType, OneStep, Spec, Target};
use crate::json::{push_matrix, push_vector, quote};
use crate::trace::cells::Shape;
use crate::Error;

impl Spec {
    /// The spec as JSON text (TRACE_FORMAT.md): `input_size`, `hidden_size`, every weight
    /// (missing biases as zeros), `h0` (and `c0`), and the head, loss, `jacobians` and
    /// `one_step` as they were read. A `"final"` loss writes its last target row.
    ///
    /// # Errors
    /// [`Error::Format`] naming the field when a number is NaN or infinite, or an array does
    /// not have the spec's shape (possible only for a hand-built `Spec`).
    pub fn to_json(&self) -> Result<String, Error> {
        let (i, h, t) = (self.input, self.hidden, self.steps);
        let mut out = String::from("{\n  \"version\": 1,\n  \"cell\": ");
        out.push_str(&quote(self.cell.name()));
        if let Some(v) = self.cell.variant() {
            out.push_str(&format!(",\n  \"variant\": {}", quote(v)));
        }
        if let Some(n) = self.cell.nonlinearity() {
            out.push_str(&format!(",\n  \"nonlinearity\": {}", quote(n)));
        }
        out.push_str(&format!(
            ",\n  \"input_size\": {i},\n  \"hidden_size\": {h},\n  \"weights\": {{"
        ));
        for (k, (name, w)) in self.weights.iter().enumerate() {
            out.push_str(if k == 0 { "\n    " } else { ",\n    " });
            out.push_str(&format!("{}: ", quote(name)));
            let field = format!("weights.{name}");
            match self.cell.weights().iter().find(|d| d.name == *name) {
                Some(d) if d.shape == Shape::Bias => vector(&mut out, w, h, &field)?,
                Some(d) if d.shape == Shape::Input => matrix(&mut out, w, h, i, &field, "    ")?,
                Some(_) => matrix(&mut out, w, h, h, &field, "    ")?,
                None => return Err(Error::Format(format!("{field}: not a weight of this cell"))),
            }
        }
        out.push_str("\n  },\n  \"x\": ");
        matrix(&mut out, &self.x, t, i, "x", "  ")?;
        out.push_str(",\n  \"h0\": ");
        vector(&mut out, &self.h0, h, "h0")?;
        if self.cell.has_c() {
            out.push_str(",\n  \"c0\": ");
            vector(&mut out, &self.c0, h, "c0")?;
        }
        if let Some(hd) = &self.head {
            out.push_str(",\n  \"head\": {\"W_o\": ");
            matrix(&mut out, &hd.w, hd.out, h, "head.W_o", "  ")?;
            out.push_str(", \"b_o\": ");
            vector(&mut out, &hd.b, hd.out, "head.b_o")?;
            out.push('}');
        }
        if let Some(l) = &self.loss {
            out.push_str(",\n  \"loss\": ");
            loss(&mut out, l, t)?;
        }
        out.push_str(",\n  \"jacobians\": ");
        out.push_str(&jacobians(self.jacobians.as_ref()));
        out.push_str(",\n  \"one_step\": ");
        out.push_str(match self.one_step {
            OneStep::Full => "true",
            OneStep::Norms => "\"norms\"",
            OneStep::Off => "false",
        });
        out.push_str("\n}\n");
        Ok(out)
    }
}

/// Checks that `v` has `len` finite numbers.
fn check(v: &[f64], len: usize, field: &str) -> Result<(), Error> {
    if v.len() != len {
        return Err(Error::Format(format!(
            "{field}: {} numbers where the spec needs {len}",
            v.len()
        )));
    }
    match v.iter().position(|x| !x.is_finite()) {
        Some(k) => Err(Error::Format(format!(
            "{field}: element {k} is {} (not written)",
            v[k]
        ))),
        None => Ok(()),
    }
}

fn vector(out: &mut String, v: &[f64], n: usize, field: &str) -> Result<(), Error> {
    check(v, n, field)?;
    push_vector(out, v);
    Ok(())
}

fn matrix(
    out: &mut String,
    v: &[f64],
    rows: usize,
    cols: usize,
    field: &str,
    indent: &str,
) -> Result<(), Error> {
    check(v, rows * cols, field)?;
    if cols == 0 {
        out.push_str(&format!("[{}]", vec!["[]"; rows].join(", ")));
    } else {
        push_matrix(out, v, cols, indent);
    }
    Ok(())
}

fn loss(out: &mut String, l: &Loss, steps: usize) -> Result<(), Error> {
    let kind = match l.kind {
        LossType::Mse => "mse",
        LossType::CrossEntropy => "cross_entropy",
        LossType::Dot => "dot",
    };
    let at = if l.per_step { "per_step" } else { "final" };
    let sum = if l.sum { "sum" } else { "mean" };
    out.push_str(&format!(
        "{{\"type\": \"{kind}\", \"at\": \"{at}\", \"step_reduction\": \"{sum}\", \"target\": "
    ));
    match &l.target {
        Target::Classes(c) if l.per_step => out.push_str(&format!("{c:?}")),
        Target::Classes(c) => match c.last() {
            Some(k) => out.push_str(&k.to_string()),
            None => return Err(Error::Format("loss.target: no class index".into())),
        },
        Target::Values(v) => {
            let width = v.len() / steps.max(1);
            if l.per_step {
                matrix(out, v, steps, width, "loss.target", "  ")?;
            } else {
                let last = v.len().saturating_sub(width);
                vector(out, &v[last..], width, "loss.target")?;
            }
        }
    }
    out.push('}');
    Ok(())
}

fn jacobians(j: Option<&JacobianSpec>) -> String {
    match j {
        None => "false".into(),
        Some(j) => format!(
            "{{\"target_step\": {}, \"ks\": {:?}, \"matrices\": {}}}",
            j.target, j.ks, j.matrices
        ),
    }
}
