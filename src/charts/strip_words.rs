//! Where the strip writes a short run of symbols as one word. On narrow columns a letter is
//! wider than its column, so copy memory's three symbols at steps 1–3 would overlap; written
//! as one word ("DAA") centred on its run, they read. Only short runs become words, so no
//! letter strays more than half a short word from its column, and each word keeps to its
//! share of the gap to the neighbouring runs, so two words never overlap.

use std::ops::Range;

/// Most symbols a run may have to be written as one word.
pub const MAX_WORD: usize = 6;

/// Index ranges of `entries` (`(column, value)`, ascending columns) whose columns are
/// consecutive.
pub fn runs_of(entries: &[(usize, f32)]) -> Vec<Range<usize>> {
    let mut runs: Vec<Range<usize>> = Vec::new();
    for (i, &(c, _)) in entries.iter().enumerate() {
        match runs.last_mut() {
            Some(r) if entries[r.end - 1].0 + 1 == c => r.end = i + 1,
            _ => runs.push(i..i + 1),
        }
    }
    runs
}

/// The columns `[lo, hi]` run `r` may write over: up to halfway to each neighbouring run, or
/// to the plot's edge (`−0.5`, `cols − 0.5`).
pub fn room(entries: &[(usize, f32)], runs: &[Range<usize>], r: usize, cols: usize) -> (f64, f64) {
    let first = entries[runs[r].start].0 as f64;
    let last = entries[runs[r].end - 1].0 as f64;
    let lo = r
        .checked_sub(1)
        .map_or(-0.5, |p| 0.5 * (entries[runs[p].end - 1].0 as f64 + first));
    let hi = runs.get(r + 1).map_or(cols as f64 - 0.5, |n| {
        0.5 * (last + entries[n.start].0 as f64)
    });
    (lo, hi)
}

/// The column to centre a word `w` columns wide on, for a run of `len` symbols over columns
/// `first..=last` with room `[lo, hi]`: the run's middle, moved inside the room. `None` when
/// the run is too long to be one word or the word does not fit its room.
pub fn word_centre(
    first: usize,
    last: usize,
    len: usize,
    w: f64,
    (lo, hi): (f64, f64),
) -> Option<f64> {
    (len <= MAX_WORD && w <= hi - lo)
        .then(|| (0.5 * (first + last) as f64).clamp(lo + 0.5 * w, hi - 0.5 * w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn consecutive_columns_form_one_run() {
        // Copy memory's input lane: three symbols at steps 0–2, then "go" at 44.
        let e = [(0, 3.0), (1, 1.0), (2, 1.0), (44, 9.0)];
        assert_eq!(runs_of(&e), vec![0..3, 3..4]);
        assert_eq!(runs_of(&[(5, 0.0), (7, 0.0), (8, 0.0)]), vec![0..1, 1..3]);
        assert!(runs_of(&[]).is_empty());
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn neighbouring_words_split_the_gap_and_never_overlap() {
        // Runs at columns 0–2 and 4–6 of 10: the first may use −0.5…3, the second 3…9.5.
        let e: Vec<(usize, f32)> = [0, 1, 2, 4, 5, 6].iter().map(|&c| (c, 0.0)).collect();
        let runs = runs_of(&e);
        assert_eq!(room(&e, &runs, 0, 10), (-0.5, 3.0));
        assert_eq!(room(&e, &runs, 1, 10), (3.0, 9.5));
        // Two words 3.5 columns wide: each inside its own room, so they cannot overlap.
        let a = word_centre(0, 2, 3, 3.5, room(&e, &runs, 0, 10)).expect("fits");
        let b = word_centre(4, 6, 3, 3.5, room(&e, &runs, 1, 10)).expect("fits");
        assert!(a + 1.75 <= b - 1.75 + 1e-12, "{a} {b}");
        // At the plot's left edge the word is pushed right, not cut: centre ≥ −0.5 + w/2.
        assert_eq!(a, 1.25);
    }

    #[wasm_bindgen_test(unsupported = test)]
    fn long_runs_and_words_without_room_are_not_words() {
        // Temporal order's input: a symbol at every one of 70 steps.
        assert_eq!(word_centre(0, 69, 70, 20.0, (-0.5, 69.5)), None);
        assert_eq!(word_centre(0, 6, MAX_WORD + 1, 3.0, (-0.5, 69.5)), None);
        // A word wider than its room.
        assert_eq!(word_centre(10, 11, 2, 6.0, (8.0, 13.0)), None);
        // A run in the middle of ample room stays centred on its columns.
        assert_eq!(word_centre(10, 12, 3, 5.0, (0.0, 30.0)), Some(11.0));
    }
}
