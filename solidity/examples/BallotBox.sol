// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {L1} from "../src/L1.sol";
import {Voting} from "./Voting.sol";

/// @title BallotBox
/// @notice The L2 half of the booster-backed poll: each voter's ballot lives
/// in this contract's L2 storage, one vote per voter is enforced here, and
/// the vote is added to the L1 tally of `Voting` through L1CALL.
contract BallotBox {
    /// @notice The L1 Voting contract.
    address public immutable voting;
    /// @notice The proposal each voter chose, plus one (0: has not voted).
    mapping(address => uint256) public ballot;

    /// This voter already voted.
    error AlreadyVoted(address voter);

    constructor(address voting_) {
        voting = voting_;
    }

    /// @notice Casts the sender's one vote for `proposal`.
    function vote(uint256 proposal) external {
        if (ballot[msg.sender] != 0) revert AlreadyVoted(msg.sender);
        ballot[msg.sender] = proposal + 1;
        L1.callL1(voting, abi.encodeCall(Voting.recordVote, (msg.sender, proposal)));
    }
}
