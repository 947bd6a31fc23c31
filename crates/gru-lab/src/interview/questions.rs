//! The ten questions as data: title, the experiment (a settings query, applied like
//! [`crate::settings::presets`]), the view to look at, the quiz and its judge, and the answer.

use super::answer;
use super::judge;
use super::seeds;
use super::{Facts, Verdict};
use crate::settings::same_runs::SweepOptions;
use crate::settings::Settings;

/// A predict-then-reveal quiz.
#[derive(Clone, Copy)]
pub struct Quiz {
    /// The question the learner predicts.
    pub prompt: &'static str,
    /// The possible outcomes.
    pub options: &'static [&'static str],
    /// Which option the run produced, from its real numbers.
    pub judge: fn(&Facts) -> Verdict,
    /// The step the verdict is first read at: "Run this experiment" trains to it and pauses
    /// there, so the verdict holds while it is read (Play trains on, and the verdict follows).
    /// `None` where the question names no step.
    pub steps: Option<u64>,
}

/// One interview question.
#[derive(Clone, Copy)]
pub struct Question {
    /// 1-based number, the `q=` value.
    pub n: usize,
    /// The question as asked.
    pub title: &'static str,
    /// The experiment, as a settings query (canonical order, without `q`).
    pub preset: &'static str,
    /// DOM id of the view to look at.
    pub view: &'static str,
    /// That view's name in the page's words.
    pub view_name: &'static str,
    /// The quiz.
    pub quiz: Quiz,
    /// The answer's paragraphs, from the live numbers.
    pub answer: fn(&Facts) -> Vec<String>,
}

const CELLS2: &[&str] = &["GRU", "LSTM", "about equal"];

/// The ten questions, in the order of issue #9.
pub static QUESTIONS: &[Question] = &[
    Question {
        n: 1,
        title: "How does a GRU differ from an LSTM?",
        preset: "cells=gru,lstm",
        view: "v-compare",
        view_name: "the Compare table",
        quiz: Quiz {
            prompt: "On the adding problem (T = 40), which has the lower validation loss once both have trained 400 steps?",
            options: CELLS2,
            judge: judge::gru_vs_lstm,
            steps: Some(400),
        },
        answer: answer::differ,
    },
    Question {
        n: 2,
        title: "Write the GRU equations, with biases. Which conventions differ between papers and frameworks?",
        preset: "cells=gru,gru_torch",
        view: "v-equations",
        view_name: "the equations",
        quiz: Quiz {
            prompt: "After 300 steps, does the page's GRU mostly keep its old state or mostly take the new candidate (mean z over the inspected sample)?",
            options: &["mostly keeps h(t−1): mean z below 0.5", "mostly takes the candidate: mean z above 0.5"],
            judge: judge::keeps_or_writes,
            steps: Some(300),
        },
        answer: answer::equations,
    },
    Question {
        n: 3,
        title: "How does a GRU ease the vanishing-gradient problem?",
        preset: "T=100",
        view: "v-flow",
        view_name: "the gradient-flow section",
        quiz: Quiz {
            prompt: "At T = 100, after 300 steps, whose ‖∂h_T/∂h_0‖ is higher?",
            options: &["GRU", "RNN", "about equal (within 10×)"],
            judge: judge::far_gradient,
            steps: Some(300),
        },
        answer: answer::vanishing,
    },
    Question {
        n: 4,
        title: "Why is a GRU often faster to train than an LSTM?",
        preset: "T=100&cells=gru,lstm&hidden=32",
        view: "v-loss",
        view_name: "the loss chart",
        quiz: Quiz {
            prompt: "Which brings the validation loss below half the baseline in fewer training steps?",
            options: &["GRU", "LSTM", "about the same step (within 10 %)"],
            judge: judge::fewer_steps,
            steps: None,
        },
        answer: answer::faster,
    },
    Question {
        n: 5,
        title: "When can a GRU beat an LSTM?",
        preset: "T=20&cells=gru,lstm&hidden=8&train_n=64",
        view: "v-loss",
        view_name: "the loss chart",
        quiz: Quiz {
            prompt: "With 8 hidden units, short sequences (T = 20) and only 64 training sequences, which has the lower validation loss once both have trained 500 steps?",
            options: CELLS2,
            judge: judge::small_budget,
            steps: Some(500),
        },
        answer: answer::beat,
    },
    Question {
        n: 6,
        title: "What are the GRU's limits against an LSTM?",
        preset: "task=parity&T=16&cells=gru,lstm",
        view: "v-compare",
        view_name: "the Compare table",
        quiz: Quiz {
            prompt: "Parity of 16 bits is counting mod 2. Which has the higher validation accuracy once both have trained 600 steps?",
            options: CELLS2,
            judge: judge::accuracy,
            steps: Some(600),
        },
        answer: answer::limits,
    },
    Question {
        n: 7,
        title: "How do you apply dropout to a GRU?",
        preset: "cells=gru&rdropout=0.3",
        view: "v-loss",
        view_name: "the loss chart",
        quiz: Quiz {
            prompt: "With recurrent dropout 0.3, after 300 steps, where is the training loss (dropout on) against the validation loss (dropout off)?",
            options: &["training loss above validation", "training loss below validation", "about equal (within 20 %)"],
            judge: judge::dropout_gap,
            steps: Some(300),
        },
        answer: answer::dropout,
    },
    Question {
        n: 8,
        title: "Bidirectional and stacked GRUs: what does each add, and what does it cost?",
        preset: "task=lookahead&T=20&cells=gru&layers=2&bi=1&oneway=1",
        view: "v-loss",
        view_name: "the loss chart (and the gates section's layer/direction picker)",
        quiz: Quiz {
            prompt: "Lookahead: the target at step t is the input at t + 2. Same hidden size, same data: after 300 steps, which ends with the lower validation loss?",
            options: &["the bidirectional GRU", "the one-way GRU", "about equal (within 10 %)"],
            judge: judge::future_context,
            steps: Some(300),
        },
        answer: answer::stacked,
    },
    Question {
        n: 9,
        title: "What goes wrong on very long sequences, and what do people use instead?",
        preset: "T=300&cells=gru,tcn,attn",
        view: "v-flow",
        view_name: "the gradient-flow section",
        quiz: Quiz {
            prompt: "At T = 300, after 100 steps, is the GRU's ‖∂h_T/∂h_0‖ above 10⁻³?",
            options: &["yes, above 10⁻³", "no, below 10⁻³"],
            judge: judge::long_gradient,
            steps: Some(100),
        },
        answer: answer::long,
    },
    Question {
        n: 10,
        title: "How do you evaluate a GRU against other sequence models?",
        preset: "cells=gru,lstm,rnn&seeds=3&sweep_steps=400",
        view: "v-sweep",
        view_name: "the \"Validation loss over seeds\" chart in Learning (loss against step: mean and range over seeds)",
        quiz: Quiz {
            prompt: "Each model trained afresh with several seeds (the preset runs 3; a link or the form may ask for more), the same data per seed and the same step budget: which ends with the lowest mean validation loss, with every one of its seeds below every seed of the others?",
            options: seeds::OPTIONS,
            judge: seeds::judge,
            steps: None,
        },
        answer: answer::evaluate,
    },
];

