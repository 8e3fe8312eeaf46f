use validator::ValidateLength;

/// A display name. Better Auth accepts any string; we cap the length so an over-long name
/// is a clear 400 rather than a database error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

impl UserName {
    pub const MAX_CHARS: u64 = 255;

    /// Control characters are refused: they have no place in a name and some databases
    /// cannot store NUL at all.
    pub fn parse(raw: &str) -> Option<Self> {
        (raw.validate_length(None, Some(Self::MAX_CHARS), None)
            && !raw.chars().any(char::is_control))
        .then(|| Self(raw.to_owned()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}
