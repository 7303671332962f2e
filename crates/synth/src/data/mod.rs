//! Static tables the generator draws from. All of it is public knowledge (division codes,
//! surname statistics, common words); none of it describes a real customer.
pub mod names;
pub mod orgs;
pub mod places;
