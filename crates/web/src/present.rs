//! Turns store rows into API/page bodies, masking every personal field the viewer's role does
//! not show in clear (R8.2). JSON and HTML both go through here: nothing else builds customer
//! bodies, so no response can skip masking.
use rapport_domain::{Currency, FieldPolicy, Money, PartyKind, ProductFamily};
use rapport_proto::{
    AccountDto, AumPointDto, BranchDto, Customer360Dto, CustomerPage, CustomerSummaryDto, MoneyDto,
    ProfileDto, RelationshipDto, RmDto,
};
use rapport_store::{
    AccountDetail, BranchRef, Customer360, CustomerSummary, Direction, Page, PartyDetail,
    RelatedParty,
};

pub fn rm(r: &rapport_store::AssignedRm) -> RmDto {
    RmDto {
        staff_id: r.staff_id.0,
        display_name: r.display_name.clone(),
        primary: r.primary,
        effective_from: r.effective_from,
    }
}

pub fn money(m: Money) -> MoneyDto {
    MoneyDto {
        amount: m.amount.round_dp(m.currency.minor_digits()).to_string(),
        currency: m.currency.code().to_owned(),
    }
}

fn branch(b: &BranchRef) -> BranchDto {
    BranchDto {
        id: b.id.0,
        code: b.code.clone(),
        name_zh: b.name_zh.clone(),
        name_en: b.name_en.clone(),
    }
}

/// Organisation names are public registry data; people's names are personal information.
pub(crate) fn name(kind: PartyKind, name: &str, policy: FieldPolicy) -> String {
    policy.name(kind == PartyKind::Organisation, name)
}

fn mobile(value: Option<&str>, policy: FieldPolicy) -> Option<String> {
    value.map(|m| policy.mobile(m))
}

fn resident_id(value: Option<&str>, policy: FieldPolicy) -> Option<String> {
    value.map(|r| policy.resident_id(r))
}

fn email(value: Option<&str>, policy: FieldPolicy) -> Option<String> {
    value.map(|e| policy.email(e))
}

fn address(value: Option<&str>, policy: FieldPolicy) -> Option<String> {
    value.map(|a| policy.address(a))
}

fn birth_date(value: Option<chrono::NaiveDate>, policy: FieldPolicy) -> Option<String> {
    value.and_then(|d| policy.birth_date(d))
}

/// The personal fields present in a body that this role sees masked (or not at all).
fn masked_fields(policy: FieldPolicy, present: &[(&str, bool)]) -> Vec<String> {
    let clear = policy.shown_in_clear();
    present
        .iter()
        .filter(|(field, present)| *present && !clear.contains(field))
        .map(|(field, _)| (*field).to_owned())
        .collect()
}

pub fn summary(c: &CustomerSummary, policy: FieldPolicy) -> CustomerSummaryDto {
    CustomerSummaryDto {
        id: c.party_id.0,
        customer_number: c.customer_number.clone(),
        kind: c.kind.as_str().to_owned(),
        name: name(c.kind, &c.name, policy),
        mobile: mobile(c.mobile.as_deref(), policy),
        resident_id: resident_id(c.resident_id.as_deref(), policy),
        home_branch: branch(&c.home_branch),
        primary_rm: c.primary_rm.clone(),
        latest_aum: c.latest_aum.map(money),
    }
}

pub fn page(p: &Page<CustomerSummary>, policy: FieldPolicy) -> CustomerPage {
    CustomerPage {
        items: p.items.iter().map(|c| summary(c, policy)).collect(),
        page: p.page,
        page_size: p.page_size,
        has_more: p.has_more,
    }
}

pub fn customer_360(v: &Customer360, policy: FieldPolicy, base: Currency) -> Customer360Dto {
    let p = &v.party;
    let masked = masked_fields(
        policy,
        &[
            ("name", p.kind != PartyKind::Organisation),
            ("mobile", p.mobile.is_some()),
            ("email", p.email.is_some()),
            ("resident_id", p.resident_id.is_some()),
            ("address", p.address.is_some()),
            ("birth_date", p.birth_date.is_some()),
            ("account_number", !v.accounts.is_empty()),
        ],
    );
    let (assets, liabilities) = totals(&v.accounts, base);
    Customer360Dto {
        profile: profile(p, policy),
        relationships: v
            .relationships
            .iter()
            .map(|r| relationship(r, policy))
            .collect(),
        accounts: v.accounts.iter().map(|a| account(a, policy)).collect(),
        aum_trend: v
            .monthly_aum
            .iter()
            .map(|p| AumPointDto {
                month: p.month,
                aum: money(p.aum),
            })
            .collect(),
        total_assets: money(assets),
        total_liabilities: money(liabilities),
        relationship_managers: v.rms.iter().map(rm).collect(),
        masked_fields: masked,
    }
}

