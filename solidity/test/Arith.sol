// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// Arithmetic in a loop: the prover's benchmark workload.
contract Arith {
    uint256 public last;

    /// Runs n rounds of checked arithmetic and stores the result.
    function run(uint256 n) external returns (uint256 acc) {
        acc = 1;
        for (uint256 i = 0; i < n; i++) {
            acc = acc * 3 + i;
            if (acc > 1e30) {
                acc = acc / 7 - i;
            }
        }
        last = acc;
    }
}
