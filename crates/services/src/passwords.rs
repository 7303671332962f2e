//! Staff passwords: argon2id hashes (PHC strings) and the temporary passwords given at a first
//! login or a reset.
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use rand::Rng;
use rand::distr::Alphanumeric;

/// Shortest password a staff member may choose.
pub const MIN_PASSWORD_LEN: usize = 12;

/// A password a staff member chose is long enough; the error says how long it must be.
pub fn check_chosen(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!(
            "a password needs at least {MIN_PASSWORD_LEN} characters"
        ));
    }
    Ok(())
}

/// Hashes a password with argon2id (default parameters, random salt). CPU-heavy: call from a
/// blocking thread.
pub fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a password against a stored PHC string. CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random password for a first login or a reset: 20 letters and digits.
pub fn temporary_password() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("correct hors", &hash));
        assert!(!verify_password("correct horse", "not a phc string"));
    }

    #[test]
    fn a_chosen_password_is_refused_below_the_minimum_length_only() {
        let short = "a".repeat(MIN_PASSWORD_LEN - 1);
        assert_eq!(
            check_chosen(&short).unwrap_err(),
            "a password needs at least 12 characters"
        );
        // Characters, not bytes: twelve hanzi are enough.
        assert!(check_chosen(&"密".repeat(MIN_PASSWORD_LEN)).is_ok());
        assert!(check_chosen(&"密".repeat(MIN_PASSWORD_LEN - 1)).is_err());
    }

    #[test]
    fn temporary_passwords_are_long_and_differ() {
        let (a, b) = (temporary_password(), temporary_password());
        assert_eq!(a.len(), 20);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
