//! One batch of customers: parties, households, relationships, accounts, AUM, RM books.
use std::collections::HashMap;

use chrono::{Datelike, Months, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rapport_domain::records::{
    AccountRecord, CustomerBatch, MonthlyAumRecord, PartyRecord, RelationshipRecord,
    RmAssignmentRecord,
};
use rapport_domain::{
    AccountStatus, BranchId, Currency, CustomerNumber, Gender, Money, PartyId, PartyKind,
    ProductFamily, RelationshipKind, SourceSystem, Uscc,
};

use crate::churn::{self, ChurnPlan, Drivers};
use crate::closure::Closure;
use crate::data::names::OCCUPATIONS;
use crate::data::orgs::{INDUSTRIES, LEGAL_FORMS, TRADE_CHARS};
use crate::data::places::{DISTRICTS, District};
use crate::people::{
    self, Address, PersonName, add_years, date_between, hanzi_pinyin, mobile_number, mobile_prefix,
    shift, surname_pinyin,
};
use crate::reference::{Layout, SubBranch, product_term_months, rm_count};
use crate::rng::{
    hash3, pick, pick_ref, pick_weighted, rng_for, scramble, stream, unit, with_luhn,
};
use crate::{Archetype, GeneratedBatch, Generator, TruthCustomer};

/// Share of organisations among all parties.
pub const ORG_SHARE: f64 = 0.05;
/// Share of prospects (no accounts) among all parties.
pub const PROSPECT_SHARE: f64 = 0.01;
/// Share of individuals living in a household of 2–4 members.
pub const HOUSEHOLD_SHARE: f64 = 1.0 / 3.0;
pub const HOUSEHOLD_SIZES: &[(usize, u32)] = &[(2, 50), (3, 30), (4, 20)];
/// Share of households registered with the head's mobile (all members carry it).
pub const HOUSEHOLD_SHARED_MOBILE: f64 = 0.5;
/// Share of working-age individuals paid through an organisation's payroll.
pub const PAYROLL_SHARE: f64 = 0.25;
/// Share of organisations that belong to a parent organisation of the same batch.
pub const CORPORATE_GROUP_SHARE: f64 = 0.12;
/// Share of individuals who guarantee an organisation's loan.
pub const GUARANTOR_SHARE: f64 = 0.02;
/// Share of people whose resident ID was issued in their home branch's city.
pub const HOME_CITY_REGISTRATION: f64 = 0.65;
/// Archetype mix (percent) for individuals and organisations. Churn is not an archetype: any
/// customer may leave (see `churn.rs`).
pub const ARCHETYPE_MIX: &[(Archetype, u32)] = &[
    (Archetype::Steady, 45),
    (Archetype::Growing, 17),
    (Archetype::Seasonal, 11),
    (Archetype::Dormant, 11),
    (Archetype::New, 11),
    (Archetype::HighNetWorth, 5),
];
/// Age bands (inclusive) with weights, for individuals.
pub const AGE_BANDS: &[((u32, u32), u32)] = &[
    ((18, 25), 12),
    ((26, 35), 24),
    ((36, 45), 22),
    ((46, 55), 18),
    ((56, 65), 14),
    ((66, 75), 7),
    ((76, 85), 3),
];
/// Minimum AUM of a high-net-worth customer, in CNY, at every month-end.
pub const HNW_FLOOR_CNY: i64 = 6_000_000;
/// Customers above this AUM (CNY) usually have an RM.
pub const RM_AUM_THRESHOLD_CNY: i64 = 500_000;
pub const RM_ABOVE_THRESHOLD: f64 = 0.9;
/// Probability that an ordinary individual has a primary RM.
pub const RM_ORDINARY: f64 = 0.45;
pub const RM_PROSPECT: f64 = 0.3;
pub const RM_SECONDARY: f64 = 0.10;
pub const RM_HISTORICAL: f64 = 0.05;
/// Share of core-banking customers with a second customer file at another branch.
pub const SECOND_CORE_RECORD: f64 = 0.05;
/// Fictional BINs of the bank's debit (19-digit) and credit (16-digit) cards.
pub const DEBIT_BIN: &str = "621990";
pub const CREDIT_BIN: &str = "625990";

const FROZEN_RATE: f64 = 0.003;

/// Everything the source-system and transaction generators need about a party.
pub struct Entity {
    pub record: PartyRecord,
    pub person: Option<PersonName>,
    pub address: Option<Address>,
    pub archetype: Option<Archetype>,
    pub home_sub: usize,
    pub age: u32,
    pub employer: Option<u64>,
    anchor_rm: Option<usize>,
    /// Sub-branch of a second core-banking customer file, if any.
    pub second_core_sub: Option<usize>,
}

/// An account plus which core-banking customer file holds it (0 = main, 1 = second).
pub struct AccountInfo {
    pub record: AccountRecord,
    pub core_file: u8,
}

struct Ctx<'a> {
    seed: u64,
    as_of: NaiveDate,
    layout: &'a Layout,
    months: Vec<NaiveDate>,
}

pub fn kind_of(seed: u64, party: u64, anchor: bool) -> PartyKind {
    let u = unit(hash3(seed, stream::KIND, party));
    if u < ORG_SHARE {
        PartyKind::Organisation
    } else if u < ORG_SHARE + PROSPECT_SHARE && !anchor {
        PartyKind::Prospect
    } else {
        PartyKind::Individual
    }
}

/// Stores the entity of party `p` in its slot (`p - lo`) of the batch.
fn put(entities: &mut [Option<Entity>], lo: u64, p: u64, e: Option<Entity>) {
    if let Some(slot) = entities.get_mut((p - lo) as usize) {
        *slot = e;
    }
}

/// Anchor parties guarantee every RM a portfolio: RM `r` always serves party
/// `r * N / R + 1`, which is made a customer of the RM's sub-branch.
fn anchors(customers: u64, rms: usize, lo: u64, hi: u64) -> HashMap<u64, usize> {
    (0..rms)
        .filter_map(|r| {
            let a = (r as u128 * customers as u128 / rms as u128) as u64 + 1;
            (lo..=hi).contains(&a).then_some((a, r))
        })
        .collect()
}

pub fn generate(generator: &Generator, index: usize) -> GeneratedBatch {
    let config = generator.config();
    let layout = &generator.layout;
    let range = generator.batch_party_range(index);
    let (lo, hi) = (*range.start() as u64, *range.end() as u64);
    let ctx = Ctx {
        seed: config.seed,
        as_of: config.as_of,
        layout,
        months: aum_months(config.as_of),
    };
    let mut rng = rng_for(config.seed, stream::BATCH, index as u64);
    let n_rm = rm_count(config.customers, layout.sub_branches.len() as u64) as usize;
    let roster = Roster::new(
        config.seed,
        lo,
        hi,
        anchors(config.customers, n_rm.min(layout.rms.len()), lo, hi),
    );

    let mut relationships = Vec::new();
    let mut entities = make_parties(&ctx, &mut rng, &roster, &mut relationships);
    link_organisations(
        &ctx,
        &mut rng,
        &mut entities,
        &roster.orgs,
        lo,
        &mut relationships,
    );
    let mut batch = CustomerBatch {
        relationships,
        ..CustomerBatch::default()
    };
    let (accounts_by_party, truth) = open_books(&ctx, &mut rng, &mut entities, &mut batch);

    let mut out = GeneratedBatch {
        truth,
        ..GeneratedBatch::default()
    };
    source_views(generator, index, &entities, &accounts_by_party, &mut out);
    batch.accounts = accounts_by_party
        .into_iter()
        .flatten()
        .map(|a| a.record)
        .collect();
    batch.parties = entities.into_iter().map(|e| e.record).collect();
    out.customers = batch;
    out
}

