// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {L1} from "../src/L1.sol";

/// An L2 contract that exercises the precompiles. Calls that may fail return
/// (ok, data) so tests can decode the revert data.
contract Caller {
    uint256 public stored;

    function raw(address precompile, bytes calldata input, uint256 gasLimit)
        public
        returns (bool ok, bytes memory ret, uint256 gasUsed)
    {
        uint256 before = gasleft();
        (ok, ret) = precompile.call{gas: gasLimit}(input);
        gasUsed = before - gasleft();
    }

    function rawWithValue(address precompile, bytes calldata input) external payable returns (bool ok, bytes memory ret) {
        (ok, ret) = precompile.call{value: msg.value}(input);
    }

    /// DELEGATECALL into L1CALL: must still act on L1 as this contract.
    function delegateToL1Call(address target, bytes calldata data) external returns (bool ok, bytes memory ret) {
        (ok, ret) = L1.L1CALL.delegatecall(abi.encodePacked(target, data));
    }

    function l1Call(address target, bytes calldata data) external returns (bytes memory) {
        return L1.callL1(target, data);
    }

    function sandbox(address target, bytes calldata data) external returns (bytes memory) {
        return L1.sandboxCallL1(target, data);
    }

    function delegate(address target, bytes calldata data) external payable returns (bytes memory) {
        return L1.delegateCallL1(target, data);
    }

    /// L1CALL, then revert the frame that made it.
    function callThenRevert(address target, bytes calldata data) external {
        L1.callL1(target, data);
        revert("undo");
    }

    function tryCallThenRevert(address target, bytes calldata data) external returns (bool ok) {
        try this.callThenRevert(target, data) {
            ok = true;
        } catch {
            ok = false;
        }
    }

    /// L1CALL from inside an L2 STATICCALL.
    function staticL1Call(address target, bytes calldata data) external view returns (bool ok, bytes memory ret) {
        (ok, ret) = address(this).staticcall(abi.encodeCall(this.l1Call, (target, data)));
    }

    /// L1SANDBOXCALL from inside an L2 STATICCALL.
    function staticSandbox(address target, bytes calldata data) external view returns (bool ok, bytes memory ret) {
        (ok, ret) = address(this).staticcall(abi.encodeCall(this.sandbox, (target, data)));
    }

    function gasOfEmptyCall() external returns (uint256 used) {
        uint256 before = gasleft();
        (bool ok,) = L1.L1CALL.call("");
        used = before - gasleft();
        require(!ok, "expected a revert");
    }
}

/// An L2 contract whose constructor acts on L1.
contract ConstructorCaller {
    bytes public result;

    constructor(address target, bytes memory data) {
        result = L1.callL1(target, data);
    }
}
