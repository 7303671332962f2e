//! A small bank written by hand, so each contract test knows exactly what it should see.
//!
//! HQ(1) → 浙江分行(2) → 西湖支行(3) → 文三路网点(4); 浙江分行(2) → 滨江支行(5).
//! RM A (`rm.a`, id 2) at 文三路 holds 张伟 (1) and 杭州恒信贸易有限公司 (4) as primary RM and 王芳 (2)
//! as secondary; RM B (`rm.b`, id 3) at 滨江 holds 王芳 (2) and a second 张伟 (3) as primary RM.
//! 李娜 (5) at 滨江 has no RM. The branch manager of 西湖支行 (`bm.xihu`, id 4) sees 张伟 (1) and
//! the company; 张伟 (1) is employed by the company and is 李娜's spouse.
use chrono::NaiveDate;
use rapport_domain::records::*;
use rapport_domain::*;
use rust_decimal::Decimal;

pub const RM_A: StaffId = StaffId(2);
pub const RM_B: StaffId = StaffId(3);
pub const BM_XIHU: StaffId = StaffId(4);
pub const AGENT: StaffId = StaffId(5);
pub const STEWARD: StaffId = StaffId(6);
pub const MARKETING: StaffId = StaffId(7);
pub const AUDITOR: StaffId = StaffId(8);
pub const ADMIN: StaffId = StaffId(1);
/// A branch manager at the head office (the root branch): sees every customer, as the bank-wide
/// reader the tests need now that an administrator sees none.
pub const HEAD_BM: StaffId = StaffId(9);
/// A second administrator: the checker of the first one's staff changes.
pub const ADMIN_B: StaffId = StaffId(10);
/// The Zhejiang region's manager: Xihu (RM_A's) and Binjiang (RM_B's) are both below.
pub const BM_ZHEJIANG: StaffId = StaffId(11);

pub const ZHANG_WEI_A: PartyId = PartyId(1);
pub const WANG_FANG: PartyId = PartyId(2);
pub const ZHANG_WEI_B: PartyId = PartyId(3);
pub const COMPANY: PartyId = PartyId(4);
pub const LI_NA: PartyId = PartyId(5);

pub const ZHANG_WEI_A_MOBILE: &str = "13812345678";
pub const ZHANG_WEI_A_ACCOUNT: &str = "6222021234567890128";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn cny(yuan: i64) -> Money {
    Money::new(Decimal::from(yuan), Currency::Cny).unwrap()
}

pub fn viewer(staff: StaffId) -> Viewer {
    let (role, branch) = match staff {
        RM_A => (Role::Rm, Some(4)),
        RM_B => (Role::Rm, Some(5)),
        BM_XIHU => (Role::BranchManager, Some(3)),
        BM_ZHEJIANG => (Role::BranchManager, Some(2)),
        AGENT => (Role::ServiceAgent, Some(1)),
        STEWARD => (Role::DataSteward, Some(1)),
        MARKETING => (Role::Marketing, Some(1)),
        AUDITOR => (Role::Auditor, Some(1)),
        HEAD_BM => (Role::BranchManager, Some(1)),
        _ => (Role::Admin, Some(1)),
    };
    Viewer {
        staff_id: staff,
        role,
        branch_id: branch.map(BranchId),
    }
}

pub fn reference() -> ReferenceData {
    ReferenceData {
        branches: branches(),
        staff: staff(),
        products: products(),
    }
}

/// HQ → 浙江分行 → 西湖支行 → 文三路网点, and 浙江分行 → 滨江支行.
fn branches() -> Vec<BranchRecord> {
    let branch = |id, parent: Option<i64>, level, code: &str, zh: &str, en: &str| BranchRecord {
        id: BranchId(id),
        parent: parent.map(BranchId),
        level,
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
    };
    vec![
        branch(1, None, BranchLevel::Hq, "HQ", "总行", "Head Office"),
        branch(
            2,
            Some(1),
            BranchLevel::Region,
            "R01",
            "浙江分行",
            "Zhejiang Branch",
        ),
        branch(
            3,
            Some(2),
            BranchLevel::Branch,
            "R01B01",
            "西湖支行",
            "Xihu Sub-branch",
        ),
        branch(
            4,
            Some(3),
            BranchLevel::SubBranch,
            "R01B01S01",
            "文三路网点",
            "Wensan Road Outlet",
        ),
        branch(
            5,
            Some(2),
            BranchLevel::Branch,
            "R01B02",
            "滨江支行",
            "Binjiang Sub-branch",
        ),
    ]
}

