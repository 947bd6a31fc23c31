//! Every kernel against a naive triple loop, in f32 and f64, on ragged shapes with padded
//! leading dimensions so full tiles, edge rows, one-register and one-lane edge columns and
//! `k mod 4` tails all run; padding must come out untouched.

use super::*;

/// Shapes `(m, k, n)` covering 4×8 / 4×4 tiles, edge rows (m mod 4), edge columns
/// (n mod 8, n mod 4), dot tails (k mod 4), one- and two-row products, plus empty products.
const SHAPES: &[(usize, usize, usize)] = &[
    (1, 1, 1),
    (1, 3, 5),
    (4, 2, 3),
    (5, 4, 8),
    (7, 9, 9),
    (9, 1, 1),
    (5, 17, 6),
    (4, 8, 12),
    (6, 13, 17),
    (13, 33, 31),
    (3, 0, 4),
    (32, 32, 64),
    // One and two rows (B = 1, 2): eight-register tiles over 8·N columns, then the edges.
    (1, 130, 77),
    (2, 70, 77),
    (1, 9, 256),
];

/// Deterministic values in (−1, 1).
fn seq<T: Real>(n: usize, f: f64) -> Vec<T> {
    (0..n).map(|i| T::of((i as f64 * f + 0.3).sin())).collect()
}

/// Which product is checked, with the element of the logical `A (m,k)` and `B (k,n)` in the
/// stored operands.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Nn,
    Nt,
    Tn,
}

/// Runs one kernel on padded buffers and compares with a naive loop in the same precision
/// (`c = c + a·b` over `p` in order). Outer-product kernels (`nn`, `tn`) must match it bit
/// for bit; the dot kernel sums in another order and must match within `tol · Σ|a·b|`.
fn check_kind<T: Real>(kind: Kind, (m, k, n): (usize, usize, usize), tol: f64) {
    let (pad_a, pad_b, pad_c) = (3, 2, 5);
    // Stored shapes: nn A (m,k) B (k,n); nt A (m,k) B (n,k); tn A (k,m) B (k,n).
    let (a_rows, a_cols) = match kind {
        Kind::Tn => (k, m),
        _ => (m, k),
    };
    let (b_rows, b_cols) = match kind {
        Kind::Nt => (n, k),
        _ => (k, n),
    };
    let (lda, ldb, ldc) = (a_cols + pad_a, b_cols + pad_b, n + pad_c);
    let a: Vec<T> = seq(a_rows.max(1) * lda, 0.37);
    let b: Vec<T> = seq(b_rows.max(1) * ldb, 0.11);
    let c0: Vec<T> = seq(m * ldc, 0.53);
    let a_at = |i: usize, p: usize| match kind {
        Kind::Tn => a[p * lda + i],
        _ => a[i * lda + p],
    };
    let b_at = |p: usize, j: usize| match kind {
        Kind::Nt => b[j * ldb + p],
        _ => b[p * ldb + j],
    };
    let mut c = c0.clone();
    match kind {
        Kind::Nn => gemm_nn(m, k, n, &a, lda, &b, ldb, &mut c, ldc),
        Kind::Nt => gemm_nt(m, n, k, &a, lda, &b, ldb, &mut c, ldc),
        Kind::Tn => gemm_tn(k, m, n, &a, lda, &b, ldb, &mut c, ldc),
    }
    for i in 0..m {
        for j in 0..ldc {
            let got = c[i * ldc + j];
            if j >= n {
                assert_eq!(
                    got,
                    c0[i * ldc + j],
                    "{kind:?} {m}x{k}x{n}: padding ({i},{j}) written"
                );
                continue;
            }
            let mut want = c0[i * ldc + j];
            let mut mag = want.abs();
            for p in 0..k {
                want = want + a_at(i, p) * b_at(p, j);
                mag = mag + (a_at(i, p) * b_at(p, j)).abs();
            }
            match kind {
                Kind::Nn | Kind::Tn => assert!(
                    got == want,
                    "{kind:?} {m}x{k}x{n} ({i},{j}): {got} vs sequential {want}"
                ),
                Kind::Nt => assert!(
                    (got - want).abs().f64() <= tol * mag.f64(),
                    "{kind:?} {m}x{k}x{n} ({i},{j}): {got} vs {want}"
                ),
            }
        }
    }
}

fn check_all<T: Real>(tol: f64) {
    for &shape in SHAPES {
        for kind in [Kind::Nn, Kind::Nt, Kind::Tn] {
            check_kind::<T>(kind, shape, tol);
        }
    }
}

#[test]
fn f64_kernels_match_a_naive_triple_loop_on_ragged_padded_shapes() {
    check_all::<f64>(1e-15);
}

#[test]
fn f32_kernels_match_a_naive_triple_loop_on_ragged_padded_shapes() {
    check_all::<f32>(1e-6);
}

