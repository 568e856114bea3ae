// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IBatchVerifier} from "./IBatchVerifier.sol";

/// @title DevBatchVerifier
/// @notice FOR DEVELOPMENT ONLY. Accepts a batch when its "proof" is a
/// signature of the batch commitment by the key fixed at deployment. It
/// proves nothing about execution: whoever holds the key can settle any
/// write list. Use it on local and test chains before proofs exist (like
/// RISC Zero's dev mode), never where the L1 state has value.
///
/// The signed digest is
/// `keccak256(abi.encode(DOMAIN, block.chainid, address(this), batchHash))`,
/// so a signature is good for one verifier on one chain only.
contract DevBatchVerifier is IBatchVerifier {
    /// @notice Domain tag of the signed digest.
    bytes32 public constant DOMAIN = keccak256("go-booster DevBatchVerifier v1");

    /// @notice The only key whose signatures are accepted.
    address public immutable signer;

    /// The signer is the zero address.
    error ZeroSigner();

    constructor(address signer_) {
        if (signer_ == address(0)) revert ZeroSigner();
        signer = signer_;
    }

    /// @notice The digest the signer signs for `batchHash`.
    function digest(bytes32 batchHash) public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN, block.chainid, address(this), batchHash));
    }

    /// @inheritdoc IBatchVerifier
    /// @dev `proof` is a 65-byte signature `r ‖ s ‖ v` with v in {27, 28}
    /// and s in the lower half of the curve order.
    function verifyBatch(bytes32 batchHash, bytes calldata proof) external view returns (bool) {
        if (proof.length != 65) return false;
        bytes32 r = bytes32(proof[0:32]);
        bytes32 s = bytes32(proof[32:64]);
        uint8 v = uint8(proof[64]);
        if (uint256(s) > 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0) return false;
        if (v != 27 && v != 28) return false;
        address recovered = ecrecover(digest(batchHash), v, r, s);
        return recovered != address(0) && recovered == signer;
    }
}