/// One staff member of each role, and a second administrator and two more branch managers.
fn staff() -> Vec<StaffRecord> {
    let staff = |id, user: &str, name: &str, role, branch: i64| StaffRecord {
        id: StaffId(id),
        username: Username::parse(user).unwrap(),
        display_name: name.into(),
        role,
        branch_id: Some(BranchId(branch)),
    };
    vec![
        staff(1, "admin", "系统管理员", Role::Admin, 1),
        staff(2, "rm.a", "陈晓明", Role::Rm, 4),
        staff(3, "rm.b", "刘思远", Role::Rm, 5),
        staff(4, "bm.xihu", "周建国", Role::BranchManager, 3),
        staff(5, "agent01", "吴佳怡", Role::ServiceAgent, 1),
        staff(6, "steward01", "郑雅琴", Role::DataSteward, 1),
        staff(7, "marketing01", "孙悦", Role::Marketing, 1),
        staff(8, "auditor01", "钱正", Role::Auditor, 1),
        staff(9, "bm.head", "赵总行", Role::BranchManager, 1),
        staff(10, "admin.b", "第二管理员", Role::Admin, 1),
        staff(11, "bm.zhejiang", "冯立群", Role::BranchManager, 2),
    ]
}

fn products() -> Vec<ProductRecord> {
    let product = |code: &str, family, zh: &str, en: &str| ProductRecord {
        code: code.into(),
        family,
        name_zh: zh.into(),
        name_en: en.into(),
    };
    vec![
        product(
            "CASA",
            ProductFamily::CurrentDeposit,
            "活期储蓄",
            "Current account",
        ),
        product(
            "TD-1Y",
            ProductFamily::TimeDeposit,
            "一年期定期存款",
            "1-year time deposit",
        ),
        product(
            "CC-GOLD",
            ProductFamily::CreditCard,
            "金卡信用卡",
            "Gold credit card",
        ),
    ]
}

/// The mapping of a core-banking customer extract with the columns
/// `cif,name,sex,birthday,id_no,mobile,branch`, as the ingestion tests write their files.
pub const CUSTOMER_MAPPING: &str = r#"
source_system = "core_banking"
kind = "customers"
[columns]
source_key = "cif"
name = "name"
gender = "sex"
birth_date = "birthday"
resident_id = "id_no"
mobile = "mobile"
branch_code = "branch"
"#;

/// A valid resident ID (西湖, born 1980-01-01, sequence `seq`) for the rows of a synthetic
/// extract.
pub fn valid_resident_id(seq: u16) -> String {
    resident_id(330106, date(1980, 1, 1), seq)
        .as_str()
        .to_owned()
}

fn resident_id(region: u32, birth: NaiveDate, seq: u16) -> ResidentId {
    ResidentId::from_parts(region, birth, seq).unwrap()
}

fn person(
    id: i64,
    name: &str,
    gender: Gender,
    rid: ResidentId,
    mobile: &str,
    branch: i64,
) -> PartyRecord {
    PartyRecord {
        id: PartyId(id),
        customer_number: CustomerNumber::from_sequence(id as u64),
        kind: PartyKind::Individual,
        name: name.into(),
        gender: Some(gender),
        birth_date: Some(rid.birth_date()),
        resident_id: Some(rid),
        uscc: None,
        mobile: Some(Mobile::parse(mobile).unwrap()),
        email: None,
        address: Some("浙江省杭州市西湖区文三路90号3栋201室".into()),
        occupation: Some("工程师".into()),
        income_band: Some("100k-300k".into()),
        home_branch: BranchId(branch),
        onboarded_on: date(2015, 3, 1),
    }
}

