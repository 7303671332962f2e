//! Survivorship (R2.4): each field of the golden record comes from one source record, by a rule
//! shown with it — the most trusted source for identity fields, the most recent for contact
//! fields, the most complete for the address.
use std::collections::BTreeMap;

use chrono::NaiveDate;
use rapport_domain::{Gender, Mobile, PartyKind, ResidentId, SourceSystem, Uscc, names};
use rapport_store::identity::{FieldSource, GoldenRecord, ResolutionRecord, SurvivorshipRule};

/// Source systems from most to least trusted (configurable per bank).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trust {
    pub order: Vec<SourceSystem>,
}

impl Default for Trust {
    fn default() -> Self {
        Self {
            order: vec![
                SourceSystem::CoreBanking,
                SourceSystem::Card,
                SourceSystem::InternetBanking,
                SourceSystem::CallCenter,
                SourceSystem::Rapport,
            ],
        }
    }
}

impl Trust {
    fn rank(&self, s: SourceSystem) -> usize {
        self.order
            .iter()
            .position(|x| *x == s)
            .unwrap_or(self.order.len())
    }
}

/// Records best first under the most-trusted rule: open before closed, then trust, then the
/// most recent, then the key (so the choice never depends on input order).
fn by_trust<'a>(records: &[&'a ResolutionRecord], trust: &Trust) -> Vec<&'a ResolutionRecord> {
    let mut v = records.to_vec();
    v.sort_by(|a, b| {
        (a.closed, trust.rank(a.source_system))
            .cmp(&(b.closed, trust.rank(b.source_system)))
            .then(b.updated_on.cmp(&a.updated_on))
            .then(a.source_key.cmp(&b.source_key))
    });
    v
}

/// Records best first under the most-recent rule.
fn by_recency<'a>(records: &[&'a ResolutionRecord], trust: &Trust) -> Vec<&'a ResolutionRecord> {
    let mut v = records.to_vec();
    v.sort_by(|a, b| {
        a.closed
            .cmp(&b.closed)
            .then(b.updated_on.cmp(&a.updated_on))
            .then(
                trust
                    .rank(a.source_system)
                    .cmp(&trust.rank(b.source_system)),
            )
            .then(a.source_key.cmp(&b.source_key))
    });
    v
}

struct Picker<'a> {
    trusted: Vec<&'a ResolutionRecord>,
    recent: Vec<&'a ResolutionRecord>,
    sources: BTreeMap<String, FieldSource>,
}

impl<'a> Picker<'a> {
    fn note(&mut self, field: &str, r: &ResolutionRecord, rule: SurvivorshipRule) {
        self.sources.insert(
            field.to_owned(),
            FieldSource {
                source_system: r.source_system,
                source_key: r.source_key.clone(),
                rule,
            },
        );
    }

    /// The first value `get` accepts, from records in the rule's order.
    fn pick<T>(
        &mut self,
        field: &str,
        rule: SurvivorshipRule,
        get: impl Fn(&'a ResolutionRecord) -> Option<T>,
    ) -> Option<T> {
        let order = match rule {
            SurvivorshipRule::MostRecent => &self.recent,
            _ => &self.trusted,
        };
        let found = order.iter().find_map(|r| get(r).map(|v| (*r, v)));
        let (r, v) = found?;
        self.note(field, r, rule);
        Some(v)
    }

    /// The most trusted name, where a hanzi name beats a pinyin one from a more trusted system.
    fn name(&mut self) -> String {
        use SurvivorshipRule::MostTrusted;
        self.pick("name", MostTrusted, |r| {
            r.name.chars().any(names::is_hanzi).then(|| r.name.clone())
        })
        .or_else(|| self.pick("name", MostTrusted, |r| Some(r.name.clone())))
        .unwrap_or_default()
    }

    /// Gender and birth date: the most trusted source's, unless the resident ID says them.
    fn gender_and_birth_date(
        &mut self,
        resident_id: Option<&ResidentId>,
    ) -> (Option<Gender>, Option<NaiveDate>) {
        let gender = self.pick("gender", SurvivorshipRule::MostTrusted, |r| r.gender);
        let birth_date = self.pick("birth_date", SurvivorshipRule::MostTrusted, |r| {
            r.birth_date
        });
        let Some(id) = resident_id else {
            return (gender, birth_date);
        };
        // The ID's own birth date and gender outrank a source's typing.
        if let Some(src) = self.sources.get("resident_id").cloned() {
            for field in ["gender", "birth_date"] {
                self.sources.insert(
                    field.to_owned(),
                    FieldSource {
                        rule: SurvivorshipRule::DerivedFromResidentId,
                        ..src.clone()
                    },
                );
            }
        }
        (Some(id.gender()), Some(id.birth_date()))
    }

    /// The longest of the open records' addresses: abbreviations lose to the full form.
    fn address(&mut self, trust: &Trust) -> Option<String> {
        let best = self
            .trusted
            .iter()
            .filter_map(|r| r.address.as_ref().map(|a| (*r, a)))
            .max_by(|(ra, a), (rb, b)| {
                (!ra.closed, a.chars().count())
                    .cmp(&(!rb.closed, b.chars().count()))
                    .then(
                        trust
                            .rank(rb.source_system)
                            .cmp(&trust.rank(ra.source_system)),
                    )
            })
            .map(|(r, a)| (r, a.clone()));
        best.map(|(r, a)| {
            self.note("address", r, SurvivorshipRule::MostComplete);
            a
        })
    }
}

/// The golden record of one person from their source records (at least one).
pub fn golden(records: &[&ResolutionRecord], trust: &Trust, today: NaiveDate) -> GoldenRecord {
    let mut p = Picker {
        trusted: by_trust(records, trust),
        recent: by_recency(records, trust),
        sources: BTreeMap::new(),
    };
    use SurvivorshipRule::{MostRecent, MostTrusted};
    let name = p.name();
    let resident_id = p.pick("resident_id", MostTrusted, |r| {
        r.resident_id
            .as_deref()
            .filter(|_| r.resident_id_valid)
            .and_then(|id| ResidentId::parse(id).ok())
    });
    let uscc = p.pick("uscc", MostTrusted, |r| {
        r.uscc.as_deref().and_then(|u| Uscc::parse(u).ok())
    });
    let kind = if uscc.is_some() {
        PartyKind::Organisation
    } else {
        p.pick("kind", MostTrusted, |r| Some(r.kind))
            .unwrap_or(PartyKind::Individual)
    };
    let (gender, birth_date) = p.gender_and_birth_date(resident_id.as_ref());
    let mobile = p.pick("mobile", MostRecent, |r| {
        r.mobile.as_deref().and_then(|m| Mobile::parse(m).ok())
    });
    let email = p.pick("email", MostRecent, |r| r.email.clone());
    let address = p.address(trust);
    let home_branch_code = p.pick("home_branch", MostTrusted, |r| r.branch_code.clone());
    let rm_username = p.pick("rm", MostTrusted, |r| r.rm_username.clone());
    let onboarded_on = records
        .iter()
        .filter_map(|r| r.first_opened_on.or(r.updated_on))
        .min()
        .unwrap_or(today);
    GoldenRecord {
        kind,
        name,
        gender: gender.filter(|_| kind != PartyKind::Organisation),
        birth_date: birth_date.filter(|_| kind != PartyKind::Organisation),
        resident_id,
        uscc,
        mobile,
        email,
        address,
        home_branch_code,
        rm_username,
        onboarded_on,
        sources: p.sources,
    }
}
