//! Reference data: the branch tree, staff and the product catalogue.
use std::collections::HashMap;

use rand::Rng;
use rapport_domain::records::{BranchRecord, ProductRecord, ReferenceData, StaffRecord};
use rapport_domain::{BranchId, BranchLevel, Gender, ProductFamily, Role, StaffId, Username};

use crate::data::places::{District, REGIONS, ROADS, districts_of};
use crate::people::person_name;
use crate::rng::{rng_for, stream};
use crate::{SynthConfig, SynthError};

/// Customers per sub-branch (网点).
pub const CUSTOMERS_PER_SUB_BRANCH: u64 = 2_000;
pub const MIN_SUB_BRANCHES: u64 = 4;
pub const MAX_SUB_BRANCHES: u64 = 600;
/// Expected share of parties with a primary RM (about half the individuals, all
/// organisations), used to size the RM force.
pub const RM_COVERAGE: f64 = 0.52;
/// Customers with an RM per RM.
pub const CUSTOMERS_PER_RM: f64 = 350.0;

/// A sub-branch as the customer generator sees it.
#[derive(Debug, Clone)]
pub struct SubBranch {
    pub id: BranchId,
    pub code: String,
    pub region: usize,
    /// The districts of the sub-branch's city; never empty.
    pub city_districts: Vec<&'static District>,
}

/// Derived structure the batch generator needs besides the public reference data.
#[derive(Debug, Clone)]
pub struct Layout {
    pub sub_branches: Vec<SubBranch>,
    /// Staff id of RM `r`; RM `r` works at sub-branch `r % sub_branches.len()`.
    pub rms: Vec<StaffId>,
    pub rms_by_sub: Vec<Vec<usize>>,
    pub branch_codes: HashMap<BranchId, String>,
}

impl Layout {
    pub fn rm_sub(&self, rm: usize) -> usize {
        rm % self.sub_branches.len()
    }
}

pub fn sub_branch_count(customers: u64) -> u64 {
    ((customers + CUSTOMERS_PER_SUB_BRANCH / 2) / CUSTOMERS_PER_SUB_BRANCH)
        .clamp(MIN_SUB_BRANCHES, MAX_SUB_BRANCHES)
}

pub fn rm_count(customers: u64, sub_branches: u64) -> u64 {
    let by_load = (customers as f64 * RM_COVERAGE / CUSTOMERS_PER_RM).ceil() as u64;
    by_load.max(sub_branches).max(4)
}

pub fn agent_count(customers: u64) -> u64 {
    (2 + customers / 100_000).min(50)
}

/// The element at `k` modulo the length; `None` only for an empty slice.
fn cyclic<T>(items: &[T], k: usize) -> Option<&T> {
    items.get(k.checked_rem(items.len())?)
}

fn layout_bug(what: &str) -> SynthError {
    SynthError::Internal(format!("branch layout: no {what}"))
}

fn username(s: &str) -> Result<Username, SynthError> {
    Username::parse(s).map_err(|e| SynthError::Internal(format!("username {s}: {e}")))
}