/// The resident ID of 张伟 (1), built so its check digit is right.
pub fn zhang_wei_a_resident_id() -> ResidentId {
    resident_id(330106, date(1985, 7, 9), 123)
}

pub fn customers() -> CustomerBatch {
    CustomerBatch {
        parties: parties(),
        relationships: relationships(),
        accounts: accounts(),
        monthly_aum: monthly_aum(),
        rm_assignments: rm_assignments(),
    }
}

/// The five customers, in id order: four people and the company (4).
fn parties() -> Vec<PartyRecord> {
    vec![
        person(
            1,
            "张伟",
            Gender::Male,
            zhang_wei_a_resident_id(),
            ZHANG_WEI_A_MOBILE,
            4,
        ),
        person(
            2,
            "王芳",
            Gender::Female,
            resident_id(330106, date(1990, 2, 14), 222),
            "13987654321",
            5,
        ),
        person(
            3,
            "张伟",
            Gender::Male,
            resident_id(110105, date(1978, 11, 30), 351),
            "15811112222",
            5,
        ),
        company(),
        person(
            5,
            "李娜",
            Gender::Female,
            resident_id(330108, date(1987, 4, 1), 402),
            "18655556666",
            5,
        ),
    ]
}

/// 杭州恒信贸易有限公司 (4), 张伟 (1)'s employer.
fn company() -> PartyRecord {
    PartyRecord {
        id: COMPANY,
        customer_number: CustomerNumber::from_sequence(4),
        kind: PartyKind::Organisation,
        name: "杭州恒信贸易有限公司".into(),
        gender: None,
        birth_date: None,
        resident_id: None,
        uscc: Some(Uscc::from_parts("91", 330106, "MA2B3C4D").unwrap()),
        mobile: Some(Mobile::parse("13900001111").unwrap()),
        email: None,
        address: Some("浙江省杭州市西湖区天目山路18号".into()),
        occupation: None,
        income_band: None,
        home_branch: BranchId(4),
        onboarded_on: date(2012, 5, 20),
    }
}

fn account(
    number: &str,
    party: PartyId,
    code: &str,
    family: ProductFamily,
    yuan: i64,
    branch: i64,
) -> AccountRecord {
    AccountRecord {
        account_number: number.into(),
        party_id: party,
        product_code: code.into(),
        family,
        balance: cny(yuan),
        limit: (family == ProductFamily::CreditCard).then(|| cny(50_000)),
        opened_on: date(2016, 1, 10),
        matures_on: (family == ProductFamily::TimeDeposit).then(|| date(2026, 12, 31)),
        status: AccountStatus::Active,
        source_system: if family == ProductFamily::CreditCard {
            SourceSystem::Card
        } else {
            SourceSystem::CoreBanking
        },
        branch_id: BranchId(branch),
        closed_on: None,
    }
}

/// 张伟 (1) holds a current account, a time deposit and a credit card; the others one current
/// account each.
fn accounts() -> Vec<AccountRecord> {
    vec![
        account(
            ZHANG_WEI_A_ACCOUNT,
            ZHANG_WEI_A,
            "CASA",
            ProductFamily::CurrentDeposit,
            120_000,
            4,
        ),
        account(
            "6222021234567890136",
            ZHANG_WEI_A,
            "TD-1Y",
            ProductFamily::TimeDeposit,
            300_000,
            4,
        ),
        account(
            "6225880011223344",
            ZHANG_WEI_A,
            "CC-GOLD",
            ProductFamily::CreditCard,
            3_000,
            4,
        ),
        account(
            "6222029876543210985",
            WANG_FANG,
            "CASA",
            ProductFamily::CurrentDeposit,
            80_000,
            5,
        ),
        account(
            "6222025555666677774",
            ZHANG_WEI_B,
            "CASA",
            ProductFamily::CurrentDeposit,
            15_000,
            5,
        ),
        account(
            "6222027777888899990",
            COMPANY,
            "CASA",
            ProductFamily::CurrentDeposit,
            2_000_000,
            4,
        ),
        account(
            "6222023333444455557",
            LI_NA,
            "CASA",
            ProductFamily::CurrentDeposit,
            9_000,
            5,
        ),
    ]
}

