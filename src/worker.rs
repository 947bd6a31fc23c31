//! The Web Worker's glue: moves postcard bytes between the page and [`gru_lab::Engine`] and
//! keeps calling [`gru_lab::Engine::tick`] — through a `MessageChannel` when work is due (a
//! zero-delay yield that lets the page's commands in between two jobs, without the 4 ms clamp
//! of nested `setTimeout`), through `setTimeout` when nothing is due for a while.

use std::cell::RefCell;
use std::rc::Rc;

use gru_lab::engine::Wake;
use gru_lab::protocol::{decode, encode, Command, Report};
use gru_lab::Engine;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

/// The worker's state: the engine (made by the first `Reset`) and the pending wake-up.
struct Worker {
    scope: DedicatedWorkerGlobalScope,
    engine: Option<Engine>,
    channel: MessageChannel,
    /// A tick is already queued on the channel.
    queued: bool,
    /// The `setTimeout` handle of an idle wait, if one is pending.
    timer: Option<i32>,
    on_timer: Option<Closure<dyn FnMut()>>,
}

fn now(scope: &DedicatedWorkerGlobalScope) -> f64 {
    scope.performance().map_or(0.0, |p| p.now())
}

impl Worker {
    fn post(&self, report: &Report) {
        let bytes = js_sys::Uint8Array::from(encode(report).as_slice());
        let transfer = js_sys::Array::of1(&bytes.buffer());
        if let Err(e) = self.scope.post_message_with_transfer(&bytes, &transfer) {
            web_sys::console::error_2(&"worker: postMessage failed".into(), &e);
        }
    }

    fn on_command(&mut self, cmd: Command) {
        let scope = self.scope.clone();
        let clock = move || now(&scope);
        let reports = gru_lab::engine::dispatch_clocked(&mut self.engine, cmd, &clock);
        reports.iter().for_each(|r| self.post(r));
        self.wake_now();
    }

    /// Queues a tick right after the messages already waiting.
    fn wake_now(&mut self) {
        if let Some(id) = self.timer.take() {
            self.scope.clear_timeout_with_handle(id);
        }
        if !self.queued {
            self.queued = true;
            let _ = self.channel.port2().post_message(&JsValue::NULL);
        }
    }

    fn tick(&mut self) {
        self.queued = false;
        let Some(engine) = self.engine.as_mut() else {
            return;
        };
        let scope = self.scope.clone();
        let (reports, wake) = engine.tick(&|| now(&scope));
        reports.iter().for_each(|r| self.post(r));
        match wake {
            Wake::Now => self.wake_now(),
            Wake::After(ms) => {
                if let Some(cb) = &self.on_timer {
                    let delay = ms.clamp(1.0, 1000.0) as i32;
                    self.timer = self
                        .scope
                        .set_timeout_with_callback_and_timeout_and_arguments_0(
                            cb.as_ref().unchecked_ref(),
                            delay,
                        )
                        .ok();
                }
            }
        }
    }
}

/// Starts the worker: listens for commands and says it is ready.
pub fn run() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let Ok(channel) = MessageChannel::new() else {
        web_sys::console::error_1(&"worker: no MessageChannel".into());
        return;
    };
    let worker = Rc::new(RefCell::new(Worker {
        scope: scope.clone(),
        engine: None,
        channel,
        queued: false,
        timer: None,
        on_timer: None,
    }));
    let w = worker.clone();
    let on_timer = Closure::<dyn FnMut()>::new(move || {
        let mut w = w.borrow_mut();
        w.timer = None;
        w.wake_now();
    });
    let w = worker.clone();
    let on_tick = Closure::<dyn FnMut(MessageEvent)>::new(move |_: MessageEvent| {
        w.borrow_mut().tick();
    });
    let w = worker.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let bytes = js_sys::Uint8Array::new(&ev.data()).to_vec();
        match decode::<Command>(&bytes) {
            Ok(cmd) => w.borrow_mut().on_command(cmd),
            Err(e) => w.borrow().post(&Report::Rejected {
                message: e.to_string(),
            }),
        }
    });
    {
        let mut w = worker.borrow_mut();
        w.channel
            .port1()
            .set_onmessage(Some(on_tick.as_ref().unchecked_ref()));
        w.on_timer = Some(on_timer);
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        w.post(&Report::Ready);
    }
    // The worker lives as long as the page: its closures are never dropped.
    on_tick.forget();
    on_message.forget();
}
