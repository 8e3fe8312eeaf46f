//! Value objects: parse, don't validate. Each type can only hold a value that passed its
//! rules, so the rest of the code never re-checks.

mod email;
mod image;
mod name;
mod password;

pub use email::Email;
pub use image::ImageUrl;
pub use name::UserName;
pub use password::PasswordPolicy;
