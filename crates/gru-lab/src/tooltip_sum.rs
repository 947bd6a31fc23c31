//! Test helper: the value of a cost tooltip's expanded sum, so tests check that the sum the
//! page prints adds up to the parameter count it states.

/// The value of a tooltip's expanded sum, e.g. "(2+1)·12 + 3×(2·12+1)·12" (·, × and
/// parentheses bind before +).
pub(crate) fn eval(s: &str) -> u64 {
    fn sum(t: &[char], i: &mut usize) -> u64 {
        let mut v = product(t, i);
        while t.get(*i) == Some(&'+') {
            *i += 1;
            v += product(t, i);
        }
        v
    }
    fn product(t: &[char], i: &mut usize) -> u64 {
        let mut v = atom(t, i);
        while matches!(t.get(*i), Some('·' | '×')) {
            *i += 1;
            v *= atom(t, i);
        }
        v
    }
    fn atom(t: &[char], i: &mut usize) -> u64 {
        if t[*i] == '(' {
            *i += 1;
            let v = sum(t, i);
            *i += 1; // ')'
            return v;
        }
        let start = *i;
        while t.get(*i).is_some_and(char::is_ascii_digit) {
            *i += 1;
        }
        t[start..*i]
            .iter()
            .collect::<String>()
            .parse()
            .expect("a number")
    }
    let t: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
    let mut i = 0;
    let v = sum(&t, &mut i);
    assert_eq!(i, t.len(), "unparsed rest in {s}");
    v
}