pub fn build(config: &SynthConfig) -> Result<(ReferenceData, Layout), SynthError> {
    let n_sub = sub_branch_count(config.customers) as usize;
    let n_regions = n_sub.div_ceil(2).clamp(2, REGIONS.len());
    let n_branches = n_sub.div_ceil(3).clamp(n_regions, n_sub);

    let mut tree = BranchTree::default();
    let hq = tree.push(
        None,
        BranchLevel::Hq,
        "HQ".into(),
        "总行".into(),
        "Head Office".into(),
    );
    let region_ids: Vec<BranchId> = REGIONS
        .iter()
        .take(n_regions)
        .enumerate()
        .map(|(i, r)| {
            tree.push(
                Some(hq),
                BranchLevel::Region,
                format!("R{:02}", i + 1),
                r.name_zh.into(),
                format!("{} Branch", r.name_en),
            )
        })
        .collect();
    let mut infos = tree.add_branches(&region_ids, n_branches)?;
    let sub_branches = tree.add_sub_branches(&mut infos, n_sub)?;
    let branches = tree.branches;

    let mut staff = StaffList::new(config.seed);
    staff.add_head_office(hq, agent_count(config.customers))?;
    staff.add_branch_managers(&branches)?;
    let n_rm = rm_count(config.customers, n_sub as u64) as usize;
    let (rms, rms_by_sub) = staff.add_rms(&sub_branches, n_rm)?;

    let branch_codes = branches.iter().map(|b| (b.id, b.code.clone())).collect();
    let reference = ReferenceData {
        branches,
        staff: staff.staff,
        products: products(),
    };
    Ok((
        reference,
        Layout {
            sub_branches,
            rms,
            rms_by_sub,
            branch_codes,
        },
    ))
}

/// The branch tree as it is built, top down: ids are given in order from 1.
#[derive(Default)]
struct BranchTree {
    branches: Vec<BranchRecord>,
}

/// A branch (支行) while its sub-branches are laid out.
struct BranchInfo {
    id: BranchId,
    code: String,
    region: usize,
    city: &'static str,
    subs: usize,
}

impl BranchTree {
    fn push(
        &mut self,
        parent: Option<BranchId>,
        level: BranchLevel,
        code: String,
        name_zh: String,
        name_en: String,
    ) -> BranchId {
        let id = BranchId(self.branches.len() as i64 + 1);
        self.branches.push(BranchRecord {
            id,
            parent,
            level,
            code,
            name_zh,
            name_en,
        });
        id
    }

    /// Branches (支行): round-robin over regions; each takes a city of its region and a
    /// district.
    fn add_branches(
        &mut self,
        region_ids: &[BranchId],
        n_branches: usize,
    ) -> Result<Vec<BranchInfo>, SynthError> {
        let n_regions = region_ids.len();
        let mut per_region = vec![0usize; n_regions];
        let mut infos = Vec::new();
        for j in 0..n_branches {
            let region = j % n_regions;
            let count = per_region
                .get_mut(region)
                .ok_or_else(|| layout_bug("region"))?;
            let k = *count;
            *count += 1;
            let cities = REGIONS
                .get(region)
                .ok_or_else(|| layout_bug("region"))?
                .cities;
            let city = *cyclic(cities, k).ok_or_else(|| layout_bug("city"))?;
            let (name_zh, name_en) = branch_names(city, k / cities.len(), k)?;
            let code = format!("R{:02}B{:02}", region + 1, k + 1);
            let parent = *region_ids.get(region).ok_or_else(|| layout_bug("region"))?;
            let id = self.push(
                Some(parent),
                BranchLevel::Branch,
                code.clone(),
                name_zh,
                name_en,
            );
            infos.push(BranchInfo {
                id,
                code,
                region,
                city,
                subs: 0,
            });
        }
        Ok(infos)
    }

    /// Sub-branches (网点): round-robin over branches, named after a district and road of the
    /// branch's city; (district, road) is unique within a city.
    fn add_sub_branches(
        &mut self,
        infos: &mut [BranchInfo],
        n_sub: usize,
    ) -> Result<Vec<SubBranch>, SynthError> {
        let n_branches = infos.len();
        let mut per_city: HashMap<&'static str, usize> = HashMap::new();
        let mut sub_branches = Vec::new();
        for s in 0..n_sub {
            let b = s % n_branches;
            let info = infos.get_mut(b).ok_or_else(|| layout_bug("branch"))?;
            info.subs += 1;
            let ds = districts_of(info.city);
            let m = per_city.entry(info.city).or_insert(0);
            let mi = *m;
            *m += 1;
            let d = *cyclic(&ds, mi)
                .ok_or_else(|| layout_bug(&format!("district in {}", info.city)))?;
            let road = cyclic(ROADS, mi / ds.len() + 5 * (mi % ds.len()))
                .ok_or_else(|| layout_bug("road"))?;
            let code = format!("{}S{:02}", info.code, info.subs);
            let id = self.push(
                Some(info.id),
                BranchLevel::SubBranch,
                code.clone(),
                format!("{}{}{}网点", d.city_short(), d.district_short(), road.0),
                format!("{} {} {} Outlet", d.city_en, d.district_en, road.1),
            );
            sub_branches.push(SubBranch {
                id,
                code,
                region: info.region,
                city_districts: ds,
            });
        }
        Ok(sub_branches)
    }
}