/// The first days of the [`crate::AUM_MONTHS`] months ending with as_of's month, oldest first.
pub(crate) fn aum_months(as_of: NaiveDate) -> Vec<NaiveDate> {
    let last_month = NaiveDate::from_ymd_opt(as_of.year(), as_of.month(), 1).unwrap_or(as_of);
    (0..crate::AUM_MONTHS)
        .rev()
        .map(|k| {
            last_month
                .checked_sub_months(Months::new(k))
                .unwrap_or(last_month)
        })
        .collect()
}

/// The parties `lo..=hi` of a batch by kind, each list in party order, and the RM each anchor
/// party is guaranteed to.
struct Roster {
    lo: u64,
    hi: u64,
    anchors: HashMap<u64, usize>,
    individuals: Vec<u64>,
    orgs: Vec<u64>,
    prospects: Vec<u64>,
}

impl Roster {
    fn new(seed: u64, lo: u64, hi: u64, anchors: HashMap<u64, usize>) -> Roster {
        let mut roster = Roster {
            lo,
            hi,
            anchors,
            individuals: Vec::new(),
            orgs: Vec::new(),
            prospects: Vec::new(),
        };
        for p in lo..=hi {
            match kind_of(seed, p, roster.anchors.contains_key(&p)) {
                PartyKind::Individual => roster.individuals.push(p),
                PartyKind::Organisation => roster.orgs.push(p),
                PartyKind::Prospect => roster.prospects.push(p),
            }
        }
        roster
    }

    fn anchor_rm(&self, p: u64) -> Option<usize> {
        self.anchors.get(&p).copied()
    }
}

/// Every party of the batch, in party order; household relationships go to `relationships`.
fn make_parties(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    roster: &Roster,
    relationships: &mut Vec<RelationshipRecord>,
) -> Vec<Entity> {
    let lo = roster.lo;
    let mut entities: Vec<Option<Entity>> = (lo..=roster.hi).map(|_| None).collect();
    // Organisations first, so people can point at them.
    for &p in &roster.orgs {
        let e = make_org(ctx, rng, p, roster.anchor_rm(p));
        put(&mut entities, lo, p, e);
    }
    form_households(ctx, rng, roster, &mut entities, relationships);
    // Everyone not in a household lives alone.
    for &p in &roster.individuals {
        let Some(slot) = entities.get_mut((p - lo) as usize) else {
            continue;
        };
        if slot.is_none() {
            *slot = make_single(ctx, rng, p, roster.anchor_rm(p));
        }
    }
    for &p in &roster.prospects {
        let e = make_prospect(ctx, rng, p);
        put(&mut entities, lo, p, e);
    }
    entities.into_iter().flatten().collect()
}

/// Households from a third of the individuals (anchors always live alone).
fn form_households(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    roster: &Roster,
    entities: &mut [Option<Entity>],
    relationships: &mut Vec<RelationshipRecord>,
) {
    let mut pool: Vec<u64> = roster
        .individuals
        .iter()
        .copied()
        .filter(|p| !roster.anchors.contains_key(p))
        .collect();
    pool.shuffle(rng);
    let in_households = (roster.individuals.len() as f64 * HOUSEHOLD_SHARE).round() as usize;
    let in_households = in_households.min(pool.len());
    let mut i = 0;
    while i < in_households {
        let size = (pick_weighted(rng, HOUSEHOLD_SIZES)).min(in_households - i);
        if size < 2 {
            break;
        }
        let Some(members) = pool.get(i..i + size) else {
            break;
        };
        make_household(ctx, rng, members, entities, roster.lo, relationships);
        i += size;
    }
}

/// An individual living alone; an anchor lives at its RM's sub-branch.
fn make_single(ctx: &Ctx, rng: &mut ChaCha8Rng, p: u64, anchor: Option<usize>) -> Option<Entity> {
    let gender = random_gender(rng);
    let age = sample_age(rng);
    let home_sub = match anchor {
        Some(r) => ctx.layout.rm_sub(r),
        None => rng.random_range(0..ctx.layout.sub_branches.len()),
    };
    let home = ctx.layout.sub_branches.get(home_sub)?;
    let district = pick(rng, &home.city_districts);
    let address = Address::random(rng, district);
    let mut e = make_person(ctx, rng, p, gender, age, None, home_sub, address, None);
    if let Some(e) = &mut e {
        e.anchor_rm = anchor;
    }
    e
}

/// Accounts, AUM and RM books, party by party, into `batch`: each party's accounts and truth.
fn open_books(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    entities: &mut [Entity],
    batch: &mut CustomerBatch,
) -> (Vec<Vec<AccountInfo>>, Vec<TruthCustomer>) {
    let mut accounts_by_party: Vec<Vec<AccountInfo>> = Vec::with_capacity(entities.len());
    let mut truth = Vec::with_capacity(entities.len());
    for e in entities.iter_mut() {
        let mut accounts = if e.record.kind == PartyKind::Prospect {
            Vec::new()
        } else {
            make_accounts(ctx, rng, e)
        };
        // What its balances would be at as-of had nothing happened to them.
        let level: i64 = accounts
            .iter()
            .filter(|a| a.record.family.is_asset())
            .map(|a| minor(a.record.balance))
            .sum();
        let plan = (!accounts.is_empty()).then(|| churn_plan(ctx, e, &accounts));
        let churn_index = plan
            .as_ref()
            .and_then(ChurnPlan::churn_index)
            .filter(|i| *i < ctx.months.len());
        let closure = crate::closure::close_accounts(
            ctx.seed,
            e.record.id.0 as u64,
            ctx.as_of,
            e.record.onboarded_on,
            churn_index.and_then(|i| ctx.months.get(i)).copied(),
            &mut accounts,
        );
        // A churner who closed everything holds nothing from its churn month.
        let emptied_from = churn_index.filter(|_| matches!(closure, Some(Closure::All { .. })));
        let final_aum = match &plan {
            Some(plan) => record_aum(
                ctx,
                rng,
                e,
                (plan, emptied_from),
                level,
                &mut batch.monthly_aum,
            ),
            None => level,
        };
        // What the closed accounts held is in the open ones.
        let open_level: i64 = accounts
            .iter()
            .filter(|a| a.record.family.is_asset())
            .map(|a| minor(a.record.balance))
            .sum();
        rescale_assets(&mut accounts, open_level, final_aum);
        if let Some(employer) = e.employer {
            batch.relationships.push(employment(e, employer, &accounts));
        }
        assign_rms(ctx, rng, e, final_aum, &mut batch.rm_assignments);
        truth.push(truth_of(ctx, e, plan.as_ref()));
        accounts_by_party.push(accounts);
    }
    (accounts_by_party, truth)
}

/// What bears on the party's hazard of leaving, and its plan drawn from them.
fn churn_plan(ctx: &Ctx, e: &Entity, accounts: &[AccountInfo]) -> ChurnPlan {
    let onboarded = e.record.onboarded_on;
    let onboard_month = churn::first_day(onboarded);
    let from = ctx.months.iter().filter(|m| **m < onboard_month).count();
    let mut families = 0u32;
    for a in accounts {
        if let Some(i) = ProductFamily::ALL
            .iter()
            .position(|f| *f == a.record.family)
        {
            families |= 1 << i;
        }
    }
    let holds = |f: ProductFamily| accounts.iter().any(|a| a.record.family == f);
    let drivers = Drivers {
        tenure_months: churn::months_between(onboarded, ctx.as_of),
        families: families.count_ones() as usize,
        payroll: holds(ProductFamily::Payroll),
        high_net_worth: e.archetype == Some(Archetype::HighNetWorth),
        dormant: e.archetype == Some(Archetype::Dormant),
        organisation: e.record.kind == PartyKind::Organisation,
        rate_sensitive: holds(ProductFamily::TimeDeposit) || holds(ProductFamily::WealthManagement),
    };
    ChurnPlan::draw(ctx.seed, e.record.id.0 as u64, &ctx.months, from, &drivers)
}

