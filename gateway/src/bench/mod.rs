//! `articula bench …`: measurements anyone can rerun (docs/benchmarks.md).

mod append;
mod audit_pages;
mod history;
mod http;
mod lists;
mod memory;
mod pages;
mod projections;
mod queries;
mod scratch;

pub use append::append;
pub use history::history;
pub use http::{http, Options as HttpOptions};
pub use memory::memory;
pub use pages::pages;
pub use projections::{projections, Options as ProjectionsOptions};
