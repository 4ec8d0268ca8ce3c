//! Joint projects between initiatives.

use crate::access::ApiRoutes;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
}
