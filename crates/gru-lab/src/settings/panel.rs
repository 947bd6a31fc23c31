//! The page parts a classroom link may hide (`hide=`): one [`Panel`] each, written in links by
//! its URL id.

/// A page part a link may hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The settings form.
    Settings,
    /// The equations.
    Equations,
    /// The save, load and export buttons.
    Files,
    /// The Learning section (loss chart and Compare table).
    Loss,
    /// The gradient-flow section.
    Flow,
    /// The gates and hidden-state section.
    Gates,
}

impl Panel {
    /// Every panel, in the order a link lists them.
    pub const ALL: [Panel; 6] = [
        Panel::Settings,
        Panel::Equations,
        Panel::Files,
        Panel::Loss,
        Panel::Flow,
        Panel::Gates,
    ];

    /// Its id in `hide=` (shared links carry it: never change one).
    pub const fn id(self) -> &'static str {
        match self {
            Panel::Settings => "settings",
            Panel::Equations => "equations",
            Panel::Files => "files",
            Panel::Loss => "loss",
            Panel::Flow => "flow",
            Panel::Gates => "gates",
        }
    }

    /// What it is, in plain words.
    pub const fn description(self) -> &'static str {
        match self {
            Panel::Settings => "the settings form",
            Panel::Equations => "the equations",
            Panel::Files => "the save, load and export buttons",
            Panel::Loss => "the Learning section (loss chart and Compare table)",
            Panel::Flow => "the gradient-flow section",
            Panel::Gates => "the gates and hidden-state section",
        }
    }

    /// The panel whose URL id is `id`, if any.
    pub fn from_id(id: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.id() == id)
    }
}
