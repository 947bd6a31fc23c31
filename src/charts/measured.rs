//! A plotters backend that remembers text sizes. plotters measures text on the web by adding a
//! `<span>` to the page and reading its `offsetWidth`/`offsetHeight` — a forced layout of the
//! whole page per label, which was ~18 % of the main thread's time while training at T=200 H=64
//! (`e2e/bench/profile.mjs`). [`Measured`] asks the wrapped backend once per distinct (font,
//! size, rotation, text) and answers repeats from a per-thread table, so the charts lay out
//! exactly as before; every drawing call passes straight through.

use std::cell::RefCell;
use std::collections::HashMap;

use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

/// Distinct texts remembered before the table starts over (tick labels change with the axes).
const MAX_ENTRIES: usize = 4096;

/// (font family, font style, size bits, rotation, text).
type Key = (String, String, u64, u8, String);

thread_local! {
    static SIZES: RefCell<HashMap<Key, (u32, u32)>> = RefCell::new(HashMap::new());
}

/// `inner` with its text measurements remembered.
pub struct Measured<B>(pub B);

fn key<S: BackendTextStyle>(text: &str, style: &S) -> Key {
    let turn = match style.transform() {
        FontTransform::None => 0,
        FontTransform::Rotate90 => 1,
        FontTransform::Rotate180 => 2,
        FontTransform::Rotate270 => 3,
    };
    (
        style.family().as_str().to_string(),
        style.style().as_str().to_string(),
        style.size().to_bits(),
        turn,
        text.to_string(),
    )
}

/// The size `measure` gives for `(text, style)`, measured once and then remembered.
fn remembered<S: BackendTextStyle, E>(
    text: &str,
    style: &S,
    measure: impl FnOnce() -> Result<(u32, u32), E>,
) -> Result<(u32, u32), E> {
    let k = key(text, style);
    if let Some(size) = SIZES.with(|t| t.borrow().get(&k).copied()) {
        return Ok(size);
    }
    let size = measure()?;
    SIZES.with(|t| {
        let mut t = t.borrow_mut();
        if t.len() >= MAX_ENTRIES {
            t.clear();
        }
        t.insert(k, size);
    });
    Ok(size)
}

impl<B: DrawingBackend> DrawingBackend for Measured<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.fill_polygon(vert, style)
    }
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.draw_text(text, style, pos)
    }
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        remembered(text, style, || self.0.estimate_text_size(text, style))
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.0.blit_bitmap(pos, size, src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::style::{IntoFont, TextStyle};
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test(unsupported = test)]
    fn a_text_is_measured_once_per_font_and_the_answer_is_the_measurement() {
        let small: TextStyle = ("sans-serif", 12.0).into_font().into();
        let big: TextStyle = ("sans-serif", 24.0).into_font().into();
        let calls = std::cell::Cell::new(0);
        let measure = |w: u32| {
            calls.set(calls.get() + 1);
            Ok::<_, ()>((w, 10))
        };
        let text = "measured-once-test 0.25";
        assert_eq!(remembered(text, &small, || measure(40)), Ok((40, 10)));
        // The same text and font again: remembered, not measured.
        assert_eq!(remembered(text, &small, || measure(99)), Ok((40, 10)));
        assert_eq!(calls.get(), 1);
        // Another size, or another text, is measured.
        assert_eq!(remembered(text, &big, || measure(80)), Ok((80, 10)));
        assert_eq!(remembered("other text 7", &small, || measure(30)), Ok((30, 10)));
        assert_eq!(calls.get(), 3);
        // A failed measurement is not remembered.
        assert_eq!(remembered("fails", &small, || Err(())), Err(()));
        assert_eq!(remembered("fails", &small, || measure(5)), Ok((5, 10)));
    }
}
