//! Contract cases for the records store methods.

#[allow(unused_imports)]
use crate::support::*;

contract_tests!();
