// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {StateChange} from "../src/BoosterTarget.sol";
import {TestTarget} from "./TestTarget.sol";

/// @title Reenterer
/// @notice Test fixture: a malicious booster target. Its `applyStateUpdates`
/// first sends the calldata armed with `arm` (a copy of the next batch's
/// `settle` call, taken from the mempool) to the booster contract, records
/// whether that call succeeded and what it returned, and then applies its
/// own changes. It swallows a failed re-entry so that the outer settlement
/// goes on.
contract Reenterer is TestTarget {
    /// @notice The booster contract allowed to apply state updates.
    address public immutable booster;
    /// @notice A counter written from L2 (slot 0).
    uint256 public count;
    /// @notice Calldata to send to the booster during the next applyStateUpdates.
    bytes public payload;
    /// @notice Whether a re-entry was attempted, whether it succeeded, and its return data.
    bool public attempted;
    bool public succeeded;
    bytes public result;

    constructor(address booster_) {
        booster = booster_;
    }

    /// @notice Adds one to the counter.
    function bump() external {
        count += 1;
    }

    /// @notice Arms the re-entry with calldata for the booster contract.
    function arm(bytes calldata p) external {
        payload = p;
    }

    /// @notice See IBoosterTarget.
    function applyStateUpdates(StateChange[] calldata changes) external {
        require(msg.sender == booster, "not booster");
        if (payload.length != 0) {
            bytes memory p = payload;
            delete payload;
            attempted = true;
            (succeeded, result) = booster.call(p);
        }
        _applyChanges(changes);
    }
}
