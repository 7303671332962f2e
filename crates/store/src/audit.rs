//! The audit trail's rules (R8.3): what an entry records, its canonical bytes and the hash chain
//! that makes the trail tamper-evident. Backends store entries; this module decides what a
//! valid chain is, so both backends and `rapport audit verify` agree.
//!
//! Entry `n` carries `prev_hash` = hash of entry `n-1` (64 zeros for the first) and
//! `hash` = SHA-256 over the length-prefixed fields of the entry, its `seq` and `prev_hash`.
use chrono::{DateTime, SubsecRound, Utc};
use rapport_domain::{PartyId, Role, StaffId};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

rapport_domain::string_enum! {
    /// What was done. Stable names: they are stored and exported.
    pub enum AuditAction {
        LoginSucceeded => "login_succeeded",
        LoginFailed => "login_failed",
        Logout => "logout",
        CustomerViewed => "customer_viewed",
        CustomersListed => "customers_listed",
        CustomersSearched => "customers_searched",
        FieldUnmasked => "field_unmasked",
        CustomerChanged => "customer_changed",
        Exported => "exported",
        AuthorizationFailed => "authorization_failed",
        StaffChanged => "staff_changed",
        /// A staff change that gives access was requested; it waits for a second administrator.
        StaffChangeRequested => "staff_change_requested",
        /// A second administrator approved a staff change, which took effect.
        StaffChangeApproved => "staff_change_approved",
        /// A second administrator rejected a staff change; nothing was applied.
        StaffChangeRejected => "staff_change_rejected",
        AuditViewed => "audit_viewed",
        /// A data steward opened a review pair (both parties recorded in `detail`).
        ReviewViewed => "review_viewed",
        ReviewDecided => "review_decided",
        CustomersMerged => "customers_merged",
        MergeUndone => "merge_undone",
        /// A record matched in real time against the resolved customers.
        IdentityMatched => "identity_matched",
        /// An analytical report (dashboard, 80/20 curve) was shown; `detail` says which.
        ReportViewed => "report_viewed",
        /// An RM's portfolio was moved, or its move requested or approved (`detail` says which).
        PortfolioReassigned => "portfolio_reassigned",
        /// A saved segment's members were shown (`detail`: segment, page and the ids shown).
        SegmentViewed => "segment_viewed",
        /// A saved segment was created or deleted (`detail` says which).
        SegmentChanged => "segment_changed",
        /// A tier change proposal was accepted (with the dedicated RM it assigned) or declined.
        TierChangeDecided => "tier_change_decided",
        /// A request failed inside the server (a panic caught at the edge; `detail`: route).
        RequestFailed => "request_failed",
        /// A saved segment's definition was checked or evaluated, whether it succeeded or not
        /// (`detail`: the outcome, never a customer's value).
        SegmentEvaluated => "segment_evaluated",
        /// A search or match by a full identifier (resident ID, mobile, account number).
        IdentifierSearched => "identifier_searched",
        /// A security alert for the auditor (`reason`: what was seen, e.g. enumeration).
        SecurityAlert => "security_alert",
    }
}

/// An entry before it joins the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAuditEntry {
    /// UTC, truncated to microseconds (what both databases keep).
    pub at: DateTime<Utc>,
    pub actor_staff_id: Option<StaffId>,
    /// The staff member's username, or the name a failed login tried.
    pub actor_username: String,
    pub actor_role: Option<Role>,
    /// Where the request came from.
    pub source_ip: Option<String>,
    pub action: AuditAction,
    /// The customer concerned, if one.
    pub party_id: Option<PartyId>,
    /// Personal fields shown in clear (by role or by unmasking), e.g. `name`, `mobile`.
    pub fields_unmasked: Vec<String>,
    /// Why: the unmask reason, the failed rule.
    pub reason: Option<String>,
    /// What else identifies the action (result ids of a search, the kind of query). Never a
    /// searched identifier or any other personal value.
    pub detail: Option<String>,
}

impl NewAuditEntry {
    pub fn new(at: DateTime<Utc>, actor_username: impl Into<String>, action: AuditAction) -> Self {
        Self {
            at: at.trunc_subsecs(6),
            actor_staff_id: None,
            actor_username: actor_username.into(),
            actor_role: None,
            source_ip: None,
            action,
            party_id: None,
            fields_unmasked: Vec::new(),
            reason: None,
            detail: None,
        }
    }
}

/// An entry in the chain, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(flatten)]
    pub entry: NewAuditEntry,
    pub prev_hash: String,
    pub hash: String,
}

fn put(buf: &mut Vec<u8>, field: &[u8]) {
    buf.extend_from_slice(&(field.len() as u32).to_be_bytes());
    buf.extend_from_slice(field);
}

