// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {StateChange} from "../src/BoosterTarget.sol";
import {TestTarget} from "./TestTarget.sol";

/// @title Picky
/// @notice Test fixture: a booster target that answers `extsload` and takes
/// an empty `applyStateUpdates` from the booster, but fails on real
/// changes: mode 1 reverts, mode 2 burns all the gas it is given, mode 3
/// fails even on no changes. In mode 4 it takes updates but its `extsload`
/// lies: every value it returns is one more than the slot holds.
contract Picky is TestTarget {
    address public immutable booster;
    uint256 public immutable mode;
    /// @notice A counter written from L2 (slot 0).
    uint256 public count;

    error Refused();

    constructor(address booster_, uint256 mode_) {
        booster = booster_;
        mode = mode_;
    }

    /// @notice Adds one to the counter.
    function bump() external {
        count += 1;
    }

    /// @notice See IBoosterTarget; in mode 4 the values are off by one.
    function extsload(bytes32[] calldata slots) public view override returns (bytes32[] memory values) {
        values = super.extsload(slots);
        if (mode == 4) {
            for (uint256 i = 0; i < values.length; i++) {
                values[i] = bytes32(uint256(values[i]) + 1);
            }
        }
    }

    /// @notice See IBoosterTarget.
    function applyStateUpdates(StateChange[] calldata changes) external {
        require(msg.sender == booster, "not booster");
        if (mode == 3 || (changes.length > 0 && mode == 1)) revert Refused();
        if (changes.length > 0 && mode == 2) {
            while (true) {}
        }
        _applyChanges(changes);
    }
}
