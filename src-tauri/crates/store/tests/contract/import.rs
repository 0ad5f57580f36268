//! Contract cases for the import store methods.

#[allow(unused_imports)]
use crate::support::*;

contract_tests!();
