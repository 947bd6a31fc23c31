//! Number formatting shared by the page's tables and the interview answers, so a number in an
//! answer reads exactly as the same number elsewhere on the page.

/// 4 significant digits; scientific below 0.001 and from 1000; "—" for NaN/∞.
pub fn fmt_num(v: f64) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(0.001..1000.0).contains(&a) {
        format!("{v:.2e}")
    } else if a >= 1.0 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// A whole number with thousands separated by commas: 12345 → "12,345".
pub fn fmt_count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_the_same_everywhere() {
        assert_eq!(fmt_num(0.04213), "0.0421");
        assert_eq!(fmt_num(1.5), "1.500");
        assert_eq!(fmt_num(0.00012), "1.20e-4");
        assert_eq!(fmt_num(f64::INFINITY), "—");
        assert_eq!(fmt_count(912), "912");
        assert_eq!(fmt_count(1280), "1,280");
        assert_eq!(fmt_count(1234567), "1,234,567");
    }
}