/// The ground truth of a party: its archetype and, for a customer, its hazard, its decision
/// to leave and churn month (if within the generated months) and its dip.
fn truth_of(ctx: &Ctx, e: &Entity, plan: Option<&ChurnPlan>) -> TruthCustomer {
    let month = |i: Option<usize>| i.and_then(|i| ctx.months.get(i)).copied();
    TruthCustomer {
        party_id: e.record.id,
        customer_number: e.record.customer_number.clone(),
        kind: e.record.kind,
        archetype: e.archetype,
        churned_in: month(plan.and_then(ChurnPlan::churn_index)),
        decided_in: month(plan.and_then(|p| p.decided)),
        wind_down_months: plan.and_then(|p| p.decided.map(|_| p.wind_down)),
        hazard: plan.map(|p| p.hazard),
        dip_in: month(plan.and_then(|p| p.dip.map(|d| d.start))),
    }
}

/// The party's monthly AUM history, if it has an archetype: its archetype's curve towards
/// `level`, reshaped by its churn plan, and 0 from the month it closed all its accounts (if
/// it did, `emptied_from`); returns its AUM at as-of (fen).
fn record_aum(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    e: &Entity,
    (plan, emptied_from): (&ChurnPlan, Option<usize>),
    level: i64,
    out: &mut Vec<MonthlyAumRecord>,
) -> i64 {
    let Some(arch) = e.archetype else {
        return level;
    };
    let series = aum_series(
        ctx,
        rng,
        arch,
        (plan, emptied_from),
        level,
        e.record.onboarded_on,
    );
    let last = series.last().map_or(level, |(_, fen)| *fen);
    for (month, fen) in series {
        out.push(MonthlyAumRecord {
            party_id: e.record.id,
            month,
            aum: Money::from_minor_units(fen, Currency::Cny),
        });
    }
    last
}

/// Scales the asset balances (summing to `from` fen) to sum to `to`; the first account takes
/// the remainder (and everything when the others hold nothing).
fn rescale_assets(accounts: &mut [AccountInfo], from: i64, to: i64) {
    if from == to {
        return;
    }
    if from <= 0 {
        if let Some(first) = accounts.first_mut() {
            first.record.balance = cny(to);
        }
        return;
    }
    let mut rest = to;
    for a in accounts
        .iter_mut()
        .skip(1)
        .filter(|a| a.record.family.is_asset())
    {
        let scaled = i128::from(minor(a.record.balance)) * i128::from(to) / i128::from(from);
        let scaled = i64::try_from(scaled).unwrap_or(0);
        a.record.balance = cny(scaled);
        rest -= scaled;
    }
    if let Some(first) = accounts.first_mut() {
        first.record.balance = cny(rest);
    }
}

/// The party works for `employer` since its payroll account was opened (if it has one).
fn employment(e: &Entity, employer: u64, accounts: &[AccountInfo]) -> RelationshipRecord {
    let since = accounts
        .iter()
        .find(|a| a.record.family == ProductFamily::Payroll)
        .map(|a| a.record.opened_on);
    RelationshipRecord {
        from: e.record.id,
        to: PartyId(employer as i64),
        kind: RelationshipKind::Employer,
        since,
    }
}

/// What the source systems hold of each party, noise included, and its transactions, drawn
/// from the batch's own stream for sources.
fn source_views(
    generator: &Generator,
    index: usize,
    entities: &[Entity],
    accounts_by_party: &[Vec<AccountInfo>],
    out: &mut GeneratedBatch,
) {
    let config = generator.config();
    let mut src_rng = rng_for(config.seed, stream::SOURCES, index as u64);
    for ((e, accounts), truth) in entities.iter().zip(accounts_by_party).zip(&out.truth) {
        crate::noise::source_records(
            &mut src_rng,
            e,
            accounts,
            &generator.layout,
            config.seed,
            config.as_of,
            &mut out.source_records,
            &mut out.source_accounts,
        );
        if config.transactions {
            crate::transactions::for_party(
                config.seed,
                config.as_of,
                e,
                truth,
                accounts,
                &mut out.transactions,
            );
        }
    }
}

fn minor(m: Money) -> i64 {
    m.to_minor_units().unwrap_or(0)
}

fn cny(fen: i64) -> Money {
    Money::from_minor_units(fen, Currency::Cny)
}

fn random_gender(rng: &mut ChaCha8Rng) -> Gender {
    if rng.random_bool(0.5) {
        Gender::Male
    } else {
        Gender::Female
    }
}

fn sample_age(rng: &mut ChaCha8Rng) -> f64 {
    let (lo, hi) = pick_weighted(rng, AGE_BANDS);
    f64::from(lo) + rng.random::<f64>() * f64::from(hi - lo + 1)
}

fn sample_archetype(rng: &mut ChaCha8Rng, age: u32) -> Archetype {
    let a = pick_weighted(rng, ARCHETYPE_MIX);
    match a {
        Archetype::Steady | Archetype::New => a,
        _ if age < 21 => Archetype::Steady,
        Archetype::HighNetWorth if age < 30 => Archetype::Growing,
        _ => a,
    }
}

fn onboarding(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    arch: Archetype,
    birth: Option<NaiveDate>,
) -> NaiveDate {
    let (min_days, max_days) = match arch {
        Archetype::New => (0, 89),
        Archetype::Steady => (90, 15 * 365),
        _ => (760, 15 * 365),
    };
    let d = shift(ctx.as_of, -rng.random_range(min_days..=max_days));
    match birth {
        Some(b) => d.max(add_years(b, 18)).min(ctx.as_of),
        None => d,
    }
}

fn registration_district(rng: &mut ChaCha8Rng, home: &SubBranch) -> &'static District {
    if rng.random_bool(HOME_CITY_REGISTRATION) {
        pick(rng, &home.city_districts)
    } else {
        pick_ref(rng, DISTRICTS)
    }
}

fn income_band(rng: &mut ChaCha8Rng, occupation: &str, arch: Archetype) -> &'static str {
    const BANDS: &[(&str, u32)] = &[
        ("<50k", 25),
        ("50k-100k", 30),
        ("100k-300k", 30),
        ("300k-1m", 12),
        (">1m", 3),
    ];
    if arch == Archetype::HighNetWorth {
        return if rng.random_bool(0.6) {
            ">1m"
        } else {
            "300k-1m"
        };
    }
    match occupation {
        "学生" => "<50k",
        // The three lowest bands.
        "退休" => pick_weighted(rng, BANDS.get(..3).unwrap_or(BANDS)),
        _ => pick_weighted(rng, BANDS),
    }
}

fn income_factor(band: &str) -> f64 {
    match band {
        "<50k" => 0.4,
        "50k-100k" => 0.8,
        "100k-300k" => 1.3,
        "300k-1m" => 2.5,
        _ => 5.0,
    }
}

