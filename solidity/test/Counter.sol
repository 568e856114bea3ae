// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// An L1 counter, the smallest stateful fixture.
contract Counter {
    uint256 public count;

    event Incremented(address indexed by, uint256 count);

    function increment() external returns (uint256) {
        count += 1;
        emit Incremented(msg.sender, count);
        return count;
    }

    function add(uint256 amount) external returns (uint256) {
        count += amount;
        return count;
    }

    function set(uint256 value) external {
        count = value;
    }
}
