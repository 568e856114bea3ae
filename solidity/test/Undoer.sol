// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {L1} from "../src/L1.sol";

/// An L2 contract that makes a call and then reverts, throwing away what
/// the call changed, for the prover's journal tests: another Undoer's
/// tryCall catches the revert, so the transaction succeeds with the
/// call's changes undone (an Undoer cannot catch its own: the call back
/// into itself would reenter it). Its sandbox makes an L1SANDBOXCALL,
/// whose L1 changes are undone too: into an L1 Undoer's forward, they
/// are those of the L1 frame it calls.
contract Undoer {
    /// How many calls this Undoer tried.
    uint256 public tries;

    /// The call was made and then undone; ret is its return data.
    error Undone(bytes ret);

    /// Calls target with data, then reverts with Undone.
    function callThenRevert(address target, bytes calldata data) external {
        (bool ok, bytes memory ret) = target.call(data);
        require(ok, "call failed");
        revert Undone(ret);
    }

    /// Calls target on L1 with data through L1CALL, then reverts with
    /// Undone.
    function l1CallThenRevert(address target, bytes calldata data) external {
        revert Undone(L1.callL1(target, data));
    }

    /// Counts a try and asks undoer to call target with data and undo
    /// it; ok is false, as undoer reverts.
    function tryCall(Undoer undoer, address target, bytes calldata data) external returns (bool ok) {
        tries++;
        try undoer.callThenRevert(target, data) {
            ok = true;
        } catch {
            ok = false;
        }
    }

    /// Calls target on L1 with data through L1SANDBOXCALL, whose L1
    /// changes are thrown away when it returns.
    function sandbox(address target, bytes calldata data) external returns (bytes memory) {
        return L1.sandboxCallL1(target, data);
    }

    /// Calls target with data and returns what it returned (an L1
    /// Undoer's, for a sandbox whose L1 frame calls another).
    function forward(address target, bytes calldata data) external returns (bytes memory ret) {
        bool ok;
        (ok, ret) = target.call(data);
        require(ok, "call failed");
    }

    /// tryCall through l1CallThenRevert.
    function tryL1Call(Undoer undoer, address target, bytes calldata data) external returns (bool ok) {
        tries++;
        try undoer.l1CallThenRevert(target, data) {
            ok = true;
        } catch {
            ok = false;
        }
    }
}
