//! Values of older links, turned into today's URL text ([`super::param::Legacy`] converters).

use super::param::clip_for_message;

/// Links made before the worker redesign carried `speed` = milliseconds of training per
/// 60 Hz frame (1–14); the page trained ~7 steps/s per ms then, and 12 or more was full speed.
pub(super) fn legacy_speed(v: &str) -> Result<String, String> {
    match v.parse::<f64>() {
        Ok(ms) if (1.0..=14.0).contains(&ms) => Ok(if ms >= 12.0 {
            "max".into()
        } else {
            (7.0 * ms).round().to_string()
        }),
        _ => Err(format!(
            "speed: '{}' is not a number from 1 to 14",
            clip_for_message(v)
        )),
    }
}