fn put_opt(buf: &mut Vec<u8>, field: Option<&str>) {
    match field {
        // A distinct marker, so `None` and `Some("")` hash differently.
        None => buf.extend_from_slice(&u32::MAX.to_be_bytes()),
        Some(s) => put(buf, s.as_bytes()),
    }
}

/// The hash of entry `seq` with the given predecessor hash.
pub fn entry_hash(seq: i64, e: &NewAuditEntry, prev_hash: &str) -> String {
    let mut buf = Vec::with_capacity(256);
    put(&mut buf, b"rapport-audit-v1");
    put(&mut buf, &seq.to_be_bytes());
    put(
        &mut buf,
        e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string().as_bytes(),
    );
    put_opt(
        &mut buf,
        e.actor_staff_id.map(|s| s.0.to_string()).as_deref(),
    );
    put(&mut buf, e.actor_username.as_bytes());
    put_opt(&mut buf, e.actor_role.map(|r| r.as_str()));
    put_opt(&mut buf, e.source_ip.as_deref());
    put(&mut buf, e.action.as_str().as_bytes());
    put_opt(&mut buf, e.party_id.map(|p| p.0.to_string()).as_deref());
    put(&mut buf, e.fields_unmasked.join(",").as_bytes());
    put_opt(&mut buf, e.reason.as_deref());
    put_opt(&mut buf, e.detail.as_deref());
    put(&mut buf, prev_hash.as_bytes());
    hex_lower(&Sha256::digest(&buf))
}

fn hex_lower(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Each nibble is below 16, so from_digit always has a digit to give.
        s.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        s.push(char::from_digit(u32::from(b & 15), 16).unwrap_or('0'));
    }
    s
}

/// Links new entries after the head `(head_seq, head_hash)`.
pub fn link(head_seq: i64, head_hash: &str, entries: &[NewAuditEntry]) -> Vec<AuditEntry> {
    let mut prev = head_hash.to_owned();
    let mut out = Vec::with_capacity(entries.len());
    for (i, e) in entries.iter().enumerate() {
        let seq = head_seq + 1 + i as i64;
        let hash = entry_hash(seq, e, &prev);
        out.push(AuditEntry {
            seq,
            entry: e.clone(),
            prev_hash: std::mem::replace(&mut prev, hash.clone()),
            hash,
        });
    }
    out
}

/// The first thing wrong with a chain, naming the entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainFault {
    #[error("entry {seq}: its contents do not match its hash (edited)")]
    Altered { seq: i64 },
    #[error(
        "entry {seq}: does not follow entry {previous} (an entry was deleted, inserted or reordered)"
    )]
    BrokenLink { seq: i64, previous: i64 },
    #[error("entry {expected} is missing: the next entry found is {found}")]
    Gap { expected: i64, found: i64 },
    #[error(
        "the trail ends at entry {last} but entry {anchored} was anchored on {at}: entries were removed from the end"
    )]
    Truncated {
        last: i64,
        anchored: i64,
        at: String,
    },
    #[error("entry {seq} differs from its anchor of {at}")]
    AnchorMismatch { seq: i64, at: String },
    #[error("the head record says {head_seq} but the trail ends at {last}")]
    HeadMismatch { head_seq: i64, last: i64 },
}

/// Verifies entries in `seq` order, chunk by chunk: feed every stored entry, then `finish`.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    last_seq: i64,
    last_hash: String,
    /// seq → hash of every entry seen, only for the anchored ones (kept small).
    anchored: Vec<(i64, String, String)>,
    anchor_hits: Vec<(i64, String, String)>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new(Vec::new())
    }
}

impl ChainVerifier {
    /// `anchors`: (seq, hash, when) checkpoints kept outside the database.
    pub fn new(mut anchors: Vec<(i64, String, String)>) -> Self {
        anchors.sort_by_key(|a| a.0);
        Self {
            last_seq: 0,
            last_hash: GENESIS_HASH.to_owned(),
            anchored: anchors,
            anchor_hits: Vec::new(),
        }
    }

