//! What identity resolution reads from and writes to the store: source records in clear (for
//! the resolver only), golden records with the winning source per field, the data steward's
//! review queue and the merge history that makes an unmerge possible.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
pub use rapport_domain::states::{IdentityEventKind, ReviewStatus};
use rapport_domain::{
    Gender, Mobile, PartyId, PartyKind, ResidentId, SourceSystem, Uscc, string_enum,
};
use serde::{Deserialize, Serialize};

/// A source record as the resolver sees it: identifiers opened. Never handed to a handler that
/// builds a response without masking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionRecord {
    pub id: i64,
    pub source_system: SourceSystem,
    pub source_key: String,
    pub party_id: Option<PartyId>,
    pub kind: PartyKind,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub resident_id: Option<String>,
    pub resident_id_valid: bool,
    pub uscc: Option<String>,
    pub mobile: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub branch_code: Option<String>,
    pub rm_username: Option<String>,
    pub updated_on: Option<NaiveDate>,
    /// The earliest opening date of the record's accounts.
    pub first_opened_on: Option<NaiveDate>,
    pub closed: bool,
    /// Changed since the last resolution.
    pub needs_resolution: bool,
}

string_enum! {
    /// Why a source won a field of the golden record (R2.4).
    pub enum SurvivorshipRule {
        MostTrusted => "most_trusted",
        MostRecent => "most_recent",
        MostComplete => "most_complete",
        DerivedFromResidentId => "derived_from_resident_id",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldSource {
    pub source_system: SourceSystem,
    pub source_key: String,
    pub rule: SurvivorshipRule,
}

/// A party's fields as survivorship chose them, with the winning source of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoldenRecord {
    pub kind: PartyKind,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub resident_id: Option<ResidentId>,
    pub uscc: Option<Uscc>,
    pub mobile: Option<Mobile>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// The home branch by code; the store falls back to the head office for unknown codes.
    pub home_branch_code: Option<String>,
    /// Seeds the primary RM of a party that has none.
    pub rm_username: Option<String>,
    pub onboarded_on: NaiveDate,
    /// field → winning source
    pub sources: BTreeMap<String, FieldSource>,
}

/// One resulting person: the party it keeps (or a new one), the parties it absorbs, its records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedParty {
    pub party_id: Option<PartyId>,
    pub absorbed: Vec<PartyId>,
    pub record_ids: Vec<i64>,
    pub golden: GoldenRecord,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionApplied {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub merged: u64,
    /// Every party written (created, updated or kept with new records) and every party merged
    /// away: whose accounts, and so AUM, may have changed.
    #[serde(default)]
    pub parties: Vec<rapport_domain::PartyId>,
}

impl ResolutionApplied {
    pub fn add(&mut self, o: ResolutionApplied) {
        self.created += o.created;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
        self.merged += o.merged;
        self.parties.extend(o.parties);
    }
}

/// A field's agreement level and match weight in a scored pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldWeight {
    pub field: String,
    pub level: Option<u8>,
    pub weight: f64,
}

/// A grey-zone pair for the steward (`record_a < record_b`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewCandidate {
    pub record_a: i64,
    pub record_b: i64,
    pub probability: f64,
    pub weight: f64,
    pub explanation: Vec<FieldWeight>,
}

/// A steward's decision on two source records, which later resolutions honour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairDecision {
    pub record_a: i64,
    pub record_b: i64,
    pub same_person: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub id: i64,
    pub candidate: ReviewCandidate,
    pub status: ReviewStatus,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
}

/// A review pair with the two source records it compares.
pub type ReviewPair = (ReviewItem, SourceRecordView, SourceRecordView);

/// A source record as a steward sees it (identifiers still in clear: the web edge masks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRecordView {
    pub id: i64,
    pub source_system: SourceSystem,
    pub source_key: String,
    pub party_id: Option<PartyId>,
    pub name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub resident_id: Option<String>,
    pub resident_id_valid: bool,
    pub mobile: Option<String>,
    pub address: Option<String>,
    pub email: Option<String>,
    pub branch_code: Option<String>,
    pub updated_on: Option<NaiveDate>,
}

