// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// Approvals by signature and commitments by hash, for the prover's tests
/// of the ecrecover (0x01) and sha256 (0x02) precompiles: approve
/// recovers the signer of a digest with Solidity's ecrecover (a
/// STATICCALL of 0x01) and counts its approval; check returns the
/// signer, address(0) for a signature the precompile refuses; commit
/// keeps the sender's sha256 of some data.
contract Signed {
    /// How many digests each signer approved.
    mapping(address => uint256) public approvals;
    /// Each sender's last commitment.
    mapping(address => bytes32) public commitments;

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

    /// Keeps sha256(data) as the sender's commitment.
    function commit(bytes calldata data) external returns (bytes32 h) {
        h = sha256(data);
        commitments[msg.sender] = h;
    }

    /// The signer of digest, address(0) where the precompile recovers
    /// none.
    function check(bytes32 digest, uint8 v, bytes32 r, bytes32 s) external pure returns (address) {
        return ecrecover(digest, v, r, s);
    }
}