    pub fn feed(&mut self, entry: &AuditEntry) -> Result<(), ChainFault> {
        let expected = self.last_seq + 1;
        if entry.seq != expected {
            return Err(if entry.seq > expected {
                ChainFault::Gap {
                    expected,
                    found: entry.seq,
                }
            } else {
                ChainFault::BrokenLink {
                    seq: entry.seq,
                    previous: self.last_seq,
                }
            });
        }
        if entry_hash(entry.seq, &entry.entry, &entry.prev_hash) != entry.hash {
            return Err(ChainFault::Altered { seq: entry.seq });
        }
        if entry.prev_hash != self.last_hash {
            return Err(ChainFault::BrokenLink {
                seq: entry.seq,
                previous: self.last_seq,
            });
        }
        if let Some(a) = self.anchored.iter().find(|a| a.0 == entry.seq) {
            if a.1 != entry.hash {
                return Err(ChainFault::AnchorMismatch {
                    seq: entry.seq,
                    at: a.2.clone(),
                });
            }
            self.anchor_hits.push(a.clone());
        }
        self.last_seq = entry.seq;
        self.last_hash.clone_from(&entry.hash);
        Ok(())
    }

    /// Checks the end of the trail against the anchors and the stored head; returns
    /// `(entries, head hash)`.
    pub fn finish(self, head_seq: Option<i64>) -> Result<(i64, String), ChainFault> {
        if let Some(a) = self.anchored.iter().rev().find(|a| a.0 > self.last_seq) {
            return Err(ChainFault::Truncated {
                last: self.last_seq,
                anchored: a.0,
                at: a.2.clone(),
            });
        }
        if let Some(h) = head_seq
            && h != self.last_seq
        {
            return Err(if h > self.last_seq {
                ChainFault::Truncated {
                    last: self.last_seq,
                    anchored: h,
                    at: "the head record".into(),
                }
            } else {
                ChainFault::HeadMismatch {
                    head_seq: h,
                    last: self.last_seq,
                }
            });
        }
        Ok((self.last_seq, self.last_hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entries(n: usize) -> Vec<NewAuditEntry> {
        (0..n)
            .map(|i| {
                let mut e = NewAuditEntry::new(
                    Utc.with_ymd_and_hms(2026, 6, 30, 1, 0, i as u32).unwrap(),
                    "rm.a",
                    AuditAction::CustomerViewed,
                );
                e.party_id = Some(PartyId(i as i64 + 1));
                e
            })
            .collect()
    }

    fn verify(
        chain: &[AuditEntry],
        anchors: Vec<(i64, String, String)>,
        head: Option<i64>,
    ) -> Result<(i64, String), ChainFault> {
        let mut v = ChainVerifier::new(anchors);
        for e in chain {
            v.feed(e)?;
        }
        v.finish(head)
    }

    #[test]
    fn an_intact_chain_verifies_and_links_continue() {
        let first = link(0, GENESIS_HASH, &entries(3));
        let more = link(3, &first[2].hash, &entries(2));
        let all: Vec<_> = first.into_iter().chain(more).collect();
        assert_eq!(verify(&all, vec![], Some(5)).unwrap().0, 5);
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_bad_entry() {
        let chain = link(0, GENESIS_HASH, &entries(6));
        let mut edited = chain.clone();
        edited[2].entry.actor_username = "someone.else".into();
        assert_eq!(
            verify(&edited, vec![], None),
            Err(ChainFault::Altered { seq: 3 })
        );

        let mut deleted = chain.clone();
        deleted.remove(3);
        assert_eq!(
            verify(&deleted, vec![], None),
            Err(ChainFault::Gap {
                expected: 4,
                found: 5
            })
        );

        let mut reordered = chain.clone();
        reordered.swap(1, 2);
        assert!(matches!(
            verify(&reordered, vec![], None),
            Err(ChainFault::Gap { expected: 2, .. })
        ));

        // A forged entry inserted with renumbered successors breaks the link after it.
        let mut inserted = chain[..3].to_vec();
        let forged = link(3, &chain[2].hash, &entries(1));
        inserted.extend(forged);
        for mut e in chain[3..].iter().cloned() {
            e.seq += 1;
            inserted.push(e);
        }
        assert!(matches!(
            verify(&inserted, vec![], None),
            Err(ChainFault::Altered { seq: 5 })
        ));

        let anchors = vec![(6, chain[5].hash.clone(), "2026-06-30T01:10:00Z".to_owned())];
        let truncated = chain[..4].to_vec();
        assert!(matches!(
            verify(&truncated, anchors.clone(), None),
            Err(ChainFault::Truncated {
                last: 4,
                anchored: 6,
                ..
            })
        ));
        assert!(matches!(
            verify(&truncated, vec![], Some(6)),
            Err(ChainFault::Truncated { last: 4, .. })
        ));
        assert!(verify(&chain, anchors, Some(6)).is_ok());
    }

    #[test]
    fn none_and_empty_hash_differently() {
        let mut a = entries(1).remove(0);
        let h1 = entry_hash(1, &a, GENESIS_HASH);
        a.reason = Some(String::new());
        assert_ne!(h1, entry_hash(1, &a, GENESIS_HASH));
    }
}
