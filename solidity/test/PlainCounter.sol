// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A counter without events, for the prover's real-contract tests.
contract PlainCounter {
    uint256 public count;

    function increment() external returns (uint256) {
        count += 1;
        return count;
    }

    /// Checked addition: reverts with Panic(0x11) on overflow.
    function add(uint256 amount) external returns (uint256) {
        count += amount;
        return count;
    }
}