/// Assets and liabilities in the base currency (other currencies are not converted here).
fn totals(accounts: &[AccountDetail], base: Currency) -> (Money, Money) {
    let mut assets = Money::zero(base);
    let mut liabilities = Money::zero(base);
    for a in accounts.iter().filter(|a| a.balance.currency == base) {
        if a.family.is_asset() {
            assets = assets.checked_add(a.balance).unwrap_or(assets);
        } else if ProductFamily::is_liability(a.family) {
            liabilities = liabilities.checked_add(a.balance).unwrap_or(liabilities);
        }
    }
    (assets, liabilities)
}

/// The golden record as the role may see it.
fn profile(p: &PartyDetail, policy: FieldPolicy) -> ProfileDto {
    ProfileDto {
        id: p.party_id.0,
        customer_number: p.customer_number.clone(),
        kind: p.kind.as_str().to_owned(),
        name: name(p.kind, &p.name, policy),
        gender: p.gender.map(|g| g.as_str().to_owned()),
        birth_date: birth_date(p.birth_date, policy),
        resident_id: resident_id(p.resident_id.as_deref(), policy),
        uscc: p.uscc.clone(),
        mobile: mobile(p.mobile.as_deref(), policy),
        email: email(p.email.as_deref(), policy),
        address: address(p.address.as_deref(), policy),
        occupation: p.occupation.clone(),
        income_band: p.income_band.clone(),
        home_branch: branch(&p.home_branch),
        onboarded_on: p.onboarded_on,
        preferred_channel: p.preferred_channel.clone(),
        version: p.version,
        field_sources: p
            .field_sources
            .iter()
            .map(|(field, s)| rapport_proto::FieldSourceDto {
                field: field.clone(),
                source_system: s.source_system.as_str().to_owned(),
                source_key: s.source_key.clone(),
                rule: s.rule.as_str().to_owned(),
            })
            .collect(),
    }
}

fn relationship(r: &RelatedParty, policy: FieldPolicy) -> RelationshipDto {
    RelationshipDto {
        kind: r.kind.as_str().to_owned(),
        direction: match r.direction {
            Direction::Outgoing => "outgoing",
            Direction::Incoming => "incoming",
        }
        .to_owned(),
        party_id: r.in_scope.then_some(r.party_id.0),
        party_kind: r.party_kind.as_str().to_owned(),
        // A related party outside the viewer's scope is shown masked whatever the role.
        name: if r.in_scope {
            name(r.party_kind, &r.name, policy)
        } else {
            name(r.party_kind, &r.name, FieldPolicy::ALL_MASKED)
        },
        since: r.since,
    }
}

fn account(a: &AccountDetail, policy: FieldPolicy) -> AccountDto {
    AccountDto {
        account_number: policy.account_number(&a.account_number),
        product_code: a.product_code.clone(),
        product_name_zh: a.product_name_zh.clone(),
        product_name_en: a.product_name_en.clone(),
        family: a.family.as_str().to_owned(),
        balance: money(a.balance),
        limit: a.limit.map(money),
        opened_on: a.opened_on,
        matures_on: a.matures_on,
        status: a.status.as_str().to_owned(),
        source_system: a.source_system.as_str().to_owned(),
    }
}

/// Puts one unmasked field in clear into a masked body (the unmask result, for that view only).
pub fn reveal(
    v: &mut Customer360Dto,
    field: rapport_domain::unmask::MaskedField,
    values: &[String],
) {
    use rapport_domain::unmask::MaskedField;
    let first = values.first().cloned();
    match field {
        MaskedField::Name => v.profile.name = first.unwrap_or_default(),
        MaskedField::Mobile => v.profile.mobile = first,
        MaskedField::ResidentId => v.profile.resident_id = first,
        MaskedField::Address => v.profile.address = first,
        MaskedField::AccountNumber => {
            for (a, n) in v.accounts.iter_mut().zip(values) {
                a.account_number.clone_from(n);
            }
        }
    }
    v.masked_fields.retain(|f| f != field.as_str());
}

/// A history entry, its values masked as the field is for this viewer.
pub fn change(c: &rapport_store::PartyChange, policy: FieldPolicy) -> rapport_proto::ChangeDto {
    let mask = |v: &Option<String>| -> Option<String> {
        v.as_deref().and_then(|v| policy.field(&c.field, v))
    };
    rapport_proto::ChangeDto {
        version: c.version,
        changed_at: c.changed_at,
        changed_by: c.changed_by.clone(),
        source: c.source.clone(),
        field: c.field.clone(),
        old_value: mask(&c.old_value),
        new_value: mask(&c.new_value),
    }
}

