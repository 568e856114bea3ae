// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BoosterTarget} from "../src/BoosterTarget.sol";

/// @title BoostedCounter
/// @notice The smallest booster-aware L1 contract: a counter anyone may
/// increment, on L1 directly or from L2 through L1CALL.
contract BoostedCounter is BoosterTarget {
    /// @notice The current count.
    uint256 public count;

    /// @notice The counter moved.
    event Incremented(address indexed by, uint256 count);

    constructor(address booster_) BoosterTarget(booster_) {}

    /// @notice Adds one and returns the new count.
    function increment() external returns (uint256) {
        count += 1;
        emit Incremented(msg.sender, count);
        return count;
    }

    /// @notice Adds `amount` (reverts on overflow) and returns the new count.
    function add(uint256 amount) external returns (uint256) {
        count += amount;
        emit Incremented(msg.sender, count);
        return count;
    }
}
