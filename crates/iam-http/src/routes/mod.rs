//! The `/api/auth` routes. Each path answers only its method; anything else is Better
//! Auth's bare 404 (it has no 405).

mod account;
mod email;
mod email_otp;
mod meta;
mod organization;
mod password;
mod session;
mod sign_in;
mod sign_up;
mod social;
mod user;

use actix_web::guard::{self, GuardContext};
use actix_web::{HttpResponse, Route, web};

use crate::state::AuthState;

/// Better Auth's default base path.
pub const BASE_PATH: &str = "/api/auth";

pub(crate) async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().finish()
}

fn resource(path: &str, route: Route) -> actix_web::Resource {
    web::resource(path).route(route).default_service(web::to(not_found))
}

/// A route of the email-OTP plugin: it exists only while the plugin is on (otherwise the
/// request falls through to the bare 404, as an unknown path does in Better Auth).
fn otp_resource(path: &str, route: Route) -> actix_web::Resource {
    fn plugin_on(ctx: &GuardContext<'_>) -> bool {
        ctx.app_data::<web::Data<AuthState>>().is_some_and(|s| s.service.config().email_otp.enabled)
    }
    resource(path, route).guard(guard::fn_guard(plugin_on))
}

/// Mounts every auth route under [`BASE_PATH`].
pub fn configure(cfg: &mut web::ServiceConfig) {
    // Core routes first: actix tries resources in order, and the session check is the
    // hot path.
    let core = web::scope(BASE_PATH)
        .service(resource("/sign-up/email", web::post().to(sign_up::sign_up_email)))
        .service(resource("/sign-in/email", web::post().to(sign_in::sign_in_email)))
        .service(resource("/sign-out", web::post().to(session::sign_out)))
        .service(
            web::resource("/get-session")
                .route(web::get().to(session::get_session))
                .route(web::post().to(session::post_get_session))
                .default_service(web::to(not_found)),
        )
        .service(resource("/list-sessions", web::get().to(session::list_sessions)))
        .service(resource("/revoke-session", web::post().to(session::revoke_session)))
        .service(resource("/revoke-sessions", web::post().to(session::revoke_sessions)))
        .service(resource("/revoke-other-sessions", web::post().to(session::revoke_other_sessions)))
        .service(resource("/update-user", web::post().to(user::update_user)))
        .service(resource("/change-password", web::post().to(user::change_password)))
        .service(resource("/verify-password", web::post().to(user::verify_password)))
        .service(resource("/delete-user", web::post().to(user::delete_user)))
        .service(resource("/delete-user/callback", web::get().to(user::delete_user_callback)))
        .service(resource("/list-accounts", web::get().to(account::list_accounts)))
        .service(resource(
            "/send-verification-email",
            web::post().to(email::send_verification_email),
        ))
        .service(resource("/verify-email", web::get().to(email::verify_email)))
        .service(resource("/change-email", web::post().to(email::change_email)))
        .service(resource(
            "/request-password-reset",
            web::post().to(password::request_password_reset),
        ))
        .service(resource("/reset-password/{token}", web::get().to(password::reset_password_link)))
        .service(resource("/reset-password", web::post().to(password::reset_password)))
        .service(otp_resource(
            "/email-otp/send-verification-otp",
            web::post().to(email_otp::send_verification_otp),
        ))
        .service(otp_resource(
            "/email-otp/check-verification-otp",
            web::post().to(email_otp::check_verification_otp),
        ))
        .service(otp_resource("/email-otp/verify-email", web::post().to(email_otp::verify_email)))
        .service(otp_resource("/sign-in/email-otp", web::post().to(email_otp::sign_in)))
        .service(otp_resource(
            "/email-otp/request-password-reset",
            web::post().to(email_otp::request_password_reset),
        ))
        .service(otp_resource(
            "/forget-password/email-otp",
            web::post().to(email_otp::request_password_reset),
        ))
        .service(otp_resource(
            "/email-otp/reset-password",
            web::post().to(email_otp::reset_password),
        ))
        .service(otp_resource(
            "/email-otp/request-email-change",
            web::post().to(email_otp::request_email_change),
        ))
        .service(otp_resource("/email-otp/change-email", web::post().to(email_otp::change_email)))
        .service(resource("/sign-in/social", web::post().to(social::sign_in_social)))
        .service(resource("/link-social", web::post().to(social::link_social)))
        .service(
            web::resource("/callback/{provider}")
                .route(web::get().to(social::callback))
                .route(web::post().to(social::callback_form_post))
                .default_service(web::to(not_found)),
        )
        .service(resource("/unlink-account", web::post().to(social::unlink_account)))
        .service(resource("/get-access-token", web::post().to(social::get_access_token)))
        .service(resource("/refresh-token", web::post().to(social::refresh_token)))
        .service(resource("/account-info", web::get().to(social::account_info)))
        .service(resource("/ok", web::get().to(meta::ok)))
        .service(resource("/error", web::get().to(meta::error_page)));
    cfg.service(organization::configure(core).default_service(web::to(not_found)));
}