/// The Chinese and English names of the `k`-th branch of a region in `city`, on its `round`
/// over the region's cities: after a district, and once the districts are used up, a road.
fn branch_names(
    city: &'static str,
    round: usize,
    k: usize,
) -> Result<(String, String), SynthError> {
    let ds = districts_of(city);
    let d = *cyclic(&ds, round).ok_or_else(|| layout_bug(&format!("district in {city}")))?;
    Ok(if round < ds.len() {
        (
            format!("{}{}支行", d.city_short(), d.district_short()),
            format!("{} {} Sub-branch", d.city_en, d.district_en),
        )
    } else {
        let road = cyclic(ROADS, k * 7).ok_or_else(|| layout_bug("road"))?;
        (
            format!("{}{}{}支行", d.city_short(), d.district_short(), road.0),
            format!("{} {} {} Sub-branch", d.city_en, d.district_en, road.1),
        )
    })
}

/// The staff as it is hired, with random display names from the reference stream.
struct StaffList {
    rng: rand_chacha::ChaCha8Rng,
    staff: Vec<StaffRecord>,
}

impl StaffList {
    fn new(seed: u64) -> StaffList {
        StaffList {
            rng: rng_for(seed, stream::REFERENCE, 0),
            staff: Vec::new(),
        }
    }

    fn add(
        &mut self,
        name: String,
        role: Role,
        branch: Option<BranchId>,
    ) -> Result<StaffId, SynthError> {
        let gender = if self.rng.random_bool(0.5) {
            Gender::Male
        } else {
            Gender::Female
        };
        let display_name = person_name(&mut self.rng, gender).full();
        let id = StaffId(self.staff.len() as i64 + 1);
        self.staff.push(StaffRecord {
            id,
            username: username(&name)?,
            display_name,
            role,
            branch_id: branch,
        });
        Ok(id)
    }

    /// The administrator, auditor, data steward, marketing user and service agents.
    fn add_head_office(&mut self, hq: BranchId, agents: u64) -> Result<(), SynthError> {
        self.add("admin".into(), Role::Admin, Some(hq))?;
        self.add("auditor01".into(), Role::Auditor, Some(hq))?;
        self.add("steward01".into(), Role::DataSteward, Some(hq))?;
        self.add("marketing01".into(), Role::Marketing, Some(hq))?;
        for a in 1..=agents {
            self.add(format!("agent{a:02}"), Role::ServiceAgent, Some(hq))?;
        }
        Ok(())
    }

    /// One manager per branch and sub-branch.
    fn add_branch_managers(&mut self, branches: &[BranchRecord]) -> Result<(), SynthError> {
        let managed = branches
            .iter()
            .filter(|b| matches!(b.level, BranchLevel::Branch | BranchLevel::SubBranch));
        for (i, b) in managed.enumerate() {
            self.add(format!("bm{:04}", i + 1), Role::BranchManager, Some(b.id))?;
        }
        Ok(())
    }

