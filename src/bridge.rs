//! The page's end of the training engine: starts the Web Worker (or, for the browser tests,
//! the same engine on the page's thread), sends [`Command`]s and hands every decoded
//! [`Report`] to a callback. Both ends speak postcard bytes ([`gru_lab::protocol`]).

use std::rc::Rc;

use gru_lab::protocol::{decode, encode, Command, Report};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// Where the engine runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Training {
    /// In a Web Worker (the page only draws).
    #[default]
    Worker,
    /// On the page's own thread (browser tests; needs the `in-page` feature).
    InPage,
}

/// The script that loads the page's own wasm in the worker, next to `index.html` (see
/// `assets/`).
const WORKER_SCRIPT: &str = "worker-loader.js";

/// `worker-loader.js?js=…&wasm=…`: the worker loads the same glue and wasm as the page, whose
/// hashed names `assets/app-loader.js` reads from its own tag's `data-js` and `data-wasm`.
fn worker_url() -> Result<String, String> {
    let tag = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector("script[data-js][data-wasm]")
                .ok()
                .flatten()
        })
        .ok_or("the page's loader script tag is missing")?;
    let attr = |name: &str| {
        tag.get_attribute(name)
            .map(|v| String::from(js_sys::encode_uri_component(&v)))
            .ok_or_else(|| format!("the loader script tag has no {name}"))
    };
    Ok(format!(
        "{WORKER_SCRIPT}?js={}&wasm={}",
        attr("data-js")?,
        attr("data-wasm")?
    ))
}

enum Link {
    Worker {
        worker: Worker,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(web_sys::ErrorEvent)>,
    },
    #[cfg(feature = "in-page")]
    InPage(Rc<crate::in_page::InPage>),
}

/// A running engine.
pub struct Bridge {
    link: Link,
}

impl Bridge {
    /// Starts the engine; every report it sends goes to `on_report`, and a worker that fails
    /// to load is reported through `on_fail`.
    ///
    /// # Errors
    /// A message when the worker cannot be created (or `InPage` was asked for without the
    /// `in-page` feature).
    pub fn start(
        training: Training,
        on_report: Rc<dyn Fn(Report)>,
        on_fail: Rc<dyn Fn(String)>,
    ) -> Result<Self, String> {
        match training {
            Training::Worker => {
                let opts = WorkerOptions::new();
                opts.set_type(WorkerType::Module);
                opts.set_name("gru-lens training");
                let url = worker_url()
                    .map_err(|e| format!("the training worker could not start: {e}"))?;
                let worker = Worker::new_with_options(&url, &opts)
                    .map_err(|e| format!("the training worker could not start: {e:?}"))?;
                let report = on_report.clone();
                let fail = on_fail.clone();
                let on_message =
                    Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
                        let bytes = js_sys::Uint8Array::new(&ev.data()).to_vec();
                        match decode::<Report>(&bytes) {
                            Ok(r) => report(r),
                            Err(e) => fail(format!("the training worker sent a bad {e}")),
                        }
                    });
                let on_error = Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(
                    move |ev: web_sys::ErrorEvent| {
                        on_fail(format!(
                            "the training worker stopped: {}",
                            if ev.message().is_empty() {
                                "its script did not load".to_string()
                            } else {
                                ev.message()
                            }
                        ))
                    },
                );
                worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
                worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
                Ok(Self {
                    link: Link::Worker {
                        worker,
                        _on_message: on_message,
                        _on_error: on_error,
                    },
                })
            }
            #[cfg(feature = "in-page")]
            Training::InPage => {
                let _ = on_fail;
                Ok(Self {
                    link: Link::InPage(crate::in_page::InPage::start(on_report)),
                })
            }
            #[cfg(not(feature = "in-page"))]
            Training::InPage => {
                let _ = (on_report, on_fail);
                Err("this build trains in a Web Worker only".into())
            }
        }
    }

    /// Sends a command.
    pub fn send(&self, cmd: &Command) {
        let bytes = encode(cmd);
        match &self.link {
            Link::Worker { worker, .. } => {
                let arr = js_sys::Uint8Array::from(bytes.as_slice());
                if let Err(e) = worker.post_message(&arr) {
                    web_sys::console::error_2(&"postMessage to the worker failed".into(), &e);
                }
            }
            #[cfg(feature = "in-page")]
            Link::InPage(p) => p.receive(&bytes),
        }
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        match &self.link {
            Link::Worker { worker, .. } => worker.terminate(),
            #[cfg(feature = "in-page")]
            Link::InPage(p) => p.stop(),
        }
    }
}