/// A source record, its identifiers masked as the role's policy says (a steward sees them
/// masked too: the field weights carry the comparison).
pub fn source_record(
    r: &rapport_store::identity::SourceRecordView,
    policy: FieldPolicy,
) -> rapport_proto::SourceRecordDto {
    rapport_proto::SourceRecordDto {
        id: r.id,
        source_system: r.source_system.as_str().to_owned(),
        source_key: r.source_key.clone(),
        customer_id: r.party_id.map(|p| p.0),
        name: name(PartyKind::Individual, &r.name, policy),
        gender: r.gender.map(|g| g.as_str().to_owned()),
        birth_date: birth_date(r.birth_date, policy),
        resident_id: resident_id(r.resident_id.as_deref(), policy),
        resident_id_valid: r.resident_id_valid,
        mobile: mobile(r.mobile.as_deref(), policy),
        address: address(r.address.as_deref(), policy),
        email: email(r.email.as_deref(), policy),
        branch_code: r.branch_code.clone(),
        updated_on: r.updated_on,
    }
}

pub fn review_summary(
    item: &rapport_store::identity::ReviewItem,
) -> rapport_proto::ReviewSummaryDto {
    rapport_proto::ReviewSummaryDto {
        id: item.id,
        status: item.status.as_str().to_owned(),
        probability: item.candidate.probability,
        weight: item.candidate.weight,
        record_a: item.candidate.record_a,
        record_b: item.candidate.record_b,
        created_at: item.created_at,
        decided_by: item.decided_by.clone(),
        decided_at: item.decided_at,
        note: item.note.clone(),
    }
}

/// A review pair with both records masked per policy.
pub fn review(
    item: &rapport_store::identity::ReviewItem,
    a: &rapport_store::identity::SourceRecordView,
    b: &rapport_store::identity::SourceRecordView,
    policy: FieldPolicy,
) -> rapport_proto::ReviewDto {
    let either = |f: fn(&rapport_store::identity::SourceRecordView) -> bool| f(a) || f(b);
    let masked = masked_fields(
        policy,
        &[
            ("name", true),
            ("mobile", either(|r| r.mobile.is_some())),
            ("email", either(|r| r.email.is_some())),
            ("resident_id", either(|r| r.resident_id.is_some())),
            ("address", either(|r| r.address.is_some())),
            ("birth_date", either(|r| r.birth_date.is_some())),
        ],
    );
    rapport_proto::ReviewDto {
        summary: review_summary(item),
        a: source_record(a, policy),
        b: source_record(b, policy),
        fields: item
            .candidate
            .explanation
            .iter()
            .map(|f| rapport_proto::FieldWeightDto {
                field: f.field.clone(),
                level: f.level,
                weight: f.weight,
            })
            .collect(),
        masked_fields: masked,
    }
}

pub fn identity_event(
    e: &rapport_store::identity::IdentityEvent,
) -> rapport_proto::IdentityEventDto {
    rapport_proto::IdentityEventDto {
        id: e.id,
        kind: e.kind.as_str().to_owned(),
        customer_id: e.party_id.0,
        other_customer_id: e.other_party_id.map(|p| p.0),
        decided_by: e.decided_by.clone(),
        reason: e.reason.clone(),
        at: e.at,
        undone_by: e.undone_by,
    }
}

/// A task as the workbench and the API show it: the customer's name masked per role, the
/// reason in `lang`.
pub fn task(
    t: &rapport_store::work::TaskRow,
    policy: FieldPolicy,
    lang: crate::i18n::Lang,
) -> rapport_proto::TaskDto {
    rapport_proto::TaskDto {
        id: t.id,
        customer_id: t.party_id.0,
        customer_name: name(PartyKind::Individual, &t.party_name, policy),
        owner_staff_id: t.owner.0,
        kind: t.kind.as_str().to_owned(),
        reason: lang.reason(t.detail.as_ref(), &t.reason),
        alert_id: t.alert_id,
        due_on: t.due_on,
        status: t.status.as_str().to_owned(),
        outcome: t.outcome.clone(),
        created_at: t.created_at,
        completed_at: t.completed_at,
        interaction_id: t.interaction_id,
    }
}

pub fn interaction(row: &rapport_store::work::InteractionRow) -> rapport_proto::InteractionDto {
    let i = &row.interaction;
    rapport_proto::InteractionDto {
        id: row.id,
        customer_id: i.party_id.0,
        staff_id: i.staff_id.0,
        channel: i.channel.as_str().to_owned(),
        direction: i.direction.as_str().to_owned(),
        purpose: i.purpose.map(|p| p.as_str().to_owned()),
        occurred_at: i.occurred_at,
        notes: i.notes.clone(),
        outcome: i.outcome.clone(),
        task_id: i.task_id,
    }
}
