use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse};
use iam_domain::time::iso_millis;
use serde::Serialize;

use crate::error::ApiError;
use crate::state::AuthState;

/// An account as `/list-accounts` shows it: no tokens, no password.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccountView<'a> {
    id: &'a str,
    provider_id: &'a str,
    account_id: &'a str,
    user_id: &'a str,
    #[serde(with = "iso_millis")]
    created_at: chrono::DateTime<chrono::Utc>,
    #[serde(with = "iso_millis")]
    updated_at: chrono::DateTime<chrono::Utc>,
    scopes: Vec<&'a str>,
}

/// `GET /list-accounts`
pub(crate) async fn list_accounts(
    state: Data<AuthState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let auth = state.guard.require(&req).await?;
    let accounts = state.service.list_accounts(&auth.user.id).await?;
    let views: Vec<AccountView<'_>> = accounts
        .iter()
        .map(|a| AccountView {
            id: &a.id,
            provider_id: &a.provider_id,
            account_id: &a.account_id,
            user_id: &a.user_id,
            created_at: a.created_at,
            updated_at: a.updated_at,
            scopes: a.scopes(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(views))
}