    /// `n_rm` RMs, round-robin over the sub-branches: their staff ids, and the RMs (by
    /// number) of each sub-branch.
    fn add_rms(
        &mut self,
        sub_branches: &[SubBranch],
        n_rm: usize,
    ) -> Result<(Vec<StaffId>, Vec<Vec<usize>>), SynthError> {
        let n_sub = sub_branches.len();
        let mut rms = Vec::with_capacity(n_rm);
        let mut rms_by_sub = vec![Vec::new(); n_sub];
        for r in 0..n_rm {
            let sub = r % n_sub;
            let branch = sub_branches
                .get(sub)
                .map(|s: &SubBranch| s.id)
                .ok_or_else(|| layout_bug("sub-branch"))?;
            let id = self.add(format!("rm{:04}", r + 1), Role::Rm, Some(branch))?;
            rms.push(id);
            rms_by_sub
                .get_mut(sub)
                .ok_or_else(|| layout_bug("sub-branch"))?
                .push(r);
        }
        Ok((rms, rms_by_sub))
    }
}

/// Product code, family, Chinese and English name, term in months (0 = none).
pub const PRODUCTS: &[(&str, ProductFamily, &str, &str, u32)] = &[
    (
        "CA-STD",
        ProductFamily::CurrentDeposit,
        "个人活期存款",
        "Personal current account",
        0,
    ),
    (
        "CA-CORP",
        ProductFamily::CurrentDeposit,
        "单位活期存款",
        "Corporate current account",
        0,
    ),
    (
        "TD-3M",
        ProductFamily::TimeDeposit,
        "整存整取三个月",
        "Time deposit 3 months",
        3,
    ),
    (
        "TD-6M",
        ProductFamily::TimeDeposit,
        "整存整取六个月",
        "Time deposit 6 months",
        6,
    ),
    (
        "TD-1Y",
        ProductFamily::TimeDeposit,
        "整存整取一年",
        "Time deposit 1 year",
        12,
    ),
    (
        "TD-2Y",
        ProductFamily::TimeDeposit,
        "整存整取二年",
        "Time deposit 2 years",
        24,
    ),
    (
        "TD-3Y",
        ProductFamily::TimeDeposit,
        "整存整取三年",
        "Time deposit 3 years",
        36,
    ),
    (
        "TD-5Y",
        ProductFamily::TimeDeposit,
        "整存整取五年",
        "Time deposit 5 years",
        60,
    ),
    (
        "CD-3Y",
        ProductFamily::TimeDeposit,
        "大额存单三年",
        "Large certificate of deposit 3 years",
        36,
    ),
    (
        "TD-CORP-1Y",
        ProductFamily::TimeDeposit,
        "单位定期存款一年",
        "Corporate time deposit 1 year",
        12,
    ),
    (
        "WM-R1-90D",
        ProductFamily::WealthManagement,
        "稳享理财90天（R1）",
        "Steady wealth 90 days (R1)",
        3,
    ),
    (
        "WM-R2-180D",
        ProductFamily::WealthManagement,
        "安盈理财180天（R2）",
        "Secure wealth 180 days (R2)",
        6,
    ),
    (
        "WM-R2-365D",
        ProductFamily::WealthManagement,
        "安盈理财365天（R2）",
        "Secure wealth 365 days (R2)",
        12,
    ),
    (
        "WM-R3-365D",
        ProductFamily::WealthManagement,
        "进取理财365天（R3）",
        "Balanced wealth 365 days (R3)",
        12,
    ),
    (
        "WM-R4-730D",
        ProductFamily::WealthManagement,
        "卓越理财730天（R4）",
        "Growth wealth 730 days (R4)",
        24,
    ),
    (
        "FD-MMF",
        ProductFamily::Fund,
        "货币市场基金",
        "Money market fund",
        0,
    ),
    ("FD-BOND", ProductFamily::Fund, "债券型基金", "Bond fund", 0),
    (
        "FD-MIX",
        ProductFamily::Fund,
        "混合型基金",
        "Balanced fund",
        0,
    ),
    ("FD-EQ", ProductFamily::Fund, "股票型基金", "Equity fund", 0),
    (
        "FD-IDX",
        ProductFamily::Fund,
        "沪深300指数基金",
        "CSI 300 index fund",
        0,
    ),
    (
        "INS-LIFE",
        ProductFamily::Insurance,
        "终身寿险",
        "Whole life insurance",
        0,
    ),
    (
        "INS-ANN",
        ProductFamily::Insurance,
        "年金保险",
        "Annuity insurance",
        0,
    ),
    (
        "INS-CI",
        ProductFamily::Insurance,
        "重大疾病保险",
        "Critical illness insurance",
        0,
    ),
    (
        "ML-FIRST",
        ProductFamily::Mortgage,
        "首套个人住房贷款",
        "First-home mortgage",
        0,
    ),
    (
        "ML-SECOND",
        ProductFamily::Mortgage,
        "二套个人住房贷款",
        "Second-home mortgage",
        0,
    ),
    (
        "CL-CASH",
        ProductFamily::ConsumerLoan,
        "个人消费贷款",
        "Personal consumer loan",
        0,
    ),
    (
        "CL-AUTO",
        ProductFamily::ConsumerLoan,
        "个人汽车贷款",
        "Car loan",
        0,
    ),
    (
        "BL-IND",
        ProductFamily::BusinessLoan,
        "个体工商户经营贷款",
        "Sole-trader business loan",
        0,
    ),
    (
        "BL-SME",
        ProductFamily::BusinessLoan,
        "小微企业经营贷款",
        "Small business loan",
        0,
    ),
    (
        "BL-WC",
        ProductFamily::BusinessLoan,
        "流动资金贷款",
        "Working capital loan",
        0,
    ),
    (
        "CC-STD",
        ProductFamily::CreditCard,
        "标准信用卡",
        "Standard credit card",
        0,
    ),
    (
        "CC-GOLD",
        ProductFamily::CreditCard,
        "金卡",
        "Gold credit card",
        0,
    ),
    (
        "CC-PLAT",
        ProductFamily::CreditCard,
        "白金卡",
        "Platinum credit card",
        0,
    ),
    (
        "PR-STD",
        ProductFamily::Payroll,
        "代发工资账户",
        "Payroll account",
        0,
    ),
];

