//! `articula bench …`: measurements anyone can rerun (docs/benchmarks.md).

mod append;
mod projections;
mod queries;
mod scratch;

pub use append::append;
pub use projections::{projections, Options as ProjectionsOptions};
