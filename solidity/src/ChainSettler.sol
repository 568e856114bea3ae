// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title ChainSettler
/// @notice Settles the batches of chained rollups in one L1 transaction:
/// each call goes to its rollup's Booster contract in the order given (a
/// rollup chained after another must come after it), and if any fails the
/// whole transaction reverts, naming which. It holds no state and no
/// privilege: anyone may use it, and each Booster checks its own batch.
contract ChainSettler {
    /// The lists of boosters and calls differ in length.
    error LengthMismatch(uint256 boosters, uint256 calls);
    /// The settlement at index failed; reason is the Booster's revert data.
    error SettlementFailed(uint256 index, address booster, bytes reason);

    /// @notice Sends calls[i] (a `settle(batch, proof)` call) to boosters[i],
    /// in order; all or nothing.
    function settleAll(address[] calldata boosters, bytes[] calldata calls) external {
        if (boosters.length != calls.length) revert LengthMismatch(boosters.length, calls.length);
        for (uint256 i = 0; i < boosters.length; i++) {
            (bool ok, bytes memory ret) = boosters[i].call(calls[i]);
            if (!ok) revert SettlementFailed(i, boosters[i], ret);
        }
    }
}
