use actix_web::http::header::{CONTENT_TYPE, LOCATION};
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use serde_json::json;

use crate::csrf::query_param;
use crate::state::AuthState;

/// `GET /ok`
pub(crate) async fn ok() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "ok": true }))
}

/// `GET /error?error=CODE&error_description=...`: where failed browser flows land. In
/// production it sends the browser to the app (`/?error=...`); otherwise it shows a page.
pub(crate) async fn error_page(state: Data<AuthState>, req: HttpRequest) -> HttpResponse {
    let raw_code = query_param(&req, "error").unwrap_or_default();
    // Only a plain identifier is echoed; anything else could be markup.
    let valid = !raw_code.is_empty()
        && raw_code.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '\''));
    let code = if valid { raw_code.as_str() } else { "UNKNOWN" };
    let description = query_param(&req, "error_description");

    if state.production {
        let mut target = url::form_urlencoded::Serializer::new(String::from("/?"));
        target.append_pair("error", code);
        if let Some(d) = &description {
            target.append_pair("error_description", d);
        }
        return HttpResponse::Found().insert_header((LOCATION, target.finish())).finish();
    }
    let description = description.map_or_else(
        || "Something went wrong while signing you in. Please try again.".to_owned(),
        |d| iam_auth::html::escape(&d),
    );
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Error</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>body{{font-family:system-ui,sans-serif;display:grid;place-items:center;\
         min-height:100vh;margin:0;background:#fafafa;color:#111}}main{{max-width:32rem;\
         padding:2rem;border:1px solid #ddd;border-radius:8px;background:#fff}}\
         code{{background:#f1f1f1;padding:.1rem .3rem;border-radius:4px}}</style></head>\
         <body><main><h1>Something went wrong</h1><p>Error code: <code>{code}</code></p>\
         <p>{description}</p><p><a href=\"/\">Go home</a></p></main></body></html>"
    );
    HttpResponse::Ok().insert_header((CONTENT_TYPE, "text/html")).body(page)
}