/// A merge or unmerge in a party's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityEvent {
    pub id: i64,
    pub kind: IdentityEventKind,
    pub party_id: PartyId,
    pub other_party_id: Option<PartyId>,
    pub decided_by: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    /// For a merge: the unmerge that undid it.
    pub undone_by: Option<i64>,
}

/// What a merge changed, kept so an unmerge can put it back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergeSnapshot {
    /// (source record id, party before)
    pub records: Vec<(i64, Option<i64>)>,
    /// RM assignments of the absorbed party that the merge ended.
    pub ended_assignments: Vec<i64>,
    /// RM assignments the merge opened on the kept party.
    pub opened_assignments: Vec<i64>,
}

impl GoldenRecord {
    /// The party row this golden record makes, for a party id and home branch.
    pub fn to_party_record(
        &self,
        id: PartyId,
        customer_number: rapport_domain::CustomerNumber,
        home_branch: rapport_domain::BranchId,
    ) -> rapport_domain::records::PartyRecord {
        rapport_domain::records::PartyRecord {
            id,
            customer_number,
            kind: self.kind,
            name: self.name.clone(),
            gender: self.gender,
            birth_date: self.birth_date,
            resident_id: self.resident_id.clone(),
            uscc: self.uscc.clone(),
            mobile: self.mobile.clone(),
            email: self.email.clone(),
            address: self.address.clone(),
            occupation: None,
            income_band: None,
            home_branch,
            onboarded_on: self.onboarded_on,
        }
    }

    /// The fields survivorship owns, in clear, for comparison with the stored party.
    pub fn fields(&self, home_branch: i64) -> PartyFields {
        PartyFields {
            kind: self.kind.as_str().to_owned(),
            name: self.name.clone(),
            gender: self.gender.map(|g| g.as_str().to_owned()),
            birth_date: self.birth_date.map(|d| d.to_string()),
            resident_id: self.resident_id.as_ref().map(|r| r.as_str().to_owned()),
            uscc: self.uscc.as_ref().map(|u| u.as_str().to_owned()),
            mobile: self.mobile.as_ref().map(|m| m.as_str().to_owned()),
            email: self.email.clone(),
            address: self.address.clone(),
            home_branch: home_branch.to_string(),
        }
    }
}

/// The party columns survivorship writes, as text in clear.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyFields {
    pub kind: String,
    pub name: String,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
    pub resident_id: Option<String>,
    pub uscc: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub home_branch: String,
}

impl PartyFields {
    /// `(field, old, new)` for each field that differs.
    pub fn diff(&self, new: &PartyFields) -> Vec<(&'static str, Option<String>, Option<String>)> {
        let mut out = Vec::new();
        let mut cmp = |field: &'static str, a: Option<&String>, b: Option<&String>| {
            if a != b {
                out.push((field, a.cloned(), b.cloned()));
            }
        };
        cmp("kind", Some(&self.kind), Some(&new.kind));
        cmp("name", Some(&self.name), Some(&new.name));
        cmp("gender", self.gender.as_ref(), new.gender.as_ref());
        cmp(
            "birth_date",
            self.birth_date.as_ref(),
            new.birth_date.as_ref(),
        );
        cmp(
            "resident_id",
            self.resident_id.as_ref(),
            new.resident_id.as_ref(),
        );
        cmp("uscc", self.uscc.as_ref(), new.uscc.as_ref());
        cmp("mobile", self.mobile.as_ref(), new.mobile.as_ref());
        cmp("email", self.email.as_ref(), new.email.as_ref());
        cmp("address", self.address.as_ref(), new.address.as_ref());
        cmp(
            "home_branch",
            Some(&self.home_branch),
            Some(&new.home_branch),
        );
        out
    }
}
