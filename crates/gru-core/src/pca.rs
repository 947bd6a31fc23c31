//! Principal components of a small point cloud (the hidden states h_0 … h_T), for the 2-D
//! trajectory view.

use nalgebra::{DMatrix, SymmetricEigen};

/// The 2-D projection of `n` points of dimension `d`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Pca2 {
    /// `(n, 2)`: coordinates on PC1 and PC2 (centred).
    pub coords: Vec<f64>,
    /// Fraction of the total variance along PC1 and PC2 (0 when there is none).
    pub explained: [f64; 2],
}

/// Projects `data (n, d)` row-major on its two leading principal components. Signs are fixed
/// by the data so the picture does not flip between refreshes: PC1 runs from the first point
/// towards the last, PC2's largest-magnitude coordinate is positive.
/// With `d = 1` the second coordinate is 0.
pub fn pca2(data: &[f64], n: usize, d: usize) -> Pca2 {
    if n == 0 || d == 0 || data.len() < n * d {
        return Pca2::default();
    }
    let x = DMatrix::from_row_slice(n, d, &data[..n * d]);
    let mean = x.row_mean();
    let centred = DMatrix::from_fn(n, d, |i, j| x[(i, j)] - mean[j]);
    let cov = centred.transpose() * &centred / (n.max(2) - 1) as f64; // (d, d)
    let eig = SymmetricEigen::new(cov);
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[b].total_cmp(&eig.eigenvalues[a]));
    let total: f64 = eig.eigenvalues.iter().map(|v| v.max(0.0)).sum();
    let mut coords = vec![0.0; n * 2];
    let mut explained = [0.0; 2];
    for (c, &k) in order.iter().take(2).enumerate() {
        let v = eig.eigenvectors.column(k).into_owned();
        let mut proj = &centred * v; // (n)
        let flip = if c == 0 {
            proj[n - 1] < proj[0]
        } else {
            proj.iter()
                .copied()
                .fold(0.0f64, |m, a| if a.abs() > m.abs() { a } else { m })
                < 0.0
        };
        if flip {
            proj = -proj;
        }
        for i in 0..n {
            coords[i * 2 + c] = proj[i];
        }
        explained[c] = if total > 0.0 {
            eig.eigenvalues[k].max(0.0) / total
        } else {
            0.0
        };
    }
    Pca2 { coords, explained }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_on_a_tilted_line_need_one_component() {
        // h = t · (0.6, 0.8, 0) plus a small wiggle along (0, 0, 1).
        let n = 10;
        let data: Vec<f64> = (0..n)
            .flat_map(|t| {
                let t = t as f64;
                [0.6 * t, 0.8 * t, 0.01 * (t * 1.7).sin()]
            })
            .collect();
        let p = pca2(&data, n, 3);
        assert!(p.explained[0] > 0.999, "{:?}", p.explained);
        // PC1 coordinate is the centred distance along the line.
        for t in 0..n {
            assert!((p.coords[t * 2] - (t as f64 - 4.5)).abs() < 1e-3);
        }
        assert!(p.explained[0] + p.explained[1] <= 1.0 + 1e-12);
    }

    #[test]
    fn pc1_runs_from_the_first_point_to_the_last_whatever_the_direction() {
        for dir in [1.0, -1.0] {
            let data: Vec<f64> = (0..6)
                .flat_map(|t| [dir * t as f64, 0.5 * dir * t as f64 + 0.1 * (t % 2) as f64])
                .collect();
            let p = pca2(&data, 6, 2);
            assert!(p.coords[10] > p.coords[0], "dir {dir}: {:?}", p.coords);
        }
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        assert_eq!(pca2(&[], 0, 3), Pca2::default());
        let p = pca2(&[1.0, 1.0, 1.0], 3, 1);
        assert_eq!(p.explained, [0.0, 0.0]);
    }
}
