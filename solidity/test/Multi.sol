// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// A counter with a multicall in the style of OpenZeppelin's Multicall:
/// multicall DELEGATECALLs the contract itself once per call, so that each
/// runs as if the sender called it, for the prover's DELEGATECALL tests.
contract Multi {
    /// Each account's count.
    mapping(address => uint256) public counts;

    /// An account's count grew.
    event Bumped(address indexed account, uint256 by, uint256 count);

    /// Adds by to the sender's count.
    function bump(uint256 by) external returns (uint256 count) {
        count = counts[msg.sender] + by;
        counts[msg.sender] = count;
        emit Bumped(msg.sender, by, count);
    }

    /// Runs each call on this contract, in order, as the sender; a call
    /// that reverts reverts the whole with its data.
    function multicall(bytes[] calldata data) external returns (bytes[] memory results) {
        results = new bytes[](data.length);
        for (uint256 i = 0; i < data.length; i++) {
            (bool ok, bytes memory result) = address(this).delegatecall(data[i]);
            if (!ok) {
                assembly {
                    revert(add(result, 32), mload(result))
                }
            }
            results[i] = result;
        }
    }
}
