// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Token} from "./Token.sol";

/// A vault of one ERC20 token, for the prover's call tests: a deposit
/// CALLs the token's transferFrom and STATICCALLs its balanceOf, and a
/// withdrawal CALLs transfer; a failed token call reverts the vault's
/// frame with the token's error.
contract Vault {
    /// The token the vault holds.
    Token public immutable token;
    /// Each depositor's share of the vault, one per token deposited.
    mapping(address => uint256) public shares;

    /// A deposit or a withdrawal, with the vault's token balance after it.
    event Moved(address indexed owner, int256 amount, uint256 held);

    /// The owner has fewer shares than asked for.
    error InsufficientShares(uint256 shares, uint256 amount);

    constructor(Token token_) {
        token = token_;
    }

    /// Takes `amount` tokens from the sender (who approved the vault) for
    /// as many shares.
    function deposit(uint256 amount) external {
        token.transferFrom(msg.sender, address(this), amount);
        shares[msg.sender] += amount;
        emit Moved(msg.sender, int256(amount), token.balanceOf(address(this)));
    }

    /// Gives `amount` tokens back to the sender for as many shares.
    function withdraw(uint256 amount) external {
        uint256 held = shares[msg.sender];
        if (held < amount) revert InsufficientShares(held, amount);
        shares[msg.sender] = held - amount;
        token.transfer(msg.sender, amount);
        emit Moved(msg.sender, -int256(amount), token.balanceOf(address(this)));
    }
}
