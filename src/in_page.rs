//! The engine on the page's own thread, for the browser tests (whose runner serves no worker
//! script): the same [`Engine`], the same postcard bytes both ways, ticked by `setTimeout`.

use std::cell::RefCell;
use std::rc::Rc;

use gru_lab::engine::Wake;
use gru_lab::protocol::{decode, encode, Command, Report};
use gru_lab::Engine;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The in-page engine and its timer.
pub struct InPage {
    engine: RefCell<Option<Engine>>,
    on_report: Rc<dyn Fn(Report)>,
    tick: RefCell<Option<Closure<dyn FnMut()>>>,
    stopped: std::cell::Cell<bool>,
    /// The pending `setTimeout` handle (one tick chain at a time).
    timer: std::cell::Cell<Option<i32>>,
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

impl InPage {
    /// Starts the engine; reports go to `on_report` (as decoded bytes, like the worker's).
    pub fn start(on_report: Rc<dyn Fn(Report)>) -> Rc<Self> {
        let me = Rc::new(Self {
            engine: RefCell::new(None),
            on_report,
            tick: RefCell::new(None),
            stopped: std::cell::Cell::new(false),
            timer: std::cell::Cell::new(None),
        });
        let weak = Rc::downgrade(&me);
        *me.tick.borrow_mut() = Some(Closure::new(move || {
            if let Some(me) = weak.upgrade() {
                me.run_tick();
            }
        }));
        // Like a worker, say "ready" only after the caller has stored this handle.
        let weak = Rc::downgrade(&me);
        let ready = Closure::once_into_js(move || {
            if let Some(me) = weak.upgrade() {
                me.deliver(&Report::Ready);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ =
                w.set_timeout_with_callback_and_timeout_and_arguments_0(ready.unchecked_ref(), 0);
        }
        me
    }

    fn deliver(&self, r: &Report) {
        if let Ok(r) = decode::<Report>(&encode(r)) {
            (self.on_report)(r);
        }
    }

    /// Applies a command sent as bytes.
    pub fn receive(&self, bytes: &[u8]) {
        let Ok(cmd) = decode::<Command>(bytes) else {
            return;
        };
        let reports = gru_lab::engine::dispatch_clocked(&mut self.engine.borrow_mut(), cmd, &now);
        reports.iter().for_each(|r| self.deliver(r));
        self.schedule(0);
    }

    fn run_tick(&self) {
        self.timer.set(None);
        if self.stopped.get() {
            return;
        }
        let out = self.engine.borrow_mut().as_mut().map(|e| e.tick(&now));
        let Some((reports, wake)) = out else { return };
        reports.iter().for_each(|r| self.deliver(r));
        self.schedule(match wake {
            Wake::Now => 0,
            Wake::After(ms) => ms.clamp(1.0, 1000.0) as i32,
        });
    }

    fn schedule(&self, ms: i32) {
        let Some(w) = web_sys::window() else { return };
        if let Some(id) = self.timer.take() {
            w.clear_timeout_with_handle(id);
        }
        if let Some(cb) = self.tick.borrow().as_ref() {
            let id = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                cb.as_ref().unchecked_ref(),
                ms,
            );
            self.timer.set(id.ok());
        }
    }

    /// Stops ticking (the page unmounted).
    pub fn stop(&self) {
        self.stopped.set(true);
    }
}
