use crate::AuthError;

/// Better Auth's password length rule. Lengths count UTF-16 code units, as JavaScript's
/// `String.length` does, so the same password passes or fails on both servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub max_length: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_length: 8, max_length: 128 }
    }
}

impl PasswordPolicy {
    /// Checks a new password (sign-up, change, reset).
    pub fn check_new(&self, password: &str) -> Result<(), AuthError> {
        let len = js_length(password);
        if len < self.min_length {
            return Err(AuthError::PasswordTooShort);
        }
        if len > self.max_length {
            return Err(AuthError::PasswordTooLong);
        }
        Ok(())
    }

    /// Checks a password offered for verification: only the maximum applies, so an
    /// attacker cannot make us hash megabytes.
    pub fn check_offered(&self, password: &str) -> Result<(), AuthError> {
        if js_length(password) > self.max_length {
            return Err(AuthError::PasswordTooLong);
        }
        Ok(())
    }
}

fn js_length(s: &str) -> usize {
    s.encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_count_utf16_units() {
        let p = PasswordPolicy::default();
        assert!(matches!(p.check_new("1234567"), Err(AuthError::PasswordTooShort)));
        assert!(p.check_new("12345678").is_ok());
        assert!(p.check_new(&"a".repeat(128)).is_ok());
        assert!(matches!(p.check_new(&"a".repeat(129)), Err(AuthError::PasswordTooLong)));
        // Four emoji are eight UTF-16 units.
        assert!(p.check_new("😀😀😀😀").is_ok());
        assert!(p.check_offered("x").is_ok());
    }
}
