// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {StateChange, IBoosterTarget} from "../src/BoosterTarget.sol";

/// @title TestTarget
/// @notice Test fixtures' base: `extsload` and the storage writes of
/// `applyStateUpdates`, for targets that misbehave in their own
/// `applyStateUpdates` (BoosterTarget's cannot be overridden, and keeps its
/// bodies inline, which saves 34 to 49 gas a call).
abstract contract TestTarget is IBoosterTarget {
    /// Writes every change to this contract's storage, in order.
    function _applyChanges(StateChange[] calldata changes) internal {
        for (uint256 i = 0; i < changes.length; i++) {
            bytes32 slot = changes[i].slot;
            bytes32 value = changes[i].value;
            assembly ("memory-safe") {
                sstore(slot, value)
            }
        }
    }

    /// @inheritdoc IBoosterTarget
    function extsload(bytes32[] calldata slots) public view virtual returns (bytes32[] memory values) {
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
