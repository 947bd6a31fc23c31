//! The page's components, one concept a file. Each view reads `AppState` from context and
//! hands plain numbers to a chart's `draw`.

pub mod canvas;
pub mod cell_equations;
pub mod cell_lines;
pub mod controls;
pub mod cost_table;
pub mod drilldown;
pub mod equations;
pub mod exports;
pub mod files;
pub mod flow_view;
pub mod fold;
pub mod gates_view;
pub mod grad_norm_view;
pub mod hidden_view;
pub mod interview;
pub mod interview_quiz;
pub mod kernel_bench_view;
pub mod loss_view;
pub mod models_view;
pub mod picker;
pub mod seeds_chart;
pub mod seq_equations;
pub mod sequence_view;
pub mod settings_form;
pub mod strip_view;
pub mod surgery_banner;
pub mod sweep_view;
pub mod travel_view;
