//! A tiny ledger crate.

use std::collections::HashMap;
use std::fmt;

/// An account balance in cents.
#[derive(Debug, Clone, PartialEq)]
pub struct Balance {
    cents: i64,
}

/// The kinds of entries.
pub enum Entry {
    Credit(i64),
    Debit(i64),
}

/// Something that can be applied to a balance.
pub trait Apply {
    /// Apply to the balance.
    fn apply(&self, balance: &mut Balance);

    fn describe(&self) -> String {
        String::from("entry")
    }
}

impl Apply for Entry {
    fn apply(&self, balance: &mut Balance) {
        match self {
            Entry::Credit(c) => balance.cents += c,
            Entry::Debit(d) => balance.cents -= d,
        }
    }
}

impl fmt::Display for Balance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.cents)
    }
}

/// A ledger keyed by account name.
pub struct Ledger<'a, K: std::hash::Hash + Eq = &'a str> {
    accounts: HashMap<K, Balance>,
}

impl<'a, K: std::hash::Hash + Eq> Ledger<'a, K> {
    /// Creates an empty ledger.
    /// It has no accounts.
    pub fn new() -> Self {
        Ledger { accounts: HashMap::new() }
    }

    // Plain comments are not docs.
    pub fn total(&self) -> i64 {
        fn cents(b: &Balance) -> i64 {
            b.cents
        }
        self.accounts.values().map(cents).sum()
    }
}

/** Block doc comment. */
#[inline]
pub(crate) fn round_trip<T>(value: T) -> T
where
    T: Clone,
{
    value
}

mod tests {
    #[test]
    fn it_works() {
        assert_eq!(2 + 2, 4);
    }
}