#[allow(clippy::too_many_arguments)]
fn make_person(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    p: u64,
    gender: Gender,
    age_years: f64,
    surname: Option<&'static str>,
    home_sub: usize,
    address: Address,
    mobile_override: Option<rapport_domain::Mobile>,
) -> Option<Entity> {
    let home = ctx.layout.sub_branches.get(home_sub)?;
    let birth = people::birth_date(ctx.as_of, p, ctx.seed, age_years);
    let age = people::age_on(birth, ctx.as_of);
    let name = PersonName {
        surname: surname.unwrap_or_else(|| people::surname(rng)),
        given: people::given_name(rng, gender),
    };
    let reg = registration_district(rng, home);
    let resident_id = people::resident_id(reg.code, birth, p, ctx.seed, gender).ok();
    let archetype = sample_archetype(rng, age);
    let occupation = if age >= 60 && rng.random_bool(0.75) {
        "退休"
    } else if age < 23 && rng.random_bool(0.4) {
        "学生"
    } else if archetype == Archetype::HighNetWorth && rng.random_bool(0.4) {
        "私营企业主"
    } else {
        pick(rng, OCCUPATIONS)
    };
    let income = income_band(rng, occupation, archetype);
    let prefix = mobile_prefix(rng);
    let mobile = match mobile_override {
        Some(m) => Some(m),
        None => mobile_number(prefix, p, ctx.seed).ok(),
    };
    let email = if rng.random_bool(if age < 50 { 0.4 } else { 0.15 }) {
        Some(email_for(&name, p))
    } else {
        None
    };
    let onboarded_on = onboarding(ctx, rng, archetype, Some(birth));
    Some(Entity {
        record: PartyRecord {
            id: PartyId(p as i64),
            customer_number: CustomerNumber::from_sequence(p),
            kind: PartyKind::Individual,
            name: name.full(),
            gender: Some(gender),
            birth_date: Some(birth),
            resident_id,
            uscc: None,
            mobile,
            email,
            address: Some(address.format()),
            occupation: Some(occupation.into()),
            income_band: Some(income.into()),
            home_branch: home.id,
            onboarded_on,
        },
        person: Some(name),
        address: Some(address),
        archetype: Some(archetype),
        home_sub,
        age,
        employer: None,
        anchor_rm: None,
        second_core_sub: None,
    })
}

fn email_for(name: &PersonName, p: u64) -> String {
    let domain = match p % 3 {
        0 => "example.com",
        1 => "example.net",
        _ => "example.org",
    };
    format!(
        "{}{}{}@{}",
        hanzi_pinyin(&name.given),
        surname_pinyin(name.surname),
        p % 1000,
        domain
    )
}

fn make_household(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    members: &[u64],
    entities: &mut [Option<Entity>],
    lo: u64,
    relationships: &mut Vec<RelationshipRecord>,
) {
    let Some(&head_p) = members.first() else {
        return;
    };
    let home_sub = rng.random_range(0..ctx.layout.sub_branches.len());
    let Some(home) = ctx.layout.sub_branches.get(home_sub) else {
        return;
    };
    let district = pick(rng, &home.city_districts);
    let address = Address::random(rng, district);
    let head_gender = if rng.random_bool(0.7) {
        Gender::Male
    } else {
        Gender::Female
    };
    let head_age = 28.0 + rng.random::<f64>() * 44.0;
    let couple = members.len() > 2 || rng.random_bool(0.8);
    let husband_surname = people::surname(rng);
    let shared_mobile = rng.random_bool(HOUSEHOLD_SHARED_MOBILE);

    let head_surname = surname_for(rng, head_gender, husband_surname);
    let Some(head) = make_person(
        ctx,
        rng,
        head_p,
        head_gender,
        head_age,
        Some(head_surname),
        home_sub,
        address,
        None,
    ) else {
        return;
    };
    let head_mobile = head.record.mobile.clone();
    let head_id = head.record.id;
    let head_onboarded = head.record.onboarded_on;
    put(entities, lo, head_p, Some(head));

    for (k, &p) in members.iter().enumerate().skip(1) {
        let spouse = couple && k == 1;
        let (gender, age, surname) = if spouse {
            spouse_traits(rng, head_gender, head_age, husband_surname)
        } else {
            relative_traits(rng, head_age, husband_surname)
        };
        let mobile = if shared_mobile {
            head_mobile.clone()
        } else {
            None
        };
        let Some(member) = make_person(
            ctx,
            rng,
            p,
            gender,
            age.max(18.0),
            Some(surname),
            home_sub,
            address,
            mobile,
        ) else {
            continue;
        };
        relationships.push(RelationshipRecord {
            from: member.record.id,
            to: head_id,
            kind: RelationshipKind::HouseholdMember,
            since: Some(member.record.onboarded_on.max(head_onboarded)),
        });
        if spouse {
            relationships.push(RelationshipRecord {
                from: head_id,
                to: member.record.id,
                kind: RelationshipKind::Spouse,
                since: None,
            });
        }
        put(entities, lo, p, Some(member));
    }
}

/// A man carries the husband's surname (the household's family name); a woman keeps her own.
fn surname_for(
    rng: &mut ChaCha8Rng,
    gender: Gender,
    husband_surname: &'static str,
) -> &'static str {
    if gender == Gender::Male {
        husband_surname
    } else {
        people::surname(rng)
    }
}

/// Gender, age and surname of the head's spouse: the other gender, of about the head's age.
fn spouse_traits(
    rng: &mut ChaCha8Rng,
    head_gender: Gender,
    head_age: f64,
    husband_surname: &'static str,
) -> (Gender, f64, &'static str) {
    let g = if head_gender == Gender::Male {
        Gender::Female
    } else {
        Gender::Male
    };
    let s = surname_for(rng, g, husband_surname);
    (g, head_age + rng.random_range(-6.0..6.0), s)
}

/// Gender, age and surname of a member who is not the spouse: a grown child of an older head
/// (with the family name), else a parent of a younger one.
fn relative_traits(
    rng: &mut ChaCha8Rng,
    head_age: f64,
    husband_surname: &'static str,
) -> (Gender, f64, &'static str) {
    let g = random_gender(rng);
    if head_age >= 42.0 {
        (g, head_age - rng.random_range(22.0..34.0), husband_surname)
    } else {
        let s = surname_for(rng, g, husband_surname);
        (g, (head_age + rng.random_range(24.0..32.0)).min(84.0), s)
    }
}

fn make_org(ctx: &Ctx, rng: &mut ChaCha8Rng, p: u64, anchor: Option<usize>) -> Option<Entity> {
    let home_sub = match anchor {
        Some(r) => ctx.layout.rm_sub(r),
        None => rng.random_range(0..ctx.layout.sub_branches.len()),
    };
    let home = ctx.layout.sub_branches.get(home_sub)?;
    let d = pick(rng, &home.city_districts);
    let address = Address::random(rng, d);
    let trade = format!("{}{}", pick(rng, TRADE_CHARS), pick(rng, TRADE_CHARS));
    let industry = pick(rng, INDUSTRIES).0;
    let form = pick_weighted(rng, LEGAL_FORMS);
    let name = format!("{}{}{}{}", d.city_short(), trade, industry, form);
    let uscc = org_uscc(p, d.code, ctx.seed);
    let mobile = mobile_number(mobile_prefix(rng), p, ctx.seed).ok();
    let email = rng
        .random_bool(0.3)
        .then(|| format!("finance{}@{}.example.com", p % 1000, hanzi_pinyin(&trade)));
    let archetype = sample_archetype(rng, 99);
    let onboarded_on = onboarding(ctx, rng, archetype, None);
    let mut e = Entity {
        record: PartyRecord {
            id: PartyId(p as i64),
            customer_number: CustomerNumber::from_sequence(p),
            kind: PartyKind::Organisation,
            name,
            gender: None,
            birth_date: None,
            resident_id: None,
            uscc,
            mobile,
            email,
            address: Some(address.format_office()),
            occupation: None,
            income_band: None,
            home_branch: home.id,
            onboarded_on,
        },
        person: None,
        address: Some(address),
        archetype: Some(archetype),
        home_sub,
        age: 0,
        employer: None,
        anchor_rm: None,
        second_core_sub: None,
    };
    e.anchor_rm = anchor;
    Some(e)
}

