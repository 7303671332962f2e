use std::path::Path;

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("keys: {0}")]
    Invalid(String),
    #[error(
        "a stored value could not be decrypted ({0}): wrong key, or the value was altered or moved"
    )]
    Decrypt(String),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    version: u32,
    /// Key id used for new ciphertexts.
    active_field_key: u32,
    field_keys: Vec<FieldKeyEntry>,
    blind_index_key: String,
    anchor_key: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldKeyEntry {
    id: u32,
    key: String,
}

/// Every key Rapport uses. Key bytes are zeroed when dropped and never printed.
pub struct KeyRing {
    field_keys: Vec<(u32, Zeroizing<[u8; 32]>)>,
    active: u32,
    blind_key: Zeroizing<[u8; 32]>,
    anchor_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "KeyRing(active field key {}, {} field keys)",
            self.active,
            self.field_keys.len()
        )
    }
}

fn random_key() -> Zeroizing<[u8; 32]> {
    let mut k = Zeroizing::new([0u8; 32]);
    rand::rng().fill_bytes(k.as_mut());
    k
}

fn parse_key(name: &str, hex_text: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let bytes = Zeroizing::new(
        hex::decode(hex_text.trim())
            .map_err(|_| KeyError::Invalid(format!("{name} is not hexadecimal")))?,
    );
    let arr: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::Invalid(format!("{name} must be 32 bytes (64 hex digits)")))?;
    Ok(Zeroizing::new(arr))
}

impl KeyRing {
    /// Fresh random keys (first run, tests).
    pub fn generate() -> Self {
        Self {
            field_keys: vec![(1, random_key())],
            active: 1,
            blind_key: random_key(),
            anchor_key: random_key(),
        }
    }

    /// Parses the key file's TOML text.
    pub fn from_toml(text: &str) -> Result<Self, KeyError> {
        let file: KeyFile =
            toml::from_str(text).map_err(|e| KeyError::Invalid(e.message().to_owned()))?;
        if file.version != 1 {
            return Err(KeyError::Invalid(format!(
                "unsupported key file version {}",
                file.version
            )));
        }
        let mut field_keys = Vec::new();
        for k in &file.field_keys {
            field_keys.push((k.id, parse_key(&format!("field key {}", k.id), &k.key)?));
        }
        if !field_keys
            .iter()
            .any(|(id, _)| *id == file.active_field_key)
        {
            return Err(KeyError::Invalid(format!(
                "active field key {} is not listed",
                file.active_field_key
            )));
        }
        Ok(Self {
            field_keys,
            active: file.active_field_key,
            blind_key: parse_key("blind_index_key", &file.blind_index_key)?,
            anchor_key: parse_key("anchor_key", &file.anchor_key)?,
        })
    }

    pub fn to_toml(&self) -> String {
        let file = KeyFile {
            version: 1,
            active_field_key: self.active,
            field_keys: self
                .field_keys
                .iter()
                .map(|(id, k)| FieldKeyEntry {
                    id: *id,
                    key: hex::encode(k.as_ref()),
                })
                .collect(),
            blind_index_key: hex::encode(self.blind_key.as_ref()),
            anchor_key: hex::encode(self.anchor_key.as_ref()),
        };
        toml::to_string(&file).unwrap_or_default()
    }

