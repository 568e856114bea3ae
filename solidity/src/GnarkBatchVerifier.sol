// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IBatchVerifier} from "./IBatchVerifier.sol";

/// @title IGnarkGroth16Verifier
/// @notice The entry point of the Groth16 verifier gnark exports for the
/// batch proof's final (wrap) circuit, whose two public inputs are the high
/// and low 128 bits of the batch commitment. It reverts unless the proof
/// is valid.
interface IGnarkGroth16Verifier {
    function verifyProof(bytes calldata proof, uint256[2] calldata input) external view;
}

/// @title GnarkBatchVerifier
/// @notice Adapts gnark's exported Groth16 verifier of the batch proof to
/// `IBatchVerifier`: the proof is the wrap proof as gnark's
/// `MarshalSolidity` writes it, checked against the two halves of
/// `batchHash`, so a proof is good for that one batch commitment only.
contract GnarkBatchVerifier is IBatchVerifier {
    /// @notice gnark's verifier of the wrap circuit, fixed at deployment.
    IGnarkGroth16Verifier public immutable groth16;

    /// The verifier address holds no code.
    error NoVerifierCode();

    constructor(IGnarkGroth16Verifier groth16_) {
        if (address(groth16_).code.length == 0) revert NoVerifierCode();
        groth16 = groth16_;
    }

    /// @notice The wrap circuit's public inputs for `batchHash`.
    function publicInputs(bytes32 batchHash) public pure returns (uint256[2] memory input) {
        input[0] = uint256(batchHash) >> 128;
        input[1] = uint256(batchHash) & type(uint128).max;
    }

    /// @inheritdoc IBatchVerifier
    /// @dev False for a proof gnark's verifier rejects, whatever its
    /// reason (malformed points, wrong length, an invalid proof).
    function verifyBatch(bytes32 batchHash, bytes calldata proof) external view returns (bool) {
        try groth16.verifyProof(proof, publicInputs(batchHash)) {
            return true;
        } catch {
            return false;
        }
    }
}