/// USCC with registration authority 9 (市场监管) / type 1 (企业), the office's division code and
/// an organisation code `MA` + 6 symbols that encode the party number (unique by construction).
fn org_uscc(p: u64, division: u32, seed: u64) -> Option<Uscc> {
    const SYMBOLS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    let mut y = scramble(p, 8, seed ^ 0x7573_6363);
    let mut body = [b'0'; 6];
    for slot in body.iter_mut().rev() {
        *slot = *SYMBOLS.get((y % 31) as usize)?;
        y /= 31;
    }
    let org = format!("MA{}", std::str::from_utf8(&body).unwrap_or("000000"));
    Uscc::from_parts("91", division, &org).ok()
}

fn make_prospect(ctx: &Ctx, rng: &mut ChaCha8Rng, p: u64) -> Option<Entity> {
    let gender = random_gender(rng);
    let age = sample_age(rng);
    let birth = people::birth_date(ctx.as_of, p, ctx.seed, age);
    let name = people::person_name(rng, gender);
    let home_sub = rng.random_range(0..ctx.layout.sub_branches.len());
    let home = ctx.layout.sub_branches.get(home_sub)?;
    let mobile = mobile_number(mobile_prefix(rng), p, ctx.seed).ok();
    let known_birth = rng.random_bool(0.6);
    let email = rng.random_bool(0.3).then(|| email_for(&name, p));
    let onboarded_on = shift(ctx.as_of, -rng.random_range(0..730));
    Some(Entity {
        record: PartyRecord {
            id: PartyId(p as i64),
            customer_number: CustomerNumber::from_sequence(p),
            kind: PartyKind::Prospect,
            name: name.full(),
            gender: Some(gender),
            birth_date: known_birth.then_some(birth),
            resident_id: None,
            uscc: None,
            mobile,
            email,
            address: None,
            occupation: None,
            income_band: None,
            home_branch: home.id,
            onboarded_on,
        },
        person: Some(name),
        address: None,
        archetype: None,
        home_sub,
        age: people::age_on(birth, ctx.as_of),
        employer: None,
        anchor_rm: None,
        second_core_sub: None,
    })
}

/// Payroll employers, corporate groups and guarantors, all within the batch.
fn link_organisations(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    entities: &mut [Entity],
    orgs: &[u64],
    lo: u64,
    relationships: &mut Vec<RelationshipRecord>,
) {
    if orgs.is_empty() {
        return;
    }
    let region_of = |e: &Entity| ctx.layout.sub_branches.get(e.home_sub).map(|s| s.region);
    let mut by_region: HashMap<Option<usize>, Vec<u64>> = HashMap::new();
    for &o in orgs {
        if let Some(e) = entities.get((o - lo) as usize) {
            by_region.entry(region_of(e)).or_default().push(o);
        }
    }
    for (k, &o) in orgs.iter().enumerate() {
        if k > 0 && rng.random_bool(CORPORATE_GROUP_SHARE) {
            let parent = orgs.get(rng.random_range(0..k));
            let since = entities
                .get((o - lo) as usize)
                .map(|e| e.record.onboarded_on);
            if let (Some(&parent), Some(since)) = (parent, since) {
                relationships.push(RelationshipRecord {
                    from: PartyId(o as i64),
                    to: PartyId(parent as i64),
                    kind: RelationshipKind::CorporateGroup,
                    since: Some(since),
                });
            }
        }
    }
    for e in entities.iter_mut() {
        if e.record.kind != PartyKind::Individual {
            continue;
        }
        let working = (22..60).contains(&e.age) && !matches!(e.archetype, Some(Archetype::Dormant));
        if working && rng.random_bool(PAYROLL_SHARE) {
            let local = by_region.get(&region_of(e));
            let employer = match local {
                Some(v) if !v.is_empty() => pick(rng, v),
                _ => pick(rng, orgs),
            };
            e.employer = Some(employer);
        }
        if rng.random_bool(GUARANTOR_SHARE) {
            let org = pick(rng, orgs);
            relationships.push(RelationshipRecord {
                from: e.record.id,
                to: PartyId(org as i64),
                kind: RelationshipKind::Guarantor,
                since: Some(date_between(rng, e.record.onboarded_on, ctx.as_of)),
            });
        }
    }
}

struct Planned {
    code: &'static str,
    family: ProductFamily,
}

fn plan(rng: &mut ChaCha8Rng, e: &Entity) -> Vec<Planned> {
    let arch = e.archetype.unwrap_or(Archetype::Steady);
    if e.record.kind == PartyKind::Organisation {
        return plan_organisation(rng, arch);
    }
    let mut plan = IndividualPlan {
        e,
        age: e.age,
        hnw: arch == Archetype::HighNetWorth,
        damp: match arch {
            Archetype::Dormant => 0.3,
            Archetype::New => 0.5,
            _ => 1.0,
        },
        planned: Vec::with_capacity(6),
    };
    plan.deposits(rng);
    plan.credit_cards(rng);
    if arch != Archetype::Dormant {
        plan.loans(rng);
    }
    plan.investments(rng);
    plan.planned
}

fn plan_organisation(rng: &mut ChaCha8Rng, arch: Archetype) -> Vec<Planned> {
    let mut v = Vec::with_capacity(6);
    let mut add = |code: &'static str, family: ProductFamily| v.push(Planned { code, family });
    let hnw = arch == Archetype::HighNetWorth;
    add("CA-CORP", ProductFamily::CurrentDeposit);
    if rng.random_bool(if hnw { 0.9 } else { 0.45 }) {
        add("TD-CORP-1Y", ProductFamily::TimeDeposit);
    }
    if arch != Archetype::Dormant && rng.random_bool(0.5) {
        add(
            if rng.random_bool(0.5) {
                "BL-SME"
            } else {
                "BL-WC"
            },
            ProductFamily::BusinessLoan,
        );
    }
    if rng.random_bool(if hnw { 0.8 } else { 0.25 }) {
        add("WM-R2-365D", ProductFamily::WealthManagement);
    }
    v
}

/// An individual's products, planned family by family; dormant and new customers take up
/// fewer products (`damp`).
struct IndividualPlan<'a> {
    e: &'a Entity,
    age: u32,
    hnw: bool,
    damp: f64,
    planned: Vec<Planned>,
}