pub fn product_term_months(code: &str) -> u32 {
    PRODUCTS
        .iter()
        .find(|p| p.0 == code)
        .map(|p| p.4)
        .unwrap_or(0)
}

fn products() -> Vec<ProductRecord> {
    PRODUCTS
        .iter()
        .map(|(code, family, zh, en, _)| ProductRecord {
            code: (*code).into(),
            family: *family,
            name_zh: (*zh).into(),
            name_en: (*en).into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branch_counts_scale() {
        assert_eq!(sub_branch_count(1_000), 4);
        assert_eq!(sub_branch_count(10_000), 5);
        assert_eq!(sub_branch_count(1_000_000), 500);
        assert_eq!(sub_branch_count(10_000_000), 600);
    }

    #[test]
    fn codes_and_names_are_unique() {
        for n in [1_000, 100_000, 1_000_000, 5_000_000] {
            let cfg = SynthConfig {
                customers: n,
                ..SynthConfig::default()
            };
            let (r, l) = build(&cfg).unwrap();
            let codes: std::collections::HashSet<_> = r.branches.iter().map(|b| &b.code).collect();
            assert_eq!(codes.len(), r.branches.len());
            let names: std::collections::HashSet<_> =
                r.branches.iter().map(|b| &b.name_zh).collect();
            assert_eq!(names.len(), r.branches.len(), "{n}");
            assert!(l.rms_by_sub.iter().all(|v| !v.is_empty()));
            for (i, b) in r.branches.iter().enumerate() {
                assert_eq!(b.id.0, i as i64 + 1);
            }
        }
    }

    #[test]
    fn every_family_has_a_product() {
        for f in ProductFamily::ALL {
            assert!(PRODUCTS.iter().any(|p| p.1 == *f), "{f}");
        }
    }
}
