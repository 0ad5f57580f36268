//! Contract cases for the users store methods.

#[allow(unused_imports)]
use crate::support::*;

contract_tests!();
