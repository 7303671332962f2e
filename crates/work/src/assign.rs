//! Dedicated RMs by rule (R4.1): a customer of a tier served by a dedicated RM (私人银行 and
//! 钻石 by default) who has no primary RM gets one from their home branch — the enabled RM
//! there with the fewest primary customers, counting the ones just given, so the load stays
//! even. A customer whose branch has no enabled RM is left for a branch manager, and named.
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// A customer of a dedicated-RM tier without a primary RM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnservedCustomer {
    pub party_id: i64,
    pub branch_id: i64,
}

/// An enabled RM, their branch and how many customers they serve as primary RM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RmLoad {
    pub staff_id: i64,
    pub branch_id: i64,
    pub primary_customers: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssignmentPlan {
    /// (customer, RM) pairs, in the order of the customers given.
    pub assign: Vec<(i64, i64)>,
    /// Customers whose branch has no enabled RM.
    pub unplaced: Vec<i64>,
}

pub fn plan_dedicated_rms(unserved: &[UnservedCustomer], rms: &[RmLoad]) -> AssignmentPlan {
    // Per branch, the least loaded RM first (then the lowest staff id, for a stable plan).
    let mut by_branch: HashMap<i64, BinaryHeap<Reverse<(i64, i64)>>> = HashMap::new();
    for r in rms {
        by_branch
            .entry(r.branch_id)
            .or_default()
            .push(Reverse((r.primary_customers, r.staff_id)));
    }
    let mut plan = AssignmentPlan::default();
    for c in unserved {
        let Some(heap) = by_branch.get_mut(&c.branch_id) else {
            plan.unplaced.push(c.party_id);
            continue;
        };
        if let Some(Reverse((load, staff))) = heap.pop() {
            plan.assign.push((c.party_id, staff));
            heap.push(Reverse((load + 1, staff)));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(party_id: i64, branch_id: i64) -> UnservedCustomer {
        UnservedCustomer {
            party_id,
            branch_id,
        }
    }

    fn rm(staff_id: i64, branch_id: i64, primary_customers: i64) -> RmLoad {
        RmLoad {
            staff_id,
            branch_id,
            primary_customers,
        }
    }

    #[test]
    fn customers_go_to_the_least_loaded_rm_of_their_own_branch() {
        let rms = [rm(10, 1, 5), rm(11, 1, 3), rm(20, 2, 0)];
        let unserved = [
            customer(100, 1),
            customer(101, 1),
            customer(102, 1),
            customer(103, 2),
            customer(104, 1),
        ];
        let plan = plan_dedicated_rms(&unserved, &rms);
        // RM 11 (3) takes two to reach 5, then the tie goes to the lower id, then RM 11 again.
        assert_eq!(
            plan.assign,
            [(100, 11), (101, 11), (102, 10), (103, 20), (104, 11)]
        );
        assert!(plan.unplaced.is_empty());
    }

    #[test]
    fn a_branch_without_an_rm_leaves_its_customers_unplaced() {
        let plan = plan_dedicated_rms(&[customer(1, 7), customer(2, 1)], &[rm(10, 1, 0)]);
        assert_eq!(plan.assign, [(2, 10)]);
        assert_eq!(plan.unplaced, [1]);
        assert_eq!(plan_dedicated_rms(&[], &[]), AssignmentPlan::default());
    }
}
