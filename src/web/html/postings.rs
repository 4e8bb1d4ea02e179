//! Need and offer pages, their forms and actions.
use actix_web::web;
pub fn routes(_cfg: &mut web::ServiceConfig) {}