impl IndividualPlan<'_> {
    fn add(&mut self, code: &'static str, family: ProductFamily) {
        self.planned.push(Planned { code, family });
    }

    /// Takes up a product with probability `p`, damped.
    fn chance(&self, rng: &mut ChaCha8Rng, p: f64) -> bool {
        rng.random_bool((p * self.damp).clamp(0.0, 1.0))
    }

    fn deposits(&mut self, rng: &mut ChaCha8Rng) {
        self.add("CA-STD", ProductFamily::CurrentDeposit);
        if self.chance(rng, 0.15) {
            self.add("CA-STD", ProductFamily::CurrentDeposit);
        }
        if self.e.employer.is_some() {
            self.add("PR-STD", ProductFamily::Payroll);
        }
        let td = if self.hnw {
            0.8
        } else {
            0.2 + 0.005 * f64::from(self.age.saturating_sub(18))
        };
        if self.chance(rng, td) {
            let code = if self.hnw && rng.random_bool(0.5) {
                "CD-3Y"
            } else {
                pick(
                    rng,
                    &[
                        "TD-3M", "TD-6M", "TD-1Y", "TD-1Y", "TD-2Y", "TD-3Y", "TD-5Y",
                    ],
                )
            };
            self.add(code, ProductFamily::TimeDeposit);
            if self.chance(rng, 0.25) {
                self.add("TD-1Y", ProductFamily::TimeDeposit);
            }
        }
    }

    fn credit_cards(&mut self, rng: &mut ChaCha8Rng) {
        let cc = if self.hnw {
            0.8
        } else if self.age < 40 {
            0.5
        } else if self.age < 60 {
            0.35
        } else {
            0.1
        };
        if self.chance(rng, cc) {
            let rich = matches!(
                self.e.record.income_band.as_deref(),
                Some("300k-1m" | ">1m")
            );
            let code = if self.hnw {
                "CC-PLAT"
            } else if rich || rng.random_bool(0.15) {
                "CC-GOLD"
            } else {
                "CC-STD"
            };
            self.add(code, ProductFamily::CreditCard);
            if self.chance(rng, 0.1) {
                self.add("CC-STD", ProductFamily::CreditCard);
            }
        }
    }

    fn loans(&mut self, rng: &mut ChaCha8Rng) {
        let age = self.age;
        if self.chance(rng, if (22..45).contains(&age) { 0.14 } else { 0.04 }) {
            let code = if rng.random_bool(0.7) {
                "CL-CASH"
            } else {
                "CL-AUTO"
            };
            self.add(code, ProductFamily::ConsumerLoan);
        }
        if self.chance(rng, if (28..=55).contains(&age) { 0.24 } else { 0.03 }) {
            let code = if self.hnw && rng.random_bool(0.5) {
                "ML-SECOND"
            } else {
                "ML-FIRST"
            };
            self.add(code, ProductFamily::Mortgage);
        }
        let business = matches!(
            self.e.record.occupation.as_deref(),
            Some("个体工商户" | "私营企业主")
        );
        if self.chance(rng, if business { 0.35 } else { 0.005 }) {
            self.add("BL-IND", ProductFamily::BusinessLoan);
        }
    }

    /// Wealth management, funds and insurance.
    fn investments(&mut self, rng: &mut ChaCha8Rng) {
        let (hnw, age) = (self.hnw, self.age);
        let wm = if hnw {
            0.9
        } else if age >= 35 {
            0.16
        } else {
            0.07
        };
        if self.chance(rng, wm) {
            const WM: &[&str] = &[
                "WM-R1-90D",
                "WM-R2-180D",
                "WM-R2-365D",
                "WM-R3-365D",
                "WM-R4-730D",
            ];
            self.add(pick(rng, WM), ProductFamily::WealthManagement);
            if hnw && rng.random_bool(0.5) {
                self.add(pick(rng, WM), ProductFamily::WealthManagement);
            }
        }
        let fund = if hnw {
            0.7
        } else if age < 45 {
            0.13
        } else {
            0.08
        };
        if self.chance(rng, fund) {
            const FD: &[&str] = &["FD-MMF", "FD-BOND", "FD-MIX", "FD-EQ", "FD-IDX"];
            self.add(pick(rng, FD), ProductFamily::Fund);
        }
        let insurance = if hnw {
            0.6
        } else if (30..60).contains(&age) {
            0.1
        } else {
            0.05
        };
        if self.chance(rng, insurance) {
            const INS: &[&str] = &["INS-LIFE", "INS-ANN", "INS-CI"];
            self.add(pick(rng, INS), ProductFamily::Insurance);
        }
    }
}

/// The party's AUM at as_of in fen, by archetype, age, income and kind.
fn target_aum(rng: &mut ChaCha8Rng, e: &Entity) -> i64 {
    let arch = e.archetype.unwrap_or(Archetype::Steady);
    let cny = match arch {
        Archetype::HighNetWorth => {
            let x = HNW_FLOOR_CNY as f64 * (0.8 * crate::rng::normal(rng)).abs().exp();
            x.min(80_000_000.0)
                * if e.record.kind == PartyKind::Organisation {
                    3.0
                } else {
                    1.0
                }
        }
        Archetype::Dormant => (rng.random_range(50f64.ln()..20_000f64.ln())).exp(),
        _ => {
            let median = match arch {
                Archetype::Growing => 80_000.0,
                Archetype::Seasonal => 50_000.0,
                Archetype::New => 20_000.0,
                _ => 60_000.0,
            };
            let age_factor = match e.age {
                0 => 8.0, // organisations
                a if a < 26 => 0.3,
                a if a < 36 => 0.7,
                a if a < 46 => 1.0,
                a if a < 56 => 1.3,
                _ => 1.5,
            };
            let income = e.record.income_band.as_deref().map_or(1.0, income_factor);
            crate::rng::lognormal(rng, median * age_factor * income, 1.2).clamp(100.0, 5_900_000.0)
        }
    };
    (cny * 100.0).round() as i64
}

fn make_accounts(ctx: &Ctx, rng: &mut ChaCha8Rng, e: &mut Entity) -> Vec<AccountInfo> {
    let planned = plan(rng, e);
    let arch = e.archetype.unwrap_or(Archetype::Steady);
    let onboarded = e.record.onboarded_on;
    let mut numbers = AccountNumbers::new(ctx.seed, e.record.id.0 as u64);

    let total = target_aum(rng, e);
    let mut accounts: Vec<AccountInfo> = Vec::with_capacity(planned.len());
    let mut weights = Vec::with_capacity(planned.len());
    for (k, pl) in planned.iter().enumerate() {
        let status = account_status(rng, arch, pl.family);
        weights.push(asset_weight(rng, arch, pl.family, status));
        let account_number = numbers.next(pl.family);
        let term = product_term_months(pl.code);
        let (opened_on, matures_on, balance, limit) =
            dates_and_amounts(ctx, rng, e, pl, k == 0, term, status, onboarded);
        let source_system = if pl.family == ProductFamily::CreditCard {
            SourceSystem::Card
        } else {
            SourceSystem::CoreBanking
        };
        accounts.push(AccountInfo {
            record: AccountRecord {
                account_number,
                party_id: e.record.id,
                product_code: pl.code.into(),
                family: pl.family,
                balance: cny(balance),
                limit: limit.map(cny),
                opened_on,
                matures_on,
                status,
                source_system,
                branch_id: e.record.home_branch,
                closed_on: None,
            },
            core_file: 0,
        });
    }
    allocate_assets(&mut accounts, &weights, total);
    split_core_file(ctx, rng, e, &mut accounts);
    accounts
}

/// An account's status by archetype: a dormant customer lets its deposits and cards sleep; a
/// few accounts of the others are frozen. Accounts are closed later, if ever (`closure.rs`).
fn account_status(rng: &mut ChaCha8Rng, arch: Archetype, family: ProductFamily) -> AccountStatus {
    match arch {
        Archetype::Dormant if family.is_asset() || family == ProductFamily::CreditCard => {
            AccountStatus::Dormant
        }
        _ if rng.random_bool(FROZEN_RATE) => AccountStatus::Frozen,
        _ => AccountStatus::Active,
    }
}

/// The account's weight in the allocation of the party's assets (0 for liabilities and closed
/// accounts).
fn asset_weight(
    rng: &mut ChaCha8Rng,
    arch: Archetype,
    family: ProductFamily,
    status: AccountStatus,
) -> f64 {
    if status == AccountStatus::Closed || !family.is_asset() {
        return 0.0;
    }
    let base = match family {
        ProductFamily::CurrentDeposit if arch == Archetype::HighNetWorth => 0.3,
        ProductFamily::CurrentDeposit => 1.0,
        ProductFamily::Payroll => 0.5,
        ProductFamily::TimeDeposit => 2.0,
        ProductFamily::WealthManagement => 2.5,
        ProductFamily::Fund => 1.5,
        _ => 1.0,
    };
    base * rng.random_range(0.5..1.5)
}

