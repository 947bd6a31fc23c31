//! Interview mode: the ten classic GRU questions ([`QUESTIONS`]), each with a settings preset
//! that runs its experiment, an answer whose numbers come from the live run ([`answer`]) and a
//! predict-then-reveal quiz judged on what the run actually did ([`judge`]). Pure logic over
//! [`Facts`] gathered from the page's history; the page only draws it.

pub mod answer;
#[cfg(test)]
mod answer_tests;
#[cfg(test)]
mod count_tests;
pub mod facts;
#[cfg(test)]
mod facts_tests;
pub mod judge;
mod phrases;
pub mod questions;
pub mod seeds;
#[cfg(test)]
mod tests;

pub use facts::{CellFacts, Facts};
pub use questions::{question, Question, Quiz, QUESTIONS};

/// What the run says about a quiz.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// The run has decided: option `option` happened, for the reason `because` (numbers).
    Decided {
        /// Index into the quiz's options.
        option: usize,
        /// The run's numbers that decide it.
        because: String,
    },
    /// Not yet: `needs` says what decides it.
    Undecided {
        /// What the run still has to do.
        needs: String,
    },
}

impl Verdict {
    /// The sentence the page shows once the learner, who predicted option `pick`, asks for
    /// the reveal.
    pub fn check(&self, pick: usize, options: &[&str]) -> String {
        let name = |i: usize| options.get(i).copied().unwrap_or("?");
        match self {
            Verdict::Decided { option, because } if *option == pick => {
                format!("Your prediction held: {}. {because}", name(pick))
            }
            Verdict::Decided { option, because } => format!(
                "Not this time: you predicted {}, the run gave {}. {because}",
                name(pick),
                name(*option)
            ),
            Verdict::Undecided { needs } => {
                format!("Not decided yet — keep training: {needs}")
            }
        }
    }
}