/// A row's result does not depend on how many rows are computed with it: rows 0 and 1 of a
/// 1-, 2- and 6-row product (one-row, two-row and 6- or 4-row tiles) have the same bits, for
/// the dot tiles too, so training at B = 1 gives the bits of the same sample in a batch. Run
/// on the 128-bit tiles directly (the page's; an AVX host's `gemm_nn` takes the 256-bit ones)
/// and through the public kernels.
fn rows_alone_match_rows_in_a_batch<T: Real, V: simd::Lanes<S = T>>() {
    let (k, n) = (131, 77);
    let a: Vec<T> = seq(6 * k, 0.37);
    let (b_kn, b_nk): (Vec<T>, Vec<T>) = (seq(k * n, 0.11), seq(n * k, 0.19));
    let c0: Vec<T> = seq(6 * n, 0.53);
    let (a, b_kn, b_nk) = (&a[..], &b_kn[..], &b_nk[..]);
    let view = |d: &[T], rs: usize| View {
        ptr: d.as_ptr(),
        rs,
        cs: 1,
    };
    type Run<'a, T> = Box<dyn Fn(usize, &mut [T]) + 'a>;
    let runs: [(&str, Run<'_, T>); 4] = [
        (
            "tile nn",
            Box::new(move |m, c: &mut [T]| {
                let cv = ViewMut {
                    ptr: c.as_mut_ptr(),
                    ld: n,
                };
                // SAFETY: A (m, k), B (k, n) and C (m, n) are exactly these buffers.
                unsafe { tile::gemm_outer::<V, 4, 2>(m, n, k, view(a, k), view(b_kn, n), cv) }
            }),
        ),
        (
            "tile nt",
            Box::new(move |m, c: &mut [T]| {
                let cv = ViewMut {
                    ptr: c.as_mut_ptr(),
                    ld: n,
                };
                // SAFETY: A (m, k), B (n, k) and C (m, n) are exactly these buffers.
                unsafe { tile::gemm_dot::<V, 4, 2>(m, n, k, view(a, k), view(b_nk, k), cv) }
            }),
        ),
        (
            "gemm_nn",
            Box::new(move |m, c: &mut [T]| gemm_nn(m, k, n, a, k, b_kn, n, c, n)),
        ),
        (
            "gemm_nt",
            Box::new(move |m, c: &mut [T]| gemm_nt(m, n, k, a, k, b_nk, k, c, n)),
        ),
    ];
    for (what, run) in &runs {
        let product = |m: usize| {
            let mut c = c0[..m * n].to_vec();
            run(m, &mut c);
            c
        };
        let batch = product(6);
        for m in [1, 2] {
            let alone = product(m);
            assert!(
                alone
                    .iter()
                    .zip(&batch)
                    .all(|(x, y)| x.f64().to_bits() == y.f64().to_bits()),
                "{what}: {m} row(s) alone differ from the same rows of 6"
            );
        }
    }
}

#[test]
fn one_or_two_rows_give_the_bits_of_the_same_rows_in_a_batch() {
    rows_alone_match_rows_in_a_batch::<f32, F32x4>();
    rows_alone_match_rows_in_a_batch::<f64, F64x2>();
}

#[test]
fn strided_views_touch_only_their_columns() {
    // C is (2, 5) but only columns 1..4 are the output (n = 3, ldc = 5).
    let a = [1.0, 2.0, 3.0, 4.0]; // (2,2)
    let b = [1.0, 0.0, 0.0, 9.0, 0.0, 1.0, 0.0, 9.0]; // (2,3) with ldb = 4
    let mut c = [0.0; 10];
    gemm_nn(2, 2, 3, &a, 2, &b, 4, &mut c[1..], 5);
    assert_eq!(c, [0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 3.0, 4.0, 0.0, 0.0]);
}

#[test]
#[should_panic(expected = "does not fit")]
fn a_short_operand_is_refused_before_any_raw_read() {
    let (a, b) = ([1.0f32; 6], [1.0f32; 6]);
    let mut c = [0.0f32; 8];
    gemm_nn(2, 4, 2, &a, 4, &b, 2, &mut c, 2); // A (2,4) needs 8 values
}

#[test]
fn peak_loop_keeps_its_values_with_unit_constants() {
    // Six product chains start at 1..=6, six sums at 0..=5, four lanes each: Σ = 4·(21 + 15).
    assert_eq!(peak_loop(1000, 1.0, 0.0), 144.0);
    assert_eq!(peak_loop(3, 2.0, 1.0), 4.0 * (21.0 * 8.0 + 15.0 + 18.0));
}

/// `transpose` puts `a[i][j]` at `aᵀ[j][i]` for a non-square matrix, and refuses a buffer of
/// the wrong size instead of writing part of it.
#[test]
fn transpose_swaps_rows_and_columns() {
    let a = [1, 2, 3, 4, 5, 6]; // (2, 3)
    let mut at = [0; 6];
    transpose(2, 3, &a, &mut at);
    assert_eq!(at, [1, 4, 2, 5, 3, 6]); // (3, 2)
    let short = std::panic::catch_unwind(|| transpose(2, 3, &a, &mut [0; 5]));
    assert!(short.is_err());
}