/// A party's account and card numbers: they embed the (scrambled) party number and a running
/// number per kind, with a Luhn check digit.
struct AccountNumbers {
    seed: u64,
    party: u64,
    debit_seq: u64,
    card_seq: u64,
}

impl AccountNumbers {
    fn new(seed: u64, party: u64) -> AccountNumbers {
        AccountNumbers {
            seed,
            party,
            debit_seq: 0,
            card_seq: 0,
        }
    }

    fn next(&mut self, family: ProductFamily) -> String {
        if family == ProductFamily::CreditCard {
            self.card_seq += 1;
            let body = scramble(self.party, 8, self.seed ^ 0x6361_7264);
            with_luhn(&format!(
                "{CREDIT_BIN}{body:08}{}",
                (self.card_seq - 1) % 10
            ))
        } else {
            self.debit_seq += 1;
            let body = scramble(self.party, 10, self.seed ^ 0x6465_6269);
            with_luhn(&format!(
                "{DEBIT_BIN}{body:010}{:02}",
                (self.debit_seq - 1) % 100
            ))
        }
    }
}

/// Shares `total` (fen) among the asset accounts by weight; the first current account takes
/// the remainder.
fn allocate_assets(accounts: &mut [AccountInfo], weights: &[f64], total: i64) {
    let wsum: f64 = weights.iter().sum();
    let mut allocated = 0i64;
    for (a, w) in accounts.iter_mut().zip(weights).skip(1) {
        if *w > 0.0 {
            let share = ((total as f64) * w / wsum).floor() as i64;
            a.record.balance = cny(share);
            allocated += share;
        } else if a.record.family.is_asset() {
            a.record.balance = cny(0);
        }
    }
    if let Some(first) = accounts.first_mut() {
        first.record.balance = cny(total - allocated);
    }
}

