//! Initiatives.

use crate::access::ApiRoutes;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
}
