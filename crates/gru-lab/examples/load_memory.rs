//! Peak heap of loading a big saved run (`save::from_bytes`), of refusing it when its last
//! run is bad, and of the Load command's state_dict sniff
//! (`torch_import::looks_like_state_dict`), measured by a counting allocator: the bytes live at the peak above those live before the call. Prints figures;
//! asserts nothing about them. `Lab::new`'s own peak is printed beside them: loading builds
//! that Lab too.
//!
//! `cargo run -p gru-lab --example load_memory -- [query]` (default: a file near 48 MB)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use gru_lab::lab::Lab;
use gru_lab::save;
use gru_lab::settings::Settings;
use gru_lab::torch_import::looks_like_state_dict;

/// The system allocator, counting the bytes live now and the most live since the last reset.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = System.alloc(l);
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l);
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = System.realloc(p, l, new);
        if !q.is_null() {
            if new >= l.size() {
                let now = LIVE.fetch_add(new - l.size(), Relaxed) + new - l.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                LIVE.fetch_sub(l.size() - new, Relaxed);
            }
        }
        q
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Runs `f` and returns its result with the peak heap above the bytes live before it.
fn peak_of<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let r = f();
    (r, PEAK.load(Relaxed) - base)
}

fn mb(b: usize) -> String {
    format!("{:.1} MB", b as f64 / 1e6)
}

fn main() -> Result<(), String> {
    let query = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cells=gru,lstm&hidden=110&layers=3&bi=1&T=5&batch=1".into());
    let (settings, errors) = Settings::from_query(&query);
    if !errors.is_empty() {
        return Err(errors.join("; "));
    }
    let (lab, peak) = peak_of(|| Lab::new(settings.clone()));
    let mut lab = lab?;
    println!(
        "Lab::new alone (what any load of these settings builds): peak heap {}",
        mb(peak)
    );
    // One step, so the file holds Adam's moments (m, v) beside the weights.
    lab.step();
    let text = save::to_json(&lab)?;
    drop(lab);
    let bytes = text.into_bytes();
    println!("query {query}: saved file {}", mb(bytes.len()));
    let (sniff, peak) = peak_of(|| looks_like_state_dict(&bytes));
    println!(
        "looks_like_state_dict: {sniff}, peak heap {} ({:.1}× the file)",
        mb(peak),
        peak as f64 / bytes.len() as f64
    );
    let (lab, peak) = peak_of(|| save::from_bytes(&bytes).map(|lab| lab.runs.len()));
    println!(
        "save::from_bytes: {} runs, peak heap {} ({:.1}× the file)",
        lab?,
        mb(peak),
        peak as f64 / bytes.len() as f64
    );
    // The same file with the last run's data stream position spoiled: refused, and what
    // refusing it cost (the whole file read and checked; a lab built or not).
    let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
    let at = text.rfind("\"rng\":{\"data\":\"").ok_or("no rng")? + 16;
    let bad = format!("{}x{}", &text[..at], &text[at..]).into_bytes();
    drop(text);
    let (refused, peak) = peak_of(|| save::from_bytes(&bad).map(|lab| lab.runs.len()));
    println!(
        "save::from_bytes of a file whose last run is bad: {:?}, peak heap {} ({:.1}× the file)",
        refused.err().unwrap_or_default(),
        mb(peak),
        peak as f64 / bad.len() as f64
    );
    Ok(())
}
