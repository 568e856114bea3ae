// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {StateChange, IBoosterTarget} from "../src/BoosterTarget.sol";

/// @title Picky
/// @notice Test fixture: a booster target that answers `extsload` and takes
/// an empty `applyStateUpdates` from the booster, but fails on real
/// changes: mode 1 reverts, mode 2 burns all the gas it is given, mode 3
/// fails even on no changes.
contract Picky is IBoosterTarget {
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

    /// @inheritdoc IBoosterTarget
    function applyStateUpdates(StateChange[] calldata changes) external {
        require(msg.sender == booster, "not booster");
        if (mode == 3 || (changes.length > 0 && mode == 1)) revert Refused();
        if (changes.length > 0 && mode == 2) {
            while (true) {}
        }
        for (uint256 i = 0; i < changes.length; i++) {
            bytes32 slot = changes[i].slot;
            bytes32 value = changes[i].value;
            assembly ("memory-safe") {
                sstore(slot, value)
            }
        }
    }

    /// @inheritdoc IBoosterTarget
    function extsload(bytes32[] calldata slots) external view returns (bytes32[] memory values) {
        values = new bytes32[](slots.length);
        for (uint256 i = 0; i < slots.length; i++) {
            bytes32 slot = slots[i];
            bytes32 value;
            assembly ("memory-safe") {
                value := sload(slot)
            }
            values[i] = value;
        }
    }
}
