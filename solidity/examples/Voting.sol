// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BoosterTarget} from "../src/BoosterTarget.sol";

/// @title Voting
/// @notice An L1 poll whose tally lives on L1. Voters can vote directly on
/// L1 (`vote`, one vote per address, kept in L1 storage), or through the
/// booster: the L2 `BallotBox` keeps each voter's ballot in L2 storage,
/// enforces one vote per voter there, and adds the vote to this tally with
/// L1CALL (`recordVote`), which only the ballot box may call. The booster
/// settles the tally changes of many L2 votes in one L1 transaction.
contract Voting is BoosterTarget {
    /// @notice Number of proposals; valid proposals are 0 .. proposals-1.
    uint256 public immutable proposals;
    /// @notice The L1 sender of the L2 ballot box (its aliased address).
    address public immutable ballotBox;

    /// @notice Votes per proposal.
    mapping(uint256 => uint256) public tally;
    /// @notice Addresses that voted directly on L1.
    mapping(address => bool) public hasVoted;

    /// @notice A vote was counted.
    event Voted(address indexed voter, uint256 indexed proposal);

    /// No such proposal.
    error UnknownProposal(uint256 proposal);
    /// This address already voted on L1.
    error AlreadyVoted(address voter);
    /// `recordVote` was called by someone other than the ballot box.
    error NotBallotBox(address caller);

    constructor(address booster_, address ballotBox_, uint256 proposals_) BoosterTarget(booster_) {
        ballotBox = ballotBox_;
        proposals = proposals_;
    }

    /// @notice Votes directly on L1, once per address.
    function vote(uint256 proposal) external {
        if (proposal >= proposals) revert UnknownProposal(proposal);
        if (hasVoted[msg.sender]) revert AlreadyVoted(msg.sender);
        hasVoted[msg.sender] = true;
        tally[proposal] += 1;
        emit Voted(msg.sender, proposal);
    }

    /// @notice Counts one vote cast on L2; only the ballot box may call it
    /// (it checks the voter votes once).
    function recordVote(address voter, uint256 proposal) external {
        if (msg.sender != ballotBox) revert NotBallotBox(msg.sender);
        if (proposal >= proposals) revert UnknownProposal(proposal);
        tally[proposal] += 1;
        emit Voted(voter, proposal);
    }
}
