//! A small deterministic synthetic bank for the tests: customers of archetypes like those
//! `rapport-synth` once had (declining customers fade to nothing over 4–6 months, then close
//! their accounts), each with a monthly history from which a feature row can be cut at any
//! as-of month.
use chrono::{Datelike, Months, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rapport_scoring::{Features, MONTHS};

/// Months of history generated per customer (index 0 = oldest).
pub const HORIZON: usize = 36;

/// How a customer's balances behave; churn is an archetype here (it no longer is in
/// `rapport-synth`, whose churn comes from a monthly hazard).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archetype {
    Growing,
    Steady,
    Seasonal,
    DecliningThenChurned,
    Dormant,
    New,
    HighNetWorth,
}

/// The archetype mix (percent).
const MIX: &[(Archetype, u32)] = &[
    (Archetype::Steady, 40),
    (Archetype::Growing, 15),
    (Archetype::Seasonal, 10),
    (Archetype::DecliningThenChurned, 10),
    (Archetype::Dormant, 10),
    (Archetype::New, 10),
    (Archetype::HighNetWorth, 5),
];

#[derive(Debug, Clone, Default)]
struct Month {
    current: i64,
    time: i64,
    wealth: i64,
    funds: i64,
    insurance: i64,
    loans: i64,
    card: i64,
    tx: u32,
    credit: i64,
    debit: i64,
    payroll: bool,
    missed: bool,
    open: bool,
}

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: i64,
    pub archetype: Archetype,
    /// First month with an account.
    pub onboard: usize,
    /// First month with nothing left (declining customers only).
    pub churn: Option<usize>,
    is_org: bool,
    digital: f64,
    tenure_at_start: u32,
    families: Vec<&'static str>,
    months: Vec<Month>,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Chance that a customer who does not churn has a one-off shock: a large withdrawal
    /// (a house bought) or a dip and recovery. Makes churn prediction less than trivial.
    pub shock_rate: f64,
    /// Chance that a customer who does not churn fades like a churner but settles at a
    /// fifth to a half of their level: the hard negatives.
    pub partial_decline_rate: f64,
    /// Chance that a customer of another archetype leaves at once, without a decline: the
    /// churners no rule can see coming.
    pub abrupt_churn_rate: f64,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            shock_rate: 0.15,
            partial_decline_rate: 0.1,
            abrupt_churn_rate: 0.03,
        }
    }
}

impl Options {
    /// No noise at all: every customer behaves as its archetype says.
    pub fn clean() -> Self {
        Self {
            shock_rate: 0.0,
            partial_decline_rate: 0.0,
            abrupt_churn_rate: 0.0,
        }
    }
}

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random_range(1e-12..1.0);
    let u2: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

fn pick(rng: &mut ChaCha8Rng) -> Archetype {
    let total: u32 = MIX.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total);
    for &(a, w) in MIX {
        if x < w {
            return a;
        }
        x -= w;
    }
    Archetype::Steady
}

/// The month-end date of history month `t`.
pub fn month_end(t: usize) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap() + Months::new(t as u32 + 1);
    first.pred_opt().unwrap()
}

/// `n` customers, archetypes drawn from [`MIX`].
pub fn population(seed: u64, n: usize, opts: Options) -> Vec<Customer> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let a = pick(&mut rng);
            customer(&mut rng, 1000 + i as i64, a, opts)
        })
        .collect()
}

/// `per` customers of each archetype, no shocks: the clean cases.
pub fn one_of_each(seed: u64, per: usize) -> Vec<Customer> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = Vec::new();
    for (k, (a, _)) in MIX.iter().enumerate() {
        for i in 0..per {
            let id = 1 + (k * per + i) as i64;
            out.push(customer(&mut rng, id, *a, Options::clean()));
        }
    }
    out
}

