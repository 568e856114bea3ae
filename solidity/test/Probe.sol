// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

contract Child {
    uint256 public x = 1;
}

/// An L1 contract that reports its execution context and reaches each
/// effect the booster must refuse.
contract Probe {
    constructor() payable {}

    function context()
        external
        view
        returns (address sender, address origin, uint256 number, uint256 timestamp, uint256 chainId, uint256 baseFee, bytes32 parentHash)
    {
        return (msg.sender, tx.origin, block.number, block.timestamp, block.chainid, block.basefee, blockhash(block.number - 1));
    }

    function whoami() external payable returns (address self, address sender, uint256 value, uint256 balance) {
        return (address(this), msg.sender, msg.value, address(this).balance);
    }

    function balanceOf(address who) external view returns (uint256) {
        return who.balance;
    }

    function sendValue(address payable to) external {
        (bool ok,) = to.call{value: 1}("");
        require(ok, "send failed");
    }

    function create() external returns (address) {
        return address(new Child());
    }

    function create2() external returns (address) {
        return address(new Child{salt: bytes32(uint256(1))}());
    }

    function destroy() external {
        selfdestruct(payable(msg.sender));
    }
}
