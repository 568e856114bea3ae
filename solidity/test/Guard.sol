// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// Custom errors without arguments, for the prover's revert tests.
contract Guard {
    error Zero();

    function check(uint256 x) external pure returns (uint256) {
        if (x == 0) revert Zero();
        return x * 2;
    }
}
