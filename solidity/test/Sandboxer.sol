// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {L1} from "../src/L1.sol";

/// A small L2 contract that calls an L1 counter's increment through
/// L1CALL, L1SANDBOXCALL or L1DELEGATECALL, and reads its count through
/// an L1CALL in a static context, or calls a precompile with any input
/// and value (raw), for the prover's tests.
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

    /// Reads the counter's count through a STATICCALL of reader's
    /// readCount (another Sandboxer), whose L1CALL runs in a static
    /// context.
    function staticCount(address reader, address counter) external view returns (uint256) {
        (bool ok, bytes memory ret) = reader.staticcall(abi.encodeCall(this.readCount, (counter)));
        require(ok, "static read failed");
        return abi.decode(abi.decode(ret, (bytes)), (uint256));
    }

    /// Calls target on L1 with data through L1CALL.
    function l1Call(address target, bytes calldata data) external returns (bytes memory) {
        return L1.callL1(target, data);
    }

    /// Calls precompile with input and the value sent, and returns how
    /// the call ended (a refusal: false, with the precompile's error).
    function raw(address precompile, bytes calldata input) external payable returns (bool ok, bytes memory ret) {
        (ok, ret) = precompile.call{value: msg.value}(input);
    }

    function readCount(address counter) external returns (bytes memory) {
        return L1.callL1(counter, abi.encodeWithSignature("count()"));
    }
}