/// Two years of monthly AUM per customer, 2024-07 to 2026-06: rising by 1,000 a month to its base
/// in the last month (20,000 more for 张伟 (1)).
fn monthly_aum() -> Vec<MonthlyAumRecord> {
    let mut monthly_aum = Vec::new();
    for (party, base) in [
        (ZHANG_WEI_A, 400_000),
        (WANG_FANG, 80_000),
        (ZHANG_WEI_B, 15_000),
        (COMPANY, 2_000_000),
        (LI_NA, 9_000),
    ] {
        for i in 0..24u32 {
            let month = date(2024 + ((6 + i) / 12) as i32, (6 + i) % 12 + 1, 1);
            let yuan = if i == 23 {
                base + if party == ZHANG_WEI_A { 20_000 } else { 0 }
            } else {
                base - 1_000 * i64::from(23 - i)
            };
            monthly_aum.push(MonthlyAumRecord {
                party_id: party,
                month,
                aum: cny(yuan),
            });
        }
    }
    monthly_aum
}

/// 张伟 (1) is employed by the company and is 李娜's spouse.
fn relationships() -> Vec<RelationshipRecord> {
    vec![
        RelationshipRecord {
            from: ZHANG_WEI_A,
            to: COMPANY,
            kind: RelationshipKind::Employer,
            since: Some(date(2018, 7, 1)),
        },
        RelationshipRecord {
            from: ZHANG_WEI_A,
            to: LI_NA,
            kind: RelationshipKind::Spouse,
            since: None,
        },
    ]
}

/// RM A: 张伟 (1) and the company as primary, 王芳 as secondary; RM B: 王芳 and 张伟 (3).
fn rm_assignments() -> Vec<RmAssignmentRecord> {
    let assign = |party, staff, primary| RmAssignmentRecord {
        party_id: party,
        staff_id: staff,
        primary,
        effective_from: date(2024, 1, 1),
        effective_to: None,
    };
    vec![
        assign(ZHANG_WEI_A, RM_A, true),
        assign(COMPANY, RM_A, true),
        assign(WANG_FANG, RM_A, false),
        assign(WANG_FANG, RM_B, true),
        assign(ZHANG_WEI_B, RM_B, true),
        // An ended assignment grants nothing.
        RmAssignmentRecord {
            party_id: LI_NA,
            staff_id: RM_A,
            primary: true,
            effective_from: date(2020, 1, 1),
            effective_to: Some(date(2023, 1, 1)),
        },
    ]
}

/// Writes a scoring run as of 2026-06-30 that proposes these tier changes (each from gold,
/// with a dedicated RM proposed), as `rapport score` would.
pub async fn propose_tier_changes(store: &dyn rapport_store::Store, changes: &[(PartyId, &str)]) {
    use chrono::TimeZone;
    use rapport_store::scores::{ScoreBatch, TierChangeProposal};
    let as_of = date(2026, 6, 30);
    let at = chrono::Utc.with_ymd_and_hms(2026, 7, 1, 1, 0, 0).unwrap();
    let run = begin_score_run(store, as_of, at).await;
    let batch = ScoreBatch {
        tier_changes: changes
            .iter()
            .map(|(party, to)| TierChangeProposal {
                party_id: *party,
                from_tier: Some(rapport_domain::Tier::Gold),
                to_tier: to.parse().unwrap(),
                propose_dedicated_rm: true,
                rule: "6 consecutive months above the threshold".into(),
                as_of,
            })
            .collect(),
        ..ScoreBatch::default()
    };
    store.write_scores(run, &batch, at).await.unwrap();
}

/// Starts a test scoring run as of `as_of`, begun at `at`; its id.
pub async fn begin_score_run(
    store: &dyn rapport_store::Store,
    as_of: NaiveDate,
    at: chrono::DateTime<chrono::Utc>,
) -> i64 {
    store
        .begin_score_run(&rapport_store::scores::NewScoreRun {
            as_of,
            model_version: "test".into(),
            started_by: "tester".into(),
            started_at: at,
        })
        .await
        .unwrap()
}