/// The AUM shape of an archetype: a multiplier of the customer's level per month.
fn shape(rng: &mut ChaCha8Rng, a: Archetype, onboard: usize, churn: Option<usize>) -> Vec<f64> {
    let growth: f64 = rng.random_range(0.04..0.08);
    let amp = rng.random_range(0.1..0.2);
    let fade = churn.map(|c| (c, rng.random_range(4..=6usize)));
    (0..HORIZON)
        .map(|t| {
            let noise = 1.0 + 0.03 * normal(rng);
            let m = match a {
                Archetype::Steady | Archetype::New => 1.0,
                Archetype::Growing => (1.0 + growth).powf(t as f64 - (HORIZON - 1) as f64),
                Archetype::HighNetWorth => 1.0 + 0.01 * t as f64,
                Archetype::Seasonal => {
                    let month = f64::from(month_end(t).month());
                    1.0 + amp * (2.0 * std::f64::consts::PI * (month - 2.0) / 12.0).cos()
                }
                Archetype::Dormant => return 1.0 - 0.0005 * (HORIZON - 1 - t) as f64,
                Archetype::DecliningThenChurned => match fade {
                    Some((c, _)) if t >= c => return 0.0,
                    Some((c, len)) if t + len >= c => {
                        let x = (c - t) as f64 / len as f64;
                        x.powf(1.5)
                    }
                    _ => 1.0,
                },
            };
            if t < onboard { 0.0 } else { m * noise }
        })
        .collect()
}

fn customer(rng: &mut ChaCha8Rng, id: i64, a: Archetype, opts: Options) -> Customer {
    let is_org = rng.random_bool(0.1);
    let level = match a {
        Archetype::HighNetWorth => lognormal(rng, 8_000_000.0, 0.5),
        Archetype::Dormant => lognormal(rng, 2_000.0, 1.0),
        _ => lognormal(rng, 120_000.0, 1.1),
    } * if is_org { 5.0 } else { 1.0 };
    let onboard = match a {
        Archetype::New => rng.random_range(HORIZON - 5..HORIZON),
        _ => 0,
    };
    let tenure_at_start = if a == Archetype::New {
        0
    } else {
        rng.random_range(13..200)
    };
    let mut churn = (a == Archetype::DecliningThenChurned).then(|| rng.random_range(16..HORIZON));
    let mut shape = shape(rng, a, onboard, churn);
    perturb(rng, a, opts, &mut shape, &mut churn);
    let digital = rng.random_range(0.0..1.0f64);
    let payroll = !is_org && a != Archetype::Dormant && rng.random_bool(0.55);
    let held = holdings(rng, is_org, level, digital, payroll, tenure_at_start);
    let habits = habits(rng, a, is_org, level, payroll, held.loan);
    let mut c = Customer {
        id,
        archetype: a,
        onboard,
        churn,
        is_org,
        digital,
        families: held.families.clone(),
        tenure_at_start,
        months: Vec::with_capacity(HORIZON),
    };
    c.months = shape
        .iter()
        .enumerate()
        .map(|(t, &m)| c.month(rng, t, m, &held, &habits))
        .collect();
    c
}

/// The noise of `opts` on a customer of any archetype but the declining one (at most one of
/// them): an abrupt churn, a partial decline that settles, or a one-off shock.
fn perturb(
    rng: &mut ChaCha8Rng,
    a: Archetype,
    opts: Options,
    shape: &mut [f64],
    churn: &mut Option<usize>,
) {
    let others = !matches!(a, Archetype::DecliningThenChurned | Archetype::New);
    if others && rng.random_bool(opts.abrupt_churn_rate) {
        let at = rng.random_range(14..HORIZON);
        *churn = Some(at);
        for m in shape.iter_mut().skip(at) {
            *m = 0.0;
        }
    } else if others && rng.random_bool(opts.partial_decline_rate) {
        let start = rng.random_range(10..HORIZON - 2);
        let len = rng.random_range(4..=6);
        let floor = rng.random_range(0.2..0.5);
        for (t, m) in shape.iter_mut().enumerate().skip(start) {
            let x = (((t - start) as f64) / f64::from(len)).min(1.0);
            *m *= 1.0 - (1.0 - floor) * x;
        }
    } else if a != Archetype::DecliningThenChurned && rng.random_bool(opts.shock_rate) {
        let at = rng.random_range(12..HORIZON);
        let keep = rng.random_range(0.3..0.7);
        let recovers = rng.random_bool(0.5);
        for (t, m) in shape.iter_mut().enumerate().skip(at) {
            if !recovers || t < at + 3 {
                *m *= keep;
            }
        }
    }
}

