//! Keys and the cryptography Rapport applies to personal data (T-14).
//!
//! * **Field encryption**: XChaCha20-Poly1305 (random 192-bit nonces, so no nonce bookkeeping),
//!   with associated data naming the field and its row, so a ciphertext moved to another row or
//!   column fails to decrypt. Ciphertexts carry their key id (`k1:…`) so keys can be rotated.
//! * **Blind indexes**: HMAC-SHA-256 under a separate key, for exact lookups of encrypted values.
//! * **Anchors**: HMAC-SHA-256 under a third key over the audit chain's head.
//!
//! Keys live in a key file (mode 0600, never in the repository), by default in the data
//! directory, or come from `RAPPORT_KEYS` in production.

mod keyring;

pub use keyring::{KeyError, KeyRing};
