//! Contract cases for the move_in store methods.

#[allow(unused_imports)]
use crate::support::*;

contract_tests!();
