//! mulberry32, the 32-bit generator the benchmark SPEC (§2) fixes for the adding problem, so
//! our data (and so our losses) match the TF.js and PyTorch peers bit for bit. Everything
//! else in the crate uses ChaCha8 from `rand_chacha`.

/// mulberry32 with 32-bit state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mulberry32 {
    state: u32,
}

impl Mulberry32 {
    /// A generator seeded with `seed`.
    pub fn new(seed: u32) -> Self {
        Self { state: seed }
    }
    /// Next raw `u32`.
    pub fn next_u32(&mut self) -> u32 {
        self.state = self.state.wrapping_add(0x6D2B_79F5);
        let mut t = self.state;
        t = (t ^ (t >> 15)).wrapping_mul(t | 1);
        t ^= t.wrapping_add((t ^ (t >> 7)).wrapping_mul(t | 61));
        t ^ (t >> 14)
    }
    /// Uniform in `[0, 1)`, computed in f64 as `u32 / 2^32`.
    pub fn uniform(&mut self) -> f64 {
        f64::from(self.next_u32()) / 4_294_967_296.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_spec_test_vector() {
        let mut r = Mulberry32::new(42);
        let got: Vec<u32> = (0..4).map(|_| r.next_u32()).collect();
        assert_eq!(
            got,
            [2_581_720_956, 1_925_393_290, 3_661_312_704, 2_876_485_805]
        );
    }
}
