//! Web Worker entry point: the training engine runs here, off the page's thread.

fn main() {
    console_error_panic_hook::set_once();
    gru_lens::worker::run();
}
