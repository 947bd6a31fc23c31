//! Files out and in: hands a `Blob` to the browser as a download with a given name, and reads
//! a picked or dropped `File` as bytes. No parsing here: the worker checks what was read.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement};

/// Offers `blob` as a download named `name` (an `<a download>` clicked once, then removed).
///
/// # Errors
/// A message when the browser refuses to make the link.
pub fn download_blob(name: &str, blob: &Blob) -> Result<(), String> {
    let fail = |e: JsValue| format!("the download of {name} failed: {e:?}");
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("the download failed: no document")?;
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(fail)?;
    let a: HtmlAnchorElement = doc
        .create_element("a")
        .map_err(fail)?
        .dyn_into()
        .map_err(|_| format!("the download of {name} failed: no link element"))?;
    a.set_href(&url);
    a.set_download(name);
    if let Some(body) = doc.body() {
        body.append_child(&a).map_err(fail)?;
        a.click();
        a.remove();
    } else {
        a.click();
    }
    // The browser has taken the blob once the click is handled; free the URL after this task.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback(revoke.unchecked_ref());
    }
    Ok(())
}

/// Offers `text` as a download named `name` of MIME type `mime`.
///
/// # Errors
/// As [`download_blob`].
pub fn download_text(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|e| format!("the download of {name} failed: {e:?}"))?;
    download_blob(name, &blob)
}

/// Reads `file` whole, then calls `done` with its bytes (or a message when it cannot be read).
pub fn read_file(file: web_sys::File, done: impl FnOnce(Result<Vec<u8>, String>) + 'static) {
    let name = file.name();
    wasm_bindgen_futures::spawn_local(async move {
        let read = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
        done(match read {
            Ok(buf) => Ok(js_sys::Uint8Array::new(&buf).to_vec()),
            Err(e) => Err(format!("{name} could not be read: {e:?}")),
        });
    });
}