/// The product families a customer holds (sorted), and which of those carry a balance.
struct Holdings {
    families: Vec<&'static str>,
    time: bool,
    wealth: bool,
    funds: bool,
    insurance: bool,
    card: bool,
    loan: bool,
}

/// Richer, more digital and longer-standing customers hold more products.
fn holdings(
    rng: &mut ChaCha8Rng,
    is_org: bool,
    level: f64,
    digital: f64,
    payroll: bool,
    tenure_at_start: u32,
) -> Holdings {
    let rich = (level / 100_000.0).ln().max(0.0);
    let mut families = vec!["current_deposit"];
    let mut add = |rng: &mut ChaCha8Rng, name: &'static str, p: f64| {
        let yes = rng.random_bool(p.clamp(0.0, 1.0));
        if yes {
            families.push(name);
        }
        yes
    };
    let time = add(rng, "time_deposit", 0.35 + 0.1 * rich);
    let wealth = add(rng, "wealth_management", 0.1 + 0.15 * rich);
    let funds = add(rng, "fund", 0.05 + 0.5 * digital * (0.3 + 0.2 * rich));
    let insurance = add(rng, "insurance", 0.05 + 0.004 * f64::from(tenure_at_start));
    let card = add(
        rng,
        "credit_card",
        0.15 + 0.5 * digital + if payroll { 0.2 } else { 0.0 },
    );
    let loan_family = if is_org { "business_loan" } else { "mortgage" };
    let loan = add(rng, loan_family, if payroll { 0.35 } else { 0.1 });
    if payroll {
        families.push("payroll");
    }
    families.sort_unstable();
    Holdings {
        families,
        time,
        wealth,
        funds,
        insurance,
        card,
        loan,
    }
}

/// How a customer uses the bank from month to month.
struct Habits {
    level: f64,
    payroll: bool,
    loan_amount: f64,
    /// The amount of a typical transaction.
    ticket: f64,
    /// Transactions in an ordinary month.
    base_tx: f64,
    salary: f64,
    /// Sometimes misses a repayment.
    misses: bool,
}

fn habits(
    rng: &mut ChaCha8Rng,
    a: Archetype,
    is_org: bool,
    level: f64,
    payroll: bool,
    loan: bool,
) -> Habits {
    let loan_amount = if loan {
        lognormal(rng, 600_000.0, 0.6)
    } else {
        0.0
    };
    let ticket = lognormal(rng, 800.0, 0.5) * if is_org { 10.0 } else { 1.0 };
    let base_tx = match a {
        Archetype::Dormant => 0.0,
        Archetype::HighNetWorth => 10.0,
        _ => rng.random_range(3.0..12.0),
    };
    let salary = lognormal(rng, 9_000.0, 0.4);
    let misses = rng.random_bool(0.08);
    Habits {
        level,
        payroll,
        loan_amount,
        ticket,
        base_tx,
        salary,
        misses,
    }
}

impl Customer {
    /// History month `t`, where the AUM is `m` times the customer's level.
    fn month(&self, rng: &mut ChaCha8Rng, t: usize, m: f64, held: &Holdings, h: &Habits) -> Month {
        let aum = h.level * m;
        let open = self.active_at(t);
        let w = |on: bool, share: f64| if on { aum * share } else { 0.0 };
        let wealth_b = w(held.wealth, 0.3);
        let funds_b = w(held.funds, 0.15);
        let ins_b = w(held.insurance, 0.1);
        let time_b = w(held.time, 0.3);
        let current_b = (aum - wealth_b - funds_b - ins_b - time_b).max(0.0);
        let seasonal_tx = if self.archetype == Archetype::Seasonal
            && matches!(month_end(t).month(), 1 | 2 | 12)
        {
            1.8
        } else {
            1.0
        };
        let tx_mean = if open {
            h.base_tx * m.min(1.5) * seasonal_tx
        } else {
            0.0
        };
        let tx = (tx_mean * rng.random_range(0.6..1.4)).round() as u32;
        let debit = f64::from(tx) * h.ticket * rng.random_range(0.7..1.3);
        let paid = h.payroll && open && m > 0.2;
        let credit = debit * rng.random_range(0.8..1.2) + if paid { h.salary } else { 0.0 };
        let fen = |x: f64| (x * 100.0).round() as i64;
        Month {
            current: fen(current_b),
            time: fen(time_b),
            wealth: fen(wealth_b),
            funds: fen(funds_b),
            insurance: fen(ins_b),
            loans: if open {
                fen(h.loan_amount * (1.0 - t as f64 / 400.0))
            } else {
                0
            },
            card: if held.card && open {
                fen(debit * 0.5)
            } else {
                0
            },
            tx,
            credit: fen(credit),
            debit: fen(debit),
            payroll: paid,
            missed: h.misses && (held.loan || held.card) && open && rng.random_bool(0.15),
            open,
        }
    }

