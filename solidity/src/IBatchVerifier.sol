// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IBatchVerifier
/// @notice Checks the proof of a batch against the batch's commitment, the
/// one value that binds everything the booster contract settles (see
/// `Booster.batchHash`). The development verifier and the gnark Groth16
/// verifier both implement it.
interface IBatchVerifier {
    /// @notice Returns true if `proof` proves the batch committed to by
    /// `batchHash`; false (or a revert) otherwise.
    function verifyBatch(bytes32 batchHash, bytes calldata proof) external view returns (bool);
}
