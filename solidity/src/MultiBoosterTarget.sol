// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {StateChange, IBoosterTarget} from "./BoosterTarget.sol";

/// @title MultiBoosterTarget
/// @notice BoosterTarget for a contract that several chained rollups write
/// (SPEC §5): `applyStateUpdates` takes changes from any of up to four
/// booster contracts fixed at construction. The addresses are immutable,
/// in the code, so no state update can change who may write. Chained
/// rollups settle in order, each batch checked against the state the one
/// before it left.
abstract contract MultiBoosterTarget is IBoosterTarget {
    address private immutable booster0;
    address private immutable booster1;
    address private immutable booster2;
    address private immutable booster3;

    /// `applyStateUpdates` was called by none of the boosters.
    error NotBooster(address caller);
    /// The constructor was given no booster, more than four, or the zero address.
    error BadBoosters();

    constructor(address[] memory boosters_) {
        if (boosters_.length == 0 || boosters_.length > 4) revert BadBoosters();
        address[4] memory b;
        for (uint256 i = 0; i < boosters_.length; i++) {
            if (boosters_[i] == address(0)) revert BadBoosters();
            b[i] = boosters_[i];
        }
        (booster0, booster1, booster2, booster3) = (b[0], b[1], b[2], b[3]);
    }

    /// @notice Whether account is one of the booster contracts this
    /// contract takes state updates from.
    function isBooster(address account) public view returns (bool) {
        return account != address(0)
            && (account == booster0 || account == booster1 || account == booster2 || account == booster3);
    }

    /// @inheritdoc IBoosterTarget
    function applyStateUpdates(StateChange[] calldata changes) external {
        if (!isBooster(msg.sender)) revert NotBooster(msg.sender);
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
