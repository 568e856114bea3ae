// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// One storage write to apply: `slot` of the receiving contract gets `value`.
struct StateChange {
    bytes32 slot;
    bytes32 value;
}

/// @title IBoosterTarget
/// @notice What the booster contract needs from an L1 contract that takes
/// part in a booster rollup.
interface IBoosterTarget {
    /// @notice Writes every change to this contract's storage, in order.
    function applyStateUpdates(StateChange[] calldata changes) external;

    /// @notice Returns the raw storage value of each slot, in order.
    function extsload(bytes32[] calldata slots) external view returns (bytes32[] memory values);
}

/// @title BoosterTarget
/// @notice Inherit this to make an L1 contract booster-aware. The booster
/// contract given at construction, and only it, may write the storage
/// changes that L2 execution of this contract's own code produced; anyone
/// may read raw storage through `extsload` (the Uniswap v4 pattern), which
/// the booster contract uses to check a batch's read set against live state.
///
/// The booster address is immutable: it lives in the code, not in storage,
/// so no state update can change who may apply state updates.
abstract contract BoosterTarget is IBoosterTarget {
    /// @notice The booster contract allowed to call `applyStateUpdates`.
    address public immutable booster;

    /// `applyStateUpdates` was called by someone other than the booster.
    error NotBooster(address caller);

    constructor(address booster_) {
        booster = booster_;
    }

    modifier onlyFromBooster() {
        if (msg.sender != booster) revert NotBooster(msg.sender);
        _;
    }

    /// @inheritdoc IBoosterTarget
    function applyStateUpdates(StateChange[] calldata changes) external onlyFromBooster {
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
