// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// A counter behind a reentrancy lock in transient storage (EIP-1153),
/// for the prover's TLOAD and TSTORE tests.
contract Locked {
    uint256 public count;
    bool transient locked;

    error Reentered();

    modifier nonReentrant() {
        if (locked) revert Reentered();
        locked = true;
        _;
        locked = false;
    }

    function bump(uint256 by) external nonReentrant returns (uint256) {
        count += by;
        return count;
    }
}