    /// Loads the key file, creating it (mode 0600) with fresh keys if it does not exist.
    /// A key file that others can read is refused.
    pub fn load_or_create(path: &Path) -> Result<Self, KeyError> {
        let err = |reason: String| KeyError::File {
            path: path.display().to_string(),
            reason,
        };
        if !path.exists() {
            // Written whole under a temporary name, then linked into place (a link never
            // replaces a file): a crash leaves no half-written key file, and of two processes
            // starting at once one key file wins and both use it.
            let ring = Self::generate();
            let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
            let _ = std::fs::remove_file(&tmp);
            write_private(&tmp, &ring.to_toml()).map_err(|e| err(e.to_string()))?;
            let linked = std::fs::hard_link(&tmp, path);
            let _ = std::fs::remove_file(&tmp);
            match linked {
                Ok(()) => return Ok(ring),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(err(e.to_string())),
            }
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path)
                .map_err(|e| err(e.to_string()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(err(format!(
                    "mode {:o} lets others read it; chmod 600 it",
                    mode & 0o777
                )));
            }
        }
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?);
        Self::from_toml(&text).map_err(|e| err(e.to_string()))
    }

    /// Writes the key file atomically (a private temporary file renamed over the old one).
    pub fn save(&self, path: &Path) -> Result<(), KeyError> {
        let err = |e: std::io::Error| KeyError::File {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let tmp = path.with_extension("tmp");
        let _ = std::fs::remove_file(&tmp);
        write_private(&tmp, &self.to_toml()).map_err(err)?;
        std::fs::rename(&tmp, path).map_err(err)
    }

    /// Adds a new field key and makes it the active one; older keys stay for decryption until
    /// every value is re-encrypted.
    pub fn rotate_field_key(&mut self) -> u32 {
        let id = self.field_keys.iter().map(|(id, _)| *id).max().unwrap_or(0) + 1;
        self.field_keys.push((id, random_key()));
        self.active = id;
        id
    }

    pub fn active_field_key(&self) -> u32 {
        self.active
    }

    /// Encrypts `plaintext`, bound to `context` (e.g. `parties.mobile:42`).
    pub fn encrypt(&self, context: &str, plaintext: &str) -> Result<String, KeyError> {
        let cipher = self.cipher(self.active)?;
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| KeyError::Invalid("encryption failed".into()))?;
        let mut blob = Vec::with_capacity(24 + ct.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ct);
        Ok(format!(
            "k{}:{}",
            self.active,
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(blob)
        ))
    }

    pub fn decrypt(&self, context: &str, stored: &str) -> Result<String, KeyError> {
        let bad = || KeyError::Decrypt(context.split(':').next().unwrap_or("").to_owned());
        let (id, body) = stored
            .strip_prefix('k')
            .and_then(|s| s.split_once(':'))
            .ok_or_else(bad)?;
        let id: u32 = id.parse().map_err(|_| bad())?;
        let blob = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(body)
            .map_err(|_| bad())?;
        // A 24-byte nonce, then the ciphertext with its 16-byte tag.
        let Some((nonce, msg)) = blob.split_first_chunk::<24>() else {
            return Err(bad());
        };
        if msg.len() < 16 {
            return Err(bad());
        }
        let cipher = self.cipher(id).map_err(|_| bad())?;
        let pt = cipher
            .decrypt(
                &XNonce::from(*nonce),
                Payload {
                    msg,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| bad())?;
        String::from_utf8(pt).map_err(|_| bad())
    }

    /// Whether a stored ciphertext was made with an older key (rotation work to do).
    pub fn needs_reencryption(&self, stored: &str) -> bool {
        !stored.starts_with(&format!("k{}:", self.active))
    }

    /// The keyed blind index of a value: equal values, equal indexes; nothing else learnable
    /// without the key. `kind` separates domains (a mobile and an ID never collide).
    pub fn blind_index(&self, kind: &str, value: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(self.blind_key.as_ref())
            .unwrap_or_else(|_| unreachable_mac());
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        // The first 16 of HMAC-SHA256's 32 bytes.
        let truncated: Vec<u8> = mac.finalize().into_bytes().into_iter().take(16).collect();
        hex::encode(truncated)
    }

    /// MAC of an audit anchor line.
    pub fn anchor_mac(&self, message: &str) -> String {
        let mut mac = <HmacSha256 as Mac>::new_from_slice(self.anchor_key.as_ref())
            .unwrap_or_else(|_| unreachable_mac());
        mac.update(message.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn cipher(&self, id: u32) -> Result<XChaCha20Poly1305, KeyError> {
        let key = self
            .field_keys
            .iter()
            .find(|(k, _)| *k == id)
            .map(|(_, k)| k)
            .ok_or_else(|| KeyError::Invalid(format!("field key {id} is not in the key file")))?;
        XChaCha20Poly1305::new_from_slice(key.as_ref())
            .map_err(|_| KeyError::Invalid("bad key length".into()))
    }
}

/// HMAC accepts keys of any length, so construction cannot fail; this only satisfies the types.
fn unreachable_mac() -> HmacSha256 {
    // A 32-byte zero key is valid for HMAC; reached only if the invariant above were broken.
    #[allow(clippy::expect_used)]
    <HmacSha256 as Mac>::new_from_slice(&[0u8; 32]).expect("HMAC takes any key length")
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn encryption_is_bound_to_its_context_and_key() {
        let ring = KeyRing::generate();
        let ct = ring.encrypt("parties.mobile:1", "13812345678").unwrap();
        assert!(!ct.contains("13812345678"));
        assert_eq!(
            ring.decrypt("parties.mobile:1", &ct).unwrap(),
            "13812345678"
        );
        assert!(
            ring.decrypt("parties.mobile:2", &ct).is_err(),
            "moved to another row"
        );
        assert!(
            KeyRing::generate()
                .decrypt("parties.mobile:1", &ct)
                .is_err(),
            "another key"
        );
        let mut tampered = ct.clone();
        tampered.pop();
        tampered.push(if ct.ends_with('A') { 'B' } else { 'A' });
        assert!(ring.decrypt("parties.mobile:1", &tampered).is_err());
        assert_ne!(
            ring.encrypt("c", "x").unwrap(),
            ring.encrypt("c", "x").unwrap(),
            "random nonces"
        );
    }

    #[test]
    fn rotation_keeps_old_ciphertexts_readable() {
        let mut ring = KeyRing::generate();
        let old = ring.encrypt("c", "secret").unwrap();
        assert_eq!(ring.rotate_field_key(), 2);
        assert!(ring.needs_reencryption(&old));
        let new = ring.encrypt("c", "secret").unwrap();
        assert!(new.starts_with("k2:") && !ring.needs_reencryption(&new));
        assert_eq!(ring.decrypt("c", &old).unwrap(), "secret");
        let reloaded = KeyRing::from_toml(&ring.to_toml()).unwrap();
        assert_eq!(reloaded.decrypt("c", &old).unwrap(), "secret");
        assert_eq!(reloaded.decrypt("c", &new).unwrap(), "secret");
    }

    #[test]
    fn key_files_are_created_private_and_refused_when_readable() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys").join("rapport.keys");
        let a = KeyRing::load_or_create(&path).unwrap();
        let b = KeyRing::load_or_create(&path).unwrap();
        assert_eq!(a.blind_index("m", "1"), b.blind_index("m", "1"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let err = KeyRing::load_or_create(&path).unwrap_err().to_string();
            assert!(err.contains("chmod 600"), "{err}");
        }
        assert!(KeyRing::from_toml("version = 1\nbogus = 2").is_err());
        assert!(!format!("{a:?}").contains(&hex::encode(a.blind_key.as_ref())));
    }

    proptest! {
        #[test]
        fn encrypt_then_decrypt_round_trips(context in ".{0,40}", value in ".{0,200}") {
            let ring = KeyRing::generate();
            let ct = ring.encrypt(&context, &value).unwrap();
            prop_assert_eq!(ring.decrypt(&context, &ct).unwrap(), value);
        }

        #[test]
        fn blind_index_equality_is_plaintext_equality(a in "[0-9]{4,18}", b in "[0-9]{4,18}") {
            let ring = KeyRing::generate();
            prop_assert_eq!(ring.blind_index("r", &a) == ring.blind_index("r", &b), a == b);
            prop_assert_ne!(ring.blind_index("r", &a), ring.blind_index("m", &a));
        }
    }
}