/// Question `n` (1-based).
pub fn question(n: usize) -> Option<&'static Question> {
    QUESTIONS.iter().find(|q| q.n == n)
}

impl Question {
    /// The experiment's settings, with interview mode on this question; how the page looks
    /// (`hide`, `presenter`) is taken from `page`. For the multi-seed question, a page that
    /// already asks for a multi-seed run (`seeds=` 2 or more, e.g. from a shared
    /// `?q=10&seeds=5&sweep_steps=800` link or the form) keeps its seeds and sweep steps.
    pub fn settings(&self, page: &Settings) -> Settings {
        let mut s = Settings::from_query(self.preset).0;
        s.question = Some(self.n);
        s.hide = page.hide.clone();
        s.presenter = page.presenter;
        if s.sweep_seeds > 1 && page.sweep_seeds > 1 {
            s.sweep_seeds = page.sweep_seeds;
            s.sweep_steps = page.sweep_steps;
        }
        s
    }

    /// Whether `page` (the applied settings) runs this question's experiment: its preset,
    /// whatever the seed, the speed and the page's looks. On other settings a verdict would
    /// answer another question ("At T = 100 …" judged on a T = 40 run).
    pub fn runs_on(&self, page: &Settings) -> bool {
        let mut want = self.settings(page);
        want.seed = page.seed;
        let sweep = if self.multi_seed() {
            SweepOptions::Compared
        } else {
            SweepOptions::Ignored
        };
        want.trains_like(page, sweep)
    }

    /// The quiz's verdict on `f`, the facts of the page's settings `page`: undecided until the
    /// page runs this question's experiment ([`Question::runs_on`]).
    pub fn verdict(&self, page: &Settings, f: &Facts) -> Verdict {
        // The multi-seed question judges its sweep's fresh runs, not the live ones.
        let retuned = f.retuned_at.filter(|_| !self.multi_seed());
        if let (true, Some(at)) = (self.runs_on(page), retuned) {
            Verdict::Undecided {
                needs: format!(
                    "from step {at} these runs trained with another learning rate or clip than the experiment's (a live change, or a reset made during one), so they are not this experiment's runs: press \"Run this experiment\""
                ),
            }
        } else if self.runs_on(page) {
            (self.quiz.judge)(f)
        } else {
            Verdict::Undecided {
                needs: format!(
                    "this quiz judges its own experiment ({}), not the settings on the page: press \"Run this experiment\"",
                    self.preset
                ),
            }
        }
    }

    /// Whether "Run this experiment" runs the multi-seed comparison (the preset asks for
    /// two or more sweep seeds): a sweep of the preset's T alone, after the fresh runs start.
    pub fn multi_seed(&self) -> bool {
        Settings::from_query(self.preset).0.sweep_seeds > 1
    }

    /// The link to this question's experiment (the preset plus `q`).
    pub fn link(&self) -> String {
        self.settings(&Settings::default()).to_query()
    }
}
