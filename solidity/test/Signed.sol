// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// Approvals by signature, for the prover's tests of the ecrecover
/// precompile (0x01): approve recovers the signer of a digest with
/// Solidity's ecrecover (a STATICCALL of 0x01) and counts its approval;
/// check returns the signer, address(0) for a signature the precompile
/// refuses.
contract Signed {
    /// How many digests each signer approved.
    mapping(address => uint256) public approvals;

    /// A signer approved a digest.
    event Approved(address indexed signer, bytes32 digest);

    /// The signature recovers no signer.
    error BadSignature();

    /// Counts the approval of digest by its signer, recovered from (v, r,
    /// s); reverts with BadSignature where none is.
    function approve(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external returns (address signer) {
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert BadSignature();
        approvals[signer] += 1;
        emit Approved(signer, digest);
    }

    /// The signer of digest, address(0) where the precompile recovers
    /// none.
    function check(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external pure returns (address) {
        return ecrecover(digest, v, r, s);
    }
}
