// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A contract whose creation code Copier reads.
contract Tiny {
    uint256 public x = 1;
}

/// Calls whose Solidity code copies calldata and code into memory: the
/// prover's CALLDATACOPY and CODECOPY fixtures.
contract Copier {
    /// ABI decoding copies a bytes argument into memory (CALLDATACOPY).
    function head(bytes memory data) public pure returns (uint256 len, bytes32 first) {
        return (data.length, bytes32(data));
    }

    /// A new memory array is zeroed by a copy from past the calldata's end.
    function zeros(uint256 n) external pure returns (uint256 total) {
        uint256[] memory a = new uint256[](n);
        a[n - 1] = 7;
        for (uint256 i = 0; i < n; i++) {
            total += a[i];
        }
    }

    /// Creation code is read from the running code (CODECOPY).
    function creationHead() external pure returns (uint256 len, bytes32 first) {
        bytes memory c = type(Tiny).creationCode;
        return (c.length, bytes32(c));
    }
}
