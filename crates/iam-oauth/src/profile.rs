//! From a provider's answer to a [`ProviderProfile`], as Better Auth maps each provider.
//! Kept pure (JSON in, profile out) so each mapping is tested against recorded real
//! response shapes.

use iam_auth::social::ProviderProfile;
use serde_json::Value;

fn string(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `true`, or the string `"true"` some providers send.
fn flag(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// OpenID Connect claims (ID token or user-info endpoint).
pub fn from_oidc_claims(claims: &Value) -> Option<ProviderProfile> {
    let name = string(claims, "name").or_else(|| {
        let parts: Vec<String> =
            ["given_name", "family_name"].iter().filter_map(|k| string(claims, k)).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    Some(ProviderProfile {
        id: string(claims, "sub")?,
        email: string(claims, "email")
            .or_else(|| string(claims, "preferred_username").filter(|u| u.contains('@'))),
        email_verified: flag(claims, "email_verified"),
        name,
        image: string(claims, "picture"),
        raw: claims.clone(),
    })
}

/// GitHub: `/user`, with the email (and whether it is verified) from `/user/emails` when
/// the profile's public email is empty — the primary address, as Better Auth does.
pub fn from_github(user: &Value, emails: Option<&Value>) -> Option<ProviderProfile> {
    let listed = emails.and_then(Value::as_array);
    let public = string(user, "email");
    let primary = listed.and_then(|list| {
        list.iter().find(|e| e.get("primary").and_then(Value::as_bool) == Some(true))
    });
    let email = public.or_else(|| primary.and_then(|p| string(p, "email")));
    let email_verified = match (&email, listed) {
        (Some(email), Some(list)) => list
            .iter()
            .find(|e| e.get("email").and_then(Value::as_str) == Some(email.as_str()))
            .is_some_and(|e| flag(e, "verified")),
        _ => false,
    };
    Some(ProviderProfile {
        id: string(user, "id")?,
        email,
        email_verified,
        name: string(user, "name").or_else(|| string(user, "login")),
        image: string(user, "avatar_url"),
        raw: user.clone(),
    })
}

/// Discord: `/users/@me`.
pub fn from_discord(user: &Value) -> Option<ProviderProfile> {
    let id = string(user, "id")?;
    let image = match string(user, "avatar") {
        Some(avatar) => {
            let ext = if avatar.starts_with("a_") { "gif" } else { "png" };
            Some(format!("https://cdn.discordapp.com/avatars/{id}/{avatar}.{ext}"))
        }
        None => Some("https://cdn.discordapp.com/embed/avatars/0.png".to_owned()),
    };
    Some(ProviderProfile {
        email: string(user, "email"),
        email_verified: flag(user, "verified"),
        name: string(user, "global_name").or_else(|| string(user, "username")),
        image,
        raw: user.clone(),
        id,
    })
}

/// X (Twitter): `/2/users/me` answers `{"data": {...}}`; the email only with the
/// `users.email` scope (`confirmed_email`).
pub fn from_twitter(body: &Value) -> Option<ProviderProfile> {
    let data = body.get("data")?;
    let email = string(data, "confirmed_email").or_else(|| string(data, "email"));
    Some(ProviderProfile {
        id: string(data, "id")?,
        email_verified: email.is_some() && data.get("confirmed_email").is_some(),
        email,
        name: string(data, "name").or_else(|| string(data, "username")),
        image: string(data, "profile_image_url"),
        raw: data.clone(),
    })
}

/// A generic user-info answer: OIDC claim names, or common OAuth 2.0 ones.
pub fn from_userinfo(v: &Value) -> Option<ProviderProfile> {
    Some(ProviderProfile {
        id: string(v, "sub").or_else(|| string(v, "id"))?,
        email: string(v, "email"),
        email_verified: flag(v, "email_verified") || flag(v, "verified_email"),
        name: string(v, "name").or_else(|| string(v, "login")).or_else(|| string(v, "username")),
        image: string(v, "picture")
            .or_else(|| string(v, "avatar_url"))
            .or_else(|| string(v, "image")),
        raw: v.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Shapes recorded from GitHub's REST API (`GET /user`, `GET /user/emails`) for an account
    /// whose email is private.
    #[test]
    fn github_private_email_comes_from_the_primary_verified_address() {
        let user = json!({
            "login": "octocat", "id": 583231, "node_id": "MDQ6VXNlcjU4MzIzMQ==",
            "avatar_url": "https://avatars.githubusercontent.com/u/583231?v=4",
            "type": "User", "site_admin": false, "name": "The Octocat", "company": "@github",
            "blog": "https://github.blog", "location": "San Francisco", "email": null,
            "hireable": null, "bio": null, "public_repos": 8, "followers": 10000,
            "created_at": "2011-01-25T18:44:36Z", "updated_at": "2024-01-22T12:29:24Z"
        });
        let emails = json!([
            {"email": "octocat@github.com", "verified": true, "primary": true, "visibility": "private"},
            {"email": "octocat@users.noreply.github.com", "verified": true, "primary": false, "visibility": null},
            {"email": "old@example.com", "verified": false, "primary": false, "visibility": null}
        ]);
        let p = from_github(&user, Some(&emails)).unwrap();
        assert_eq!(p.id, "583231");
        assert_eq!(p.email.as_deref(), Some("octocat@github.com"));
        assert!(p.email_verified);
        assert_eq!(p.name.as_deref(), Some("The Octocat"));
        assert_eq!(p.image.as_deref(), Some("https://avatars.githubusercontent.com/u/583231?v=4"));
    }

    #[test]
    fn github_public_unverified_email_and_missing_name() {
        let user = json!({"login": "someone", "id": 42, "email": "Some@Example.com", "name": null, "avatar_url": "https://a/42"});
        let emails = json!([{"email": "Some@Example.com", "verified": false, "primary": true}]);
        let p = from_github(&user, Some(&emails)).unwrap();
        assert_eq!(p.email.as_deref(), Some("Some@Example.com"));
        assert!(!p.email_verified);
        assert_eq!(p.name.as_deref(), Some("someone"), "falls back to the login");
        assert!(from_github(&json!({"login": "x"}), None).is_none(), "no id, no profile");
    }

    /// Claims of a Google ID token (recorded shape; signature irrelevant here).
    #[test]
    fn google_id_token_claims() {
        let claims = json!({
            "iss": "https://accounts.google.com", "azp": "1234.apps.googleusercontent.com",
            "aud": "1234.apps.googleusercontent.com", "sub": "110169484474386276334",
            "email": "jane.doe@gmail.com", "email_verified": true, "at_hash": "HK6E_P6Dh8Y93mRNtsDB1Q",
            "nonce": "n-0S6_WzA2Mj", "name": "Jane Doe",
            "picture": "https://lh3.googleusercontent.com/a/ACg8ocJ=s96-c",
            "given_name": "Jane", "family_name": "Doe", "iat": 1700000000, "exp": 1700003600
        });
        let p = from_oidc_claims(&claims).unwrap();
        assert_eq!(p.id, "110169484474386276334");
        assert_eq!(p.email.as_deref(), Some("jane.doe@gmail.com"));
        assert!(p.email_verified);
        assert_eq!(p.name.as_deref(), Some("Jane Doe"));
        let no_name = json!({"sub": "1", "given_name": "Jane", "family_name": "Doe", "email_verified": "true"});
        let p = from_oidc_claims(&no_name).unwrap();
        assert_eq!(p.name.as_deref(), Some("Jane Doe"));
        assert!(p.email_verified, "string booleans count");
    }

    #[test]
    fn discord_and_twitter_shapes() {
        let d = from_discord(&json!({"id": "80351110224678912", "username": "nelly", "global_name": "Nelly",
            "avatar": "8342729096ea3675442027381ff50dfe", "email": "nelly@discord.com", "verified": true})).unwrap();
        assert_eq!(
            d.image.as_deref(),
            Some(
                "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"
            )
        );
        assert_eq!(d.name.as_deref(), Some("Nelly"));
        assert!(d.email_verified);
        let t = from_twitter(
            &json!({"data": {"id": "2244994945", "name": "X Dev", "username": "XDevelopers",
            "profile_image_url": "https://pbs.twimg.com/profile_images/1.jpg"}}),
        )
        .unwrap();
        assert_eq!(t.id, "2244994945");
        assert!(t.email.is_none());
    }
}
