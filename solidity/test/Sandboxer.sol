// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {L1} from "../src/L1.sol";

/// A small L2 contract that calls an L1 counter's increment through
/// L1CALL, L1SANDBOXCALL or L1DELEGATECALL, for the prover's tests.
contract Sandboxer {
    function increment(address counter) external returns (bytes memory) {
        return L1.callL1(counter, abi.encodeWithSignature("increment()"));
    }

    function sandboxIncrement(address counter) external returns (bytes memory) {
        return L1.sandboxCallL1(counter, abi.encodeWithSignature("increment()"));
    }

    function delegateIncrement(address counter) external returns (bytes memory) {
        return L1.delegateCallL1(counter, abi.encodeWithSignature("increment()"));
    }
}
