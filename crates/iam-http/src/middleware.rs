//! Request middleware: Better Auth's rate limiter and the per-request tracing span.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{Error, ResponseError};
use iam_auth::Clock;
use iam_auth::rate_limit::{Decision, RateLimitConfig, RateLimitStore};
use iam_domain::AuthError;
use tracing::Instrument;
use tracing::field::Empty;

use crate::client::{ClientIpResolver, rate_limit_key};
use crate::error::ApiError;
use crate::routes::BASE_PATH;

/// Better Auth's rate limiter for the auth routes. Register it as app data and wrap the app
/// with [`rate_limit`].
pub struct RateLimiter {
    pub config: RateLimitConfig,
    pub store: Arc<dyn RateLimitStore>,
    pub clients: ClientIpResolver,
    pub clock: Arc<dyn Clock>,
}

/// Runs before routing, so unknown paths under the auth base path count too (as in Better
/// Auth). Refused requests get 429 with `X-Retry-After`.
pub async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let limiter = req.app_data::<Data<RateLimiter>>().filter(|l| l.config.enabled);
    if let (Some(limiter), Some(path)) = (limiter, req.path().strip_prefix(BASE_PATH)) {
        let ip = limiter.clients.client_ip(req.request());
        let key = format!("{}|{path}", rate_limit_key(ip));
        let rule = limiter.config.rule_for(path);
        let now_ms = limiter.clock.now().timestamp_millis();
        if let Decision::Limited { retry_after_secs } = limiter.store.hit(&key, rule, now_ms).await
        {
            let response =
                ApiError(AuthError::TooManyRequests { retry_after_secs }).error_response();
            return Ok(req.into_response(response));
        }
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// One span per request with method, route pattern (never the raw path or query: they can
/// carry tokens), status and latency; one log line when it completes.
pub async fn trace_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = Empty,
        status = Empty,
        latency_ms = Empty,
    );
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let (route, status) = match &result {
        Ok(res) => (res.request().match_pattern(), res.status().as_u16()),
        Err(err) => (None, err.as_response_error().status_code().as_u16()),
    };
    span.record("route", route.as_deref().unwrap_or("<unmatched>"));
    span.record("status", status);
    span.record("latency_ms", latency_ms);
    span.in_scope(|| tracing::info!("request completed"));
    result
}
