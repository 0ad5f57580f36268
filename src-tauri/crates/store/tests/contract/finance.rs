//! Contract cases for the finance store methods.

#[allow(unused_imports)]
use crate::support::*;

contract_tests!();
