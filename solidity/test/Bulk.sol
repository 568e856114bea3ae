// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BoosterTarget} from "../src/BoosterTarget.sol";

/// @title Bulk
/// @notice Test fixture: a booster-aware contract that writes or reads many
/// slots in one call, to fill a settlement up to the L1 limits.
contract Bulk is BoosterTarget {
    constructor(address booster_) BoosterTarget(booster_) {}

    /// @notice Writes 1 to slots start .. start+n-1.
    function fill(uint256 start, uint256 n) external {
        for (uint256 i = start; i < start + n; i++) {
            assembly ("memory-safe") {
                sstore(i, 1)
            }
        }
    }

    /// @notice Reads slots start .. start+n-1 and returns their sum.
    function scan(uint256 start, uint256 n) external view returns (uint256 sum) {
        for (uint256 i = start; i < start + n; i++) {
            uint256 v;
            assembly ("memory-safe") {
                v := sload(i)
            }
            sum += v;
        }
    }
}