    /// The feature row at the end of history month `t` (`MONTHS − 1 ≤ t < HORIZON`); `None`
    /// before the customer was onboarded.
    pub fn features_at(&self, t: usize) -> Option<Features> {
        if t < self.onboard || t >= HORIZON || t + 1 < MONTHS {
            return None;
        }
        let now = &self.months[t];
        let back = |i: usize| &self.months[t - i];
        let series = |get: &dyn Fn(&Month) -> i64| -> [i64; MONTHS] {
            std::array::from_fn(|i| get(back(i)))
        };
        let aum = series(&|m| m.current + m.time + m.wealth + m.funds + m.insurance);
        let last_tx = (0..=t).find(|i| self.months[t - i].tx > 0);
        let missed: Vec<usize> = (0..MONTHS).filter(|i| back(*i).missed).collect();
        let families: Vec<String> = if now.open {
            self.families
                .iter()
                .filter(|f| **f != "payroll" || now.payroll)
                .map(|f| (*f).to_owned())
                .collect()
        } else {
            Vec::new()
        };
        let holds = |name: &str| families.iter().any(|f| f == name);
        let tenure = self.tenure_at_start + (t - self.onboard) as u32;
        Some(Features {
            party_id: self.id,
            as_of: month_end(t),
            branch_id: Some(1 + self.id % 7),
            is_organisation: self.is_org,
            tenure_months: tenure,
            aum,
            current_deposits: now.current,
            time_deposits: now.time,
            wealth: now.wealth,
            funds: now.funds,
            insurance: now.insurance,
            loans: if holds("mortgage") || holds("business_loan") {
                now.loans
            } else {
                0
            },
            card_balance: now.card,
            open_accounts: families.len() as u32,
            families_held: families,
            tx_count: std::array::from_fn(|i| back(i).tx),
            credit_amount: series(&|m| m.credit),
            debit_amount: series(&|m| m.debit),
            days_since_last_tx: last_tx.map(|i| i as u32 * 30 + 3).filter(|d| *d <= 365),
            payroll_months: (0..MONTHS).filter(|i| back(*i).payroll).count() as u32,
            digital_share: if now.open { self.digital } else { 0.0 },
            maturing_90d: now.time / 4 + now.wealth / 3,
            missed_repayments: missed.len() as u32,
            months_since_missed_repayment: missed.first().map(|i| *i as u32),
        })
    }

    /// Whether the customer churns within `h` months after month `t` (and had not yet).
    pub fn churns_within(&self, t: usize, h: usize) -> bool {
        self.churn.is_some_and(|c| t < c && c <= t + h)
    }

    /// Still a customer at the end of month `t`.
    pub fn active_at(&self, t: usize) -> bool {
        t >= self.onboard && self.churn.is_none_or(|c| t < c)
    }
}

/// Rows and churn labels (churns within 3 months) at several as-of months, for training.
pub fn churn_rows(customers: &[Customer]) -> (Vec<Features>, Vec<bool>) {
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for c in customers {
        for t in (MONTHS - 1..HORIZON - 3).step_by(3) {
            if !c.active_at(t) {
                continue;
            }
            if let Some(f) = c.features_at(t) {
                rows.push(f);
                labels.push(c.churns_within(t, 3));
            }
        }
    }
    (rows, labels)
}

/// Every customer's row at the last month (the population at one as-of date).
pub fn snapshot(customers: &[Customer], t: usize) -> Vec<Features> {
    customers.iter().filter_map(|c| c.features_at(t)).collect()
}
