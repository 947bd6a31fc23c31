//! Whether two settings train the same runs: the one comparison behind "is this page running
//! the interview question's experiment" ([`crate::interview::Question::runs_on`]) and "did
//! this sweep train the page's models" (the multi-seed facts). Both ignore how the page looks
//! and how fast it trains; they differ only in whether the sweep's own options count.

use super::Settings;

/// Whether the sweep's seeds and steps (`seeds=`, `sweep_steps=`) count in a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SweepOptions {
    /// They are part of what is compared (an experiment that is a multi-seed sweep).
    Compared,
    /// They are not (live runs; or a sweep whose table records its own seeds and steps).
    Ignored,
}

impl Settings {
    /// Whether `self` and `other` train the same runs: equal in every setting but speed, the
    /// interview question, hidden views, presenter mode and the kernel benchmark (none of
    /// which changes a number a run computes), and, with [`SweepOptions::Ignored`], the
    /// sweep's seeds and steps.
    pub fn trains_like(&self, other: &Settings, sweep: SweepOptions) -> bool {
        // Every field named, so a new setting does not compile here until it is placed.
        let Settings {
            // What trains: compared.
            task: _,
            knob: _,
            cells: _,
            models: _,
            tcn_levels: _,
            tcn_kernel: _,
            heads: _,
            positions: _,
            hidden: _,
            budget: _,
            train_n: _,
            layers: _,
            direction: _,
            oneway_twin: _,
            lr: _,
            optimizer: _,
            clip: _,
            batch: _,
            seed: _,
            input_dropout: _,
            recurrent_dropout: _,
            surgery: _,
            // How the page looks and runs: never compared.
            speed: _,
            hide: _,
            presenter: _,
            question: _,
            bench_kernels: _,
            // The sweep's options: compared when asked.
            sweep_seeds: _,
            sweep_steps: _,
        } = self;
        let mut a = self.clone();
        a.speed = other.speed;
        a.question = other.question;
        a.hide.clone_from(&other.hide);
        a.presenter = other.presenter;
        a.bench_kernels = other.bench_kernels;
        if sweep == SweepOptions::Ignored {
            a.sweep_seeds = other.sweep_seeds;
            a.sweep_steps = other.sweep_steps;
        }
        a == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Settings {
        let (s, errors) = Settings::from_query(s);
        assert!(errors.is_empty(), "{errors:?}");
        s
    }

    #[test]
    fn looks_and_speed_never_count_training_settings_always_do() {
        let base = q("T=40&hidden=16&cells=gru,lstm");
        let looks =
            q("T=40&hidden=16&cells=gru,lstm&sps=3&q=4&hide=flow&presenter=1&bench=kernels");
        assert!(base.trains_like(&looks, SweepOptions::Compared));
        assert!(looks.trains_like(&base, SweepOptions::Ignored));
        for other in [
            "T=41&hidden=16&cells=gru,lstm",
            "T=40&hidden=16&cells=gru",
            "T=40&hidden=16&cells=gru,lstm&lr=0.003",
            "T=40&hidden=16&cells=gru,lstm&seed=2",
            "T=40&hidden=16&cells=gru,lstm&clip=0",
        ] {
            assert!(
                !base.trains_like(&q(other), SweepOptions::Ignored),
                "{other}"
            );
        }
    }

    #[test]
    fn the_sweep_options_count_only_when_compared() {
        let three = q("T=40&seeds=3&sweep_steps=400");
        let five = q("T=40&seeds=5&sweep_steps=200");
        assert!(three.trains_like(&five, SweepOptions::Ignored));
        assert!(!three.trains_like(&five, SweepOptions::Compared));
    }
}
