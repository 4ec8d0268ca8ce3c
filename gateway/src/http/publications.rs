//! Publications, news and gatherings (and the iCalendar of gatherings).

use crate::access::ApiRoutes;

pub fn routes() -> ApiRoutes {
    ApiRoutes::new()
}
