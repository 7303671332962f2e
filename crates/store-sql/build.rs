//! The migrations are embedded at compile time (`sqlx::migrate!`): a new or changed file in
//! `migrations/` must rebuild the crate, or a binary ships without it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
