//! Contract cases for the inspection store methods.

#[allow(unused_imports)]
use crate::support::*;

contract_tests!();
