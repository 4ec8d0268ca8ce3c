//! Communities of practice and their threads.

use crate::access::ApiRoutes;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
}
