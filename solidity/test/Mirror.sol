// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BoosterTarget} from "../src/BoosterTarget.sol";

/// Anything with a public count.
interface ICount {
    function count() external view returns (uint256);
}

/// @title Mirror
/// @notice Test fixture for chained rollups: copies another contract's
/// count (a BoostedCounter, or another Mirror) into its own, so a rollup
/// chained after the one that owns that contract reads its state.
contract Mirror is BoosterTarget {
    /// @notice The count last copied.
    uint256 public count;

    constructor(address booster_) BoosterTarget(booster_) {}

    /// @notice Copies from's count.
    function sync(address from) external {
        count = ICount(from).count();
    }
}
