// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title L1
/// @notice Calls from L2 code into L1 contracts through the booster's
/// precompiles. L1CALL runs a call against L1 state and keeps its writes;
/// L1SANDBOXCALL runs it and throws every L1 change away; L1DELEGATECALL
/// runs an L1 contract's code in the calling L2 contract's context.
/// A revert on L1 is re-thrown with the same revert data.
library L1 {
    address internal constant L1CALL = address(0x1000);
    address internal constant L1DELEGATECALL = address(0x1001);
    address internal constant L1SANDBOXCALL = address(0x1002);

    /// Input shorter than the 20-byte target address.
    error L1CallInvalidInput();
    /// The precompile was called with a value.
    error L1CallValueNotAllowed();
    /// The L1 execution reached an effect storage writes cannot reproduce.
    error L1CallUnsupported(uint8 opcode, address l1Contract);
    /// An L1CALL from a static context would write L1 state.
    error L1CallStaticViolation();

    /// @notice Calls `target` on L1 with `data`; its writes are kept.
    function callL1(address target, bytes memory data) internal returns (bytes memory) {
        (bool ok, bytes memory ret) = L1CALL.call(abi.encodePacked(target, data));
        return _bubble(ok, ret);
    }

    /// @notice Calls `target` on L1 with `data`; every L1 change is undone.
    function sandboxCallL1(address target, bytes memory data) internal returns (bytes memory) {
        (bool ok, bytes memory ret) = L1SANDBOXCALL.call(abi.encodePacked(target, data));
        return _bubble(ok, ret);
    }

    /// @notice Runs the code of L1 contract `target` in this contract's
    /// L2 context, like DELEGATECALL.
    function delegateCallL1(address target, bytes memory data) internal returns (bytes memory) {
        (bool ok, bytes memory ret) = L1DELEGATECALL.call(abi.encodePacked(target, data));
        return _bubble(ok, ret);
    }

    /// @notice Reads from L1 without writing: a static L1CALL.
    function staticCallL1(address target, bytes memory data) internal view returns (bytes memory) {
        (bool ok, bytes memory ret) = L1CALL.staticcall(abi.encodePacked(target, data));
        return _bubble(ok, ret);
    }

    function _bubble(bool ok, bytes memory ret) private pure returns (bytes memory) {
        if (!ok) {
            assembly {
                revert(add(ret, 32), mload(ret))
            }
        }
        return ret;
    }
}
