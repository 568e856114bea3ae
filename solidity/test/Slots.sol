// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// Raw storage access, to test write-list order and no-op writes.
contract Slots {
    error Failed(string why, uint256 code);

    function write(bytes32 slot, bytes32 value) external {
        assembly {
            sstore(slot, value)
        }
    }

    function read(bytes32 slot) external view returns (bytes32 value) {
        assembly {
            value := sload(slot)
        }
    }

    function writeThenFail(bytes32 slot, bytes32 value) external {
        assembly {
            sstore(slot, value)
        }
        revert Failed("on purpose", 42);
    }

    function loop() external pure returns (uint256 i) {
        while (true) {
            i++;
        }
    }
}
