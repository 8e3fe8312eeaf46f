//! The application's own API next to `/api/auth` (the seed's oRPC routes): a health check
//! and a protected route, the pattern other services copy: take [`Authenticated`] as an
//! argument and anonymous callers get a 401 in Better Auth's error shape.

use actix_web::{HttpResponse, Responder, web};
use iam_http::Authenticated;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(root))
        .route("/rpc/healthCheck", web::get().to(health_check))
        .route("/rpc/healthCheck", web::post().to(health_check))
        .route("/rpc/privateData", web::get().to(private_data))
        .route("/rpc/privateData", web::post().to(private_data));
}

async fn root() -> impl Responder {
    "OK"
}

async fn health_check() -> impl Responder {
    HttpResponse::Ok().json("OK")
}

async fn private_data(auth: Authenticated) -> impl Responder {
    HttpResponse::Ok().json(json!({ "message": "This is private", "user": auth.user }))
}
