//! Test harness of the non-recurrent models (f64), in the manner of `cell::check`: the loss is
//! `L = Σ g ⊙ y` for a fixed `g`, so `dL/dy = g`; `backward` is checked against central
//! differences of `L` in every parameter of every block and in every input. Caches are
//! poisoned with NaN before the checked pass, so a value read before it is written (or a
//! gradient buffer accumulated without being cleared) shows up as a non-finite result.

use super::net::{Net, NetCache};
use crate::cell::check::{close, wave, EPS};
use crate::model::{BackwardOpts, Mode};

/// The forward of `net` on a fresh cache: the head output.
fn outputs(net: &Net<f64>, x: &[f64], t: usize, b: usize) -> Vec<f64> {
    let mut c = NetCache::default();
    net.forward(&mut c, x, t, b, Mode::Eval);
    c.y().to_vec()
}

/// `Σ g ⊙ y`.
fn loss(net: &Net<f64>, x: &[f64], t: usize, b: usize, g: &[f64]) -> f64 {
    outputs(net, x, t, b)
        .iter()
        .zip(g)
        .map(|(a, b)| a * b)
        .sum()
}

/// Fills every buffer of the cache with NaN (sizes unchanged, so the next pass reuses them).
fn poison(cache: &mut NetCache<f64>) {
    match cache {
        NetCache::Tcn(c) => c.poison(),
        NetCache::Attention(c) => c.poison(),
        NetCache::Recurrent(_) => {}
    }
}

/// Parameters `0.7 · sin(0.7 k + 0.4)` (so layer-norm gains are not all 1).
pub(crate) fn wave_params(net: &mut Net<f64>) {
    let n = net.n_params();
    net.params_mut().copy_from_slice(&wave(n, 0.7, 0.4, 0.7));
}

/// Checks `net`'s backward against central differences, for `t` steps and `b` samples:
/// every parameter (named by block, row, column), every input, the input gradient switch,
/// and that a poisoned cache gives the same results as a fresh one.
pub(crate) fn check_gradients(net: &Net<f64>, t: usize, b: usize) {
    let x = wave(t * b * net.input_size(), 1.3, 0.2, 0.9);
    let y = outputs(net, &x, t, b);
    let g: Vec<f64> = wave(y.len(), 0.45, 2.0, 1.0)
        .iter()
        .map(|v| v + 0.3)
        .collect();

    let mut cache = NetCache::default();
    net.forward(&mut cache, &wave(x.len(), 0.3, 0.0, 2.0), t, b, Mode::Eval); // size it
    poison(&mut cache);
    net.forward(&mut cache, &x, t, b, Mode::Eval);
    assert_eq!(
        cache.y(),
        &y[..],
        "a reused, poisoned cache changed the forward"
    );
    cache.dy_mut().copy_from_slice(&g);
    let want_dx = BackwardOpts {
        truncate: None,
        input_grad: true,
        ..BackwardOpts::default()
    };
    net.backward(&mut cache, want_dx);
    let (dp, dx) = (cache.grads().to_vec(), cache.dx().to_vec());
    assert!(
        dp.iter().chain(&dx).all(|v| v.is_finite()),
        "backward read a NaN"
    );
    net.backward(&mut cache, BackwardOpts::default());
    assert_eq!(
        cache.grads(),
        &dp[..],
        "dθ depends on whether dx is asked for"
    );

    let label = net.kind().label();
    let mut q = net.clone();
    for blk in &net.layout().blocks {
        for k in blk.range() {
            let p0 = net.params()[k];
            q.params_mut()[k] = p0 + EPS;
            let lp = loss(&q, &x, t, b, &g);
            q.params_mut()[k] = p0 - EPS;
            let lm = loss(&q, &x, t, b, &g);
            q.params_mut()[k] = p0;
            let (r, c) = ((k - blk.offset) / blk.cols, (k - blk.offset) % blk.cols);
            close(
                dp[k],
                (lp - lm) / (2.0 * EPS),
                &format!("{label} d{}[{r}][{c}]", blk.name),
            );
        }
    }
    let mut w = x.clone();
    for k in 0..x.len() {
        w[k] = x[k] + EPS;
        let lp = loss(net, &w, t, b, &g);
        w[k] = x[k] - EPS;
        let lm = loss(net, &w, t, b, &g);
        w[k] = x[k];
        close(dx[k], (lp - lm) / (2.0 * EPS), &format!("{label} dx[{k}]"));
    }
}