/// A second customer file at another branch holds some of the core accounts.
fn split_core_file(ctx: &Ctx, rng: &mut ChaCha8Rng, e: &mut Entity, accounts: &mut [AccountInfo]) {
    let n_sub = ctx.layout.sub_branches.len();
    if e.record.kind == PartyKind::Individual && n_sub > 1 && rng.random_bool(SECOND_CORE_RECORD) {
        let other = (e.home_sub + rng.random_range(1..n_sub)) % n_sub;
        if let Some(other_sub) = ctx.layout.sub_branches.get(other) {
            e.second_core_sub = Some(other);
            let other_id: BranchId = other_sub.id;
            for a in accounts.iter_mut().skip(1) {
                if a.record.source_system == SourceSystem::CoreBanking && rng.random_bool(0.5) {
                    a.core_file = 1;
                    a.record.branch_id = other_id;
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn dates_and_amounts(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    e: &Entity,
    pl: &Planned,
    first: bool,
    term_months: u32,
    status: AccountStatus,
    onboarded: NaiveDate,
) -> (NaiveDate, Option<NaiveDate>, i64, Option<i64>) {
    let as_of = ctx.as_of;
    let closed = status == AccountStatus::Closed;
    // For churned customers, closed accounts were opened well before the decline.
    let latest_open = if closed {
        shift(as_of, -400).max(onboarded)
    } else {
        as_of
    };
    match pl.family {
        ProductFamily::CurrentDeposit if first => (onboarded, None, 0, None),
        ProductFamily::CurrentDeposit | ProductFamily::Fund | ProductFamily::Insurance => {
            (date_between(rng, onboarded, latest_open), None, 0, None)
        }
        ProductFamily::Payroll => (
            date_between(rng, onboarded, shift(latest_open, -30)),
            None,
            0,
            None,
        ),
        ProductFamily::TimeDeposit | ProductFamily::WealthManagement => {
            // Rolled over: the current term started within the last term.
            let from = shift(sub_months(as_of, term_months.max(1)), 1).max(onboarded);
            let opened = date_between(rng, from, latest_open);
            (
                opened,
                Some(add_months(opened, term_months.max(1))),
                0,
                None,
            )
        }
        ProductFamily::CreditCard => {
            let (limit, owed) = card_limit_and_owed(rng, pl.code, status);
            (
                date_between(rng, onboarded, latest_open),
                None,
                owed,
                Some(limit),
            )
        }
        ProductFamily::Mortgage | ProductFamily::ConsumerLoan | ProductFamily::BusinessLoan => {
            let (years, median) = loan_years_and_median(rng, e, pl.family);
            let limit = round_thousands(crate::rng::lognormal(rng, median, 0.6));
            let from = shift(sub_months(as_of, years * 12), 31)
                .max(onboarded)
                .max(shift(as_of, -3650));
            let opened = date_between(rng, from, shift(latest_open, -1).max(from));
            let matures = add_months(opened, years * 12);
            let owed = if closed {
                0
            } else {
                loan_outstanding(rng, as_of, opened, matures, limit)
            };
            (opened, Some(matures), owed, Some(limit))
        }
    }
}

fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(Months::new(m)).unwrap_or(d)
}

fn sub_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(m)).unwrap_or(d)
}

/// Yuan rounded to whole thousands (at least one thousand), in fen.
fn round_thousands(x: f64) -> i64 {
    ((x / 1000.0).round().max(1.0) * 1000.0 * 100.0) as i64
}

/// A credit card's limit by grade and what is owed on it (fen); nothing on a closed or
/// dormant card.
fn card_limit_and_owed(rng: &mut ChaCha8Rng, code: &str, status: AccountStatus) -> (i64, i64) {
    let limit = match code {
        "CC-PLAT" => rng.random_range(100_000.0..500_000.0),
        "CC-GOLD" => rng.random_range(50_000.0..100_000.0),
        _ => rng.random_range(5_000.0..30_000.0),
    };
    let limit = round_thousands(limit);
    let owed = if status == AccountStatus::Closed
        || status == AccountStatus::Dormant
        || rng.random_bool(0.3)
    {
        0
    } else {
        (limit as f64 * rng.random_range(0.0..0.6)) as i64
    };
    (limit, owed)
}

/// A loan's term in years and median amount (CNY) by kind.
fn loan_years_and_median(rng: &mut ChaCha8Rng, e: &Entity, family: ProductFamily) -> (u32, f64) {
    let org = e.record.kind == PartyKind::Organisation;
    let hnw = e.archetype == Some(Archetype::HighNetWorth);
    match family {
        ProductFamily::Mortgage => (
            pick(rng, &[20u32, 25, 30]),
            if hnw { 3_000_000.0 } else { 1_000_000.0 },
        ),
        ProductFamily::ConsumerLoan => (rng.random_range(1..=5u32), 80_000.0),
        _ => (
            rng.random_range(1..=3u32),
            if org { 3_000_000.0 } else { 400_000.0 },
        ),
    }
}

/// What is still owed on a loan of `limit` fen: the share of its term not yet elapsed (at least
/// 5%), give or take.
fn loan_outstanding(
    rng: &mut ChaCha8Rng,
    as_of: NaiveDate,
    opened: NaiveDate,
    matures: NaiveDate,
    limit: i64,
) -> i64 {
    let elapsed = opened
        .signed_duration_since(as_of)
        .num_days()
        .unsigned_abs() as f64;
    let total = matures.signed_duration_since(opened).num_days().max(1) as f64;
    let remaining = (1.0 - elapsed / total).clamp(0.05, 1.0);
    ((limit as f64) * remaining * rng.random_range(0.9..1.0)) as i64
}

/// The monthly AUM points of a party: its archetype's curve ending at `level` fen in as_of's
/// month, reshaped by its plan (a dip, a decision to leave).
fn aum_series(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    arch: Archetype,
    (plan, emptied_from): (&ChurnPlan, Option<usize>),
    level: i64,
    onboarded: NaiveDate,
) -> Vec<(NaiveDate, i64)> {
    let onboard_month = churn::first_day(onboarded);
    let n = ctx.months.len();
    let f = level as f64;
    let mut values = vec![0f64; n];
    let last = (n - 1) as f64;
    match arch {
        Archetype::Steady => {
            for v in values.iter_mut() {
                *v = f * noise(rng, 0.04);
            }
        }
        Archetype::Growing | Archetype::HighNetWorth => growth_curve(rng, arch, f, &mut values),
        Archetype::Seasonal => seasonal_curve(ctx, rng, f, &mut values),
        Archetype::Dormant => {
            for (t, v) in values.iter_mut().enumerate() {
                *v = f * (1.0 - 0.0005 * (last - t as f64)) * noise(rng, 0.03);
            }
        }
        Archetype::New => new_customer_curve(ctx, rng, f, onboard_month, &mut values),
    }
    // The curve ends at its level; the plan may take it elsewhere.
    if let Some(v) = values.last_mut() {
        *v = f;
    }
    plan.shape(rng, &mut values);
    if let Some(from) = emptied_from {
        for v in values.iter_mut().skip(from) {
            *v = 0.0;
        }
    }
    let final_fen = values.last().map_or(level, |v| v.round() as i64);
    month_points(
        ctx,
        arch,
        &values,
        final_fen,
        onboard_month,
        plan.disturbed_from(),
    )
}

/// A multiplicative noise factor around 1 with standard deviation `s`.
fn noise(rng: &mut ChaCha8Rng, s: f64) -> f64 {
    1.0 + s * crate::rng::normal(rng)
}

/// Rises to `f` along a power curve from a fraction of it (a high-net-worth customer starts
/// nearer its final level).
fn growth_curve(rng: &mut ChaCha8Rng, arch: Archetype, f: f64, values: &mut [f64]) {
    let last = (values.len() - 1) as f64;
    let (s, sd) = if arch == Archetype::Growing {
        (rng.random_range(0.3..0.7), 0.03)
    } else {
        (rng.random_range(0.75..1.0), 0.04)
    };
    let gamma = rng.random_range(0.8..1.6);
    for (t, v) in values.iter_mut().enumerate() {
        let x = t as f64 / last;
        *v = f * (s + (1.0 - s) * x.powf(gamma)) * noise(rng, sd);
    }
}

/// A yearly cycle peaking in February, scaled to end at `f`.
fn seasonal_curve(ctx: &Ctx, rng: &mut ChaCha8Rng, f: f64, values: &mut [f64]) {
    let amp = rng.random_range(0.2..0.5);
    let factor = |m: NaiveDate| {
        1.0 + amp * (2.0 * std::f64::consts::PI * (f64::from(m.month()) - 2.0) / 12.0).cos()
    };
    // `months` is never empty; without months there are no values to scale.
    let end = ctx.months.last().map_or(1.0, |m| factor(*m));
    for (v, m) in values.iter_mut().zip(&ctx.months) {
        *v = f * factor(*m) / end * noise(rng, 0.03);
    }
}

/// From half of `f` in the onboarding month up to `f`; nothing before.
fn new_customer_curve(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    f: f64,
    onboard_month: NaiveDate,
    values: &mut [f64],
) {
    let n = values.len();
    let k = ctx
        .months
        .iter()
        .filter(|m| **m >= onboard_month)
        .count()
        .max(1);
    for (i, v) in values.iter_mut().skip(n - k).enumerate() {
        let x = if k > 1 {
            i as f64 / (k - 1) as f64
        } else {
            1.0
        };
        *v = f * (0.5 + 0.5 * x) * noise(rng, 0.05);
    }
}

/// The curve as (month, fen) points: exactly `final_fen` in the last month, nothing below the
/// high-net-worth floor (up to a tenth above it where the curve dips below) before the month from which the curve is `disturbed` (a dip, a decision
/// to leave), 0 before onboarding (a new customer has no points then).
fn month_points(
    ctx: &Ctx,
    arch: Archetype,
    values: &[f64],
    final_fen: i64,
    onboard_month: NaiveDate,
    disturbed: Option<usize>,
) -> Vec<(NaiveDate, i64)> {
    let n = ctx.months.len();
    let floor = if arch == Archetype::HighNetWorth {
        HNW_FLOOR_CNY as f64 * 100.0
    } else {
        0.0
    };
    let mut out = Vec::with_capacity(n);
    for (t, (month, value)) in ctx.months.iter().zip(values).enumerate() {
        let before = *month < onboard_month;
        if arch == Archetype::New && before {
            continue;
        }
        let floor = if disturbed.is_some_and(|d| t >= d) {
            0.0
        } else {
            floor
        };
        // Below the floor a curve is lifted just above it, keeping its wiggles.
        let value = if *value < floor {
            floor * (1.0 + 0.1 * (1.0 - value / floor))
        } else {
            *value
        };
        let fen = if t == n - 1 {
            final_fen
        } else if before {
            0
        } else {
            value.round() as i64
        };
        out.push((*month, fen));
    }
    out
}

fn assign_rms(
    ctx: &Ctx,
    rng: &mut ChaCha8Rng,
    e: &Entity,
    final_aum: i64,
    out: &mut Vec<RmAssignmentRecord>,
) {
    let layout = ctx.layout;
    let wants = match (e.anchor_rm, e.record.kind, e.archetype) {
        (Some(_), _, _) => true,
        (_, PartyKind::Organisation, _) => true,
        (_, _, Some(Archetype::HighNetWorth)) => true,
        (_, PartyKind::Prospect, _) => rng.random_bool(RM_PROSPECT),
        _ if final_aum > RM_AUM_THRESHOLD_CNY * 100 => rng.random_bool(RM_ABOVE_THRESHOLD),
        _ => rng.random_bool(RM_ORDINARY),
    };
    if !wants {
        return;
    }
    let local = layout
        .rms_by_sub
        .get(e.home_sub)
        .map_or(&[][..], Vec::as_slice);
    let rm = match e.anchor_rm {
        Some(r) => r,
        None if !local.is_empty() => pick(rng, local),
        None => rng.random_range(0..layout.rms.len()),
    };
    let onboarded = e.record.onboarded_on;
    let from = date_between(rng, onboarded, ctx.as_of);
    let party_id = e.record.id;
    if layout.rms.len() > 1
        && from.signed_duration_since(onboarded).num_days() > 60
        && rng.random_bool(RM_HISTORICAL)
    {
        let prev = (rm + rng.random_range(1..layout.rms.len())) % layout.rms.len();
        let prev_from = date_between(rng, onboarded, shift(from, -30));
        if let Some(&staff_id) = layout.rms.get(prev) {
            out.push(RmAssignmentRecord {
                party_id,
                staff_id,
                primary: true,
                effective_from: prev_from,
                effective_to: Some(shift(from, -1)),
            });
        }
    }
    if let Some(&staff_id) = layout.rms.get(rm) {
        out.push(RmAssignmentRecord {
            party_id,
            staff_id,
            primary: true,
            effective_from: from,
            effective_to: None,
        });
    }
    if layout.rms.len() > 1 && rng.random_bool(RM_SECONDARY) {
        let second = if local.len() > 1 {
            let i = local.iter().position(|&x| x == rm).unwrap_or(0);
            local
                .get((i + rng.random_range(1..local.len())) % local.len())
                .copied()
        } else {
            Some((rm + rng.random_range(1..layout.rms.len())) % layout.rms.len())
        };
        let effective_from = date_between(rng, from, ctx.as_of);
        if let Some(&staff_id) = second.and_then(|s| layout.rms.get(s)) {
            out.push(RmAssignmentRecord {
                party_id,
                staff_id,
                primary: false,
                effective_from,
                effective_to: None,
            });
        }
    }
}
