//! `gru-bench`: trains the benchmark task of SPEC.md (adding problem, one GRU layer + linear
//! head, MSE, Adam 0.01 / ε 1e-7, full BPTT, data pool of 8 mulberry32 batches, seed 42) on one
//! thread and prints one JSON line of throughput figures.
//!
//! `--model` swaps the GRU for another model of width `H` on the same task and data: `lstm`,
//! `rnn` (tanh), `tcn` (kernel 2, ReLU, the fewest levels whose receptive field covers `T`,
//! `H` channels) or `attention` (`d_model = H`, 2 heads when `H` is even, feed-forward `2H`,
//! sinusoidal positions). `gflops` then uses the model's own count ([`Cost`]).
//!
//! ```text
//! gru-bench [--T 50] [--H 32] [--B 32] [--config headline|T25|T100|T200|H16|H64|H128|B1]
//!           [--model gru|lstm|rnn|tcn|attention] [--runs 5] [--seconds 1.5] [--f64] [--steps N]
//!           [--simd128]
//! ```
//!
//! `--simd128` keeps the kernels on 128-bit registers on a CPU with AVX, as the page runs
//! them (wasm simd128), so the figure predicts the page's; by default such a CPU gets the
//! 256-bit tiles (same results, faster).
//!
//! `--steps N` trains exactly `N` steps (after the first) and prints the last loss, no rates:
//! for timing the whole process from outside (e.g. `/usr/bin/time`) against another program
//! that runs the same number of steps.

use std::process::ExitCode;
use std::time::Instant;

use gru_core::cell::CellKind;
use gru_core::loss::{loss_and_grad, LossKind};
use gru_core::model::{BackwardOpts, Init, Mode, ModelConfig};
use gru_core::optim::{Optimizer, OptimizerConfig};
use gru_core::seq::cost::Cost;
use gru_core::seq::{AttentionConfig, ModelKind, Net, NetCache, TcnConfig};
use gru_core::task::{AddingTask, Batch, Mulberry32};
use gru_core::Real;

struct Args {
    t: usize,
    h: usize,
    b: usize,
    model: String,
    runs: usize,
    seconds: f64,
    f64: bool,
    /// A fixed number of steps instead of the timed runs.
    steps: Option<usize>,
}

impl Args {
    /// The benchmarked model.
    fn kind(&self) -> Result<ModelKind, String> {
        Ok(match self.model.as_str() {
            "gru" => ModelKind::Recurrent(CellKind::Gru),
            "lstm" => ModelKind::Recurrent(CellKind::Lstm),
            "rnn" => ModelKind::Recurrent(CellKind::RnnTanh),
            "tcn" => ModelKind::Tcn(TcnConfig::new(2, self.h, 1).covering(self.t)),
            "attention" => {
                let heads = if self.h.is_multiple_of(2) { 2 } else { 1 };
                ModelKind::Attention(AttentionConfig::new(2, self.h, 1).heads(heads))
            }
            m => {
                return Err(format!(
                    "--model: unknown '{m}' (gru, lstm, rnn, tcn, attention)"
                ))
            }
        })
    }
}

fn parse() -> Result<Args, String> {
    use lexopt::prelude::*;
    let mut a = Args {
        t: 50,
        h: 32,
        b: 32,
        model: "gru".into(),
        runs: 5,
        seconds: 1.5,
        f64: false,
        steps: None,
    };
    let mut p = lexopt::Parser::from_env();
    let num = |p: &mut lexopt::Parser, what: &str| -> Result<usize, String> {
        let v = p.value().map_err(|e| e.to_string())?;
        let s = v.to_string_lossy().to_string();
        s.parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or(format!("{what}: '{s}' is not a positive integer"))
    };
    while let Some(arg) = p.next().map_err(|e| e.to_string())? {
        match arg {
            Long("T") => a.t = num(&mut p, "--T")?,
            Long("H") => a.h = num(&mut p, "--H")?,
            Long("B") => a.b = num(&mut p, "--B")?,
            Long("runs") => a.runs = num(&mut p, "--runs")?,
            Long("seconds") => {
                let v = p
                    .value()
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .to_string();
                a.seconds = v
                    .parse()
                    .ok()
                    .filter(|s: &f64| *s > 0.0 && s.is_finite())
                    .ok_or(format!("--seconds: '{v}' is not a positive number"))?;
            }
            Long("f64") => a.f64 = true,
            Long("simd128") => gru_core::kernels::use_128_bit_only(),
            Long("steps") => a.steps = Some(num(&mut p, "--steps")?),
            Long("model") => {
                a.model = p
                    .value()
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .to_string();
            }
            Long("config") => {
                let v = p
                    .value()
                    .map_err(|e| e.to_string())?
                    .to_string_lossy()
                    .to_string();
                let (t, h, b) = match v.as_str() {
                    "headline" => (50, 32, 32),
                    "T25" => (25, 32, 32),
                    "T100" => (100, 32, 32),
                    "T200" => (200, 32, 32),
                    "H16" => (50, 16, 32),
                    "H64" => (50, 64, 32),
                    "H128" => (50, 128, 32),
                    "B1" => (50, 32, 1),
                    _ => {
                        return Err(format!(
                        "--config: unknown '{v}' (headline, T25, T100, T200, H16, H64, H128, B1)"
                    ))
                    }
                };
                (a.t, a.h, a.b) = (t, h, b);
            }
            Long("help") | Short('h') => {
                println!("gru-bench [--T 50] [--H 32] [--B 32] [--config NAME] [--model gru|lstm|rnn|tcn|attention] [--runs 5] [--seconds 1.5] [--f64] [--steps N] [--simd128]");
                std::process::exit(0);
            }
            other => return Err(other.unexpected().to_string()),
        }
    }
    if a.t < 2 || a.t > 2000 {
        return Err(format!("--T: {} must be in 2..=2000", a.t));
    }
    if a.h > 1024 || a.b > 1024 {
        return Err("--H and --B must be at most 1024".into());
    }
    a.kind()?;
    Ok(a)
}

