//! `/list-accounts`.

use iam_domain::{Account, AuthError};

use crate::service::AuthService;

impl AuthService {
    pub async fn list_accounts(&self, user_id: &str) -> Result<Vec<Account>, AuthError> {
        Ok(self.repos.accounts.list_for_user(user_id).await?)
    }
}