/// The benchmark's training state: model, optimiser, buffers and the pool of batches.
struct Bench<T> {
    net: Net<T>,
    opt: Optimizer<T>,
    ws: NetCache<T>,
    pool: Vec<Batch<T>>,
    k: usize,
}

impl<T: Real> Bench<T> {
    fn new(a: &Args, pool: Vec<Batch<T>>) -> Result<Self, String> {
        let shape = ModelConfig::new(CellKind::Gru, 2, a.h, 1);
        let net = a
            .kind()?
            .build(&shape, Init::XavierOrthogonal, 42)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            net,
            opt: Optimizer::new(OptimizerConfig::adam(0.01)),
            ws: NetCache::default(),
            pool,
            k: 0,
        })
    }
    /// One training step on batch `k mod P`; returns its loss.
    fn step(&mut self) -> f64 {
        let batch = &self.pool[self.k % self.pool.len()];
        self.k += 1;
        self.net
            .forward(&mut self.ws, &batch.x, batch.t, batch.b, Mode::Eval);
        let (y, dy) = self.ws.y_dy();
        let s = loss_and_grad(LossKind::Mse, y, 1, &batch.targets, None, dy);
        self.net.backward(&mut self.ws, BackwardOpts::default());
        self.opt.step(self.net.params_mut(), self.ws.grads());
        s.loss
    }
}

fn run<T: Real>(a: &Args) -> Result<serde_json::Value, String> {
    let task = AddingTask::new(a.t).map_err(|e| e.to_string())?;
    let mut rng = Mulberry32::new(42);
    let pool: Vec<Batch<T>> = (0..8)
        .map(|_| {
            let mut b = Batch::empty();
            task.fill_spec(&mut rng, a.b, &mut b);
            b
        })
        .collect();
    let t0 = Instant::now();
    let mut bench = Bench::new(a, pool)?;
    let first_loss = bench.step();
    let first_ms = t0.elapsed().as_secs_f64() * 1e3;
    if let Some(n) = a.steps {
        let mut last_loss = first_loss;
        for _ in 0..n {
            last_loss = bench.step();
        }
        return Ok(serde_json::json!({
            "impl": "gru-core", "model": a.model, "T": a.t, "H": a.h, "B": a.b,
            "steps": n, "first_loss": first_loss, "last_loss": last_loss,
        }));
    }
    let w0 = Instant::now();
    for _ in 0..3 {
        bench.step();
    }
    let warm = w0.elapsed().as_secs_f64() / 3.0;
    let n = ((a.seconds / warm).round() as usize).max(3);
    let mut rates = Vec::with_capacity(a.runs);
    let mut last_loss = first_loss;
    for _ in 0..a.runs {
        let r0 = Instant::now();
        for _ in 0..n {
            last_loss = bench.step();
        }
        rates.push(n as f64 / r0.elapsed().as_secs_f64());
    }
    rates.sort_by(f64::total_cmp);
    let sps = rates[rates.len() / 2];
    // The SPEC's GRU count (18·B·T·H(I+H), head left out) for the GRU, else the model's own.
    let flops = match a.model.as_str() {
        "gru" => 18.0 * (a.b * a.t * a.h * (2 + a.h)) as f64,
        _ => bench.net.cost(a.t).flops_train_step(a.b),
    };
    let cost: Cost = bench.net.cost(a.t);
    Ok(serde_json::json!({
        "impl": "gru-core", "model": a.model, "dtype": if a.f64 { "f64" } else { "f32" }, "threads": 1,
        "simd_bits": gru_core::kernels::simd_bits(),
        "T": a.t, "H": a.h, "B": a.b, "steps_per_run": n, "runs": a.runs,
        "steps_per_s": sps, "steps_per_s_min": rates[0], "steps_per_s_max": rates[rates.len() - 1],
        "seq_per_s": sps * a.b as f64, "gflops": flops * sps / 1e9,
        "first_step_ms": first_ms, "first_loss": first_loss, "last_loss": last_loss,
        "params": bench.net.n_params(), "activations_per_seq": cost.activations,
    }))
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("gru-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let out = if args.f64 {
        run::<f64>(&args)
    } else {
        run::<f32>(&args)
    };
    match out {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gru-bench: {e}");
            ExitCode::from(2)
        }
    }
}
