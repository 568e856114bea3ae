// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BoosterTarget} from "../src/BoosterTarget.sol";
import {MultiBoosterTarget} from "../src/MultiBoosterTarget.sol";

/// @title ConstantProductAmm
/// @notice An x*y=k pool over two tokens kept as internal balances (no
/// ERC-20 transfers, so every effect of a swap is a storage write). Swaps
/// pay a 0.3% fee to the pool. Traders are credited at construction. The
/// booster-aware pools below add who may apply state updates.
abstract contract ConstantProductAmm {
    /// @notice Fee in basis points taken from the input amount.
    uint256 public constant FEE_BPS = 30;

    /// @notice Pool reserves of token 0 and token 1.
    uint256 public reserve0;
    uint256 public reserve1;
    /// @notice Traders' internal balances of token 0 and token 1.
    mapping(address => uint256) public balance0;
    mapping(address => uint256) public balance1;

    /// @notice A swap happened.
    event Swap(address indexed trader, bool zeroForOne, uint256 amountIn, uint256 amountOut);

    /// The swap would pay out less than the trader's minimum.
    error Slippage(uint256 amountOut, uint256 minOut);
    /// The trader does not hold `amountIn` of the input token.
    error InsufficientBalance(uint256 balance, uint256 amountIn);
    /// Zero input, or an empty pool.
    error ZeroAmount();

    constructor(uint256 reserve0_, uint256 reserve1_, address[] memory traders, uint256 grant) {
        reserve0 = reserve0_;
        reserve1 = reserve1_;
        for (uint256 i = 0; i < traders.length; i++) {
            balance0[traders[i]] = grant;
            balance1[traders[i]] = grant;
        }
    }

    /// @notice The output of swapping `amountIn` at the current reserves.
    function quote(bool zeroForOne, uint256 amountIn) public view returns (uint256) {
        (uint256 rin, uint256 rout) = zeroForOne ? (reserve0, reserve1) : (reserve1, reserve0);
        if (amountIn == 0 || rin == 0 || rout == 0) revert ZeroAmount();
        uint256 inAfterFee = amountIn * (10_000 - FEE_BPS);
        return (inAfterFee * rout) / (rin * 10_000 + inAfterFee);
    }

    /// @notice Swaps `amountIn` of token 0 for token 1 (or the reverse) and
    /// returns the amount received.
    function swap(bool zeroForOne, uint256 amountIn, uint256 minOut) external returns (uint256 amountOut) {
        amountOut = quote(zeroForOne, amountIn);
        if (amountOut < minOut) revert Slippage(amountOut, minOut);
        if (zeroForOne) {
            uint256 bal = balance0[msg.sender];
            if (bal < amountIn) revert InsufficientBalance(bal, amountIn);
            balance0[msg.sender] = bal - amountIn;
            balance1[msg.sender] += amountOut;
            reserve0 += amountIn;
            reserve1 -= amountOut;
        } else {
            uint256 bal = balance1[msg.sender];
            if (bal < amountIn) revert InsufficientBalance(bal, amountIn);
            balance1[msg.sender] = bal - amountIn;
            balance0[msg.sender] += amountOut;
            reserve1 += amountIn;
            reserve0 -= amountOut;
        }
        emit Swap(msg.sender, zeroForOne, amountIn, amountOut);
    }
}

/// @title ConstantProductPool
/// @notice A booster-aware ConstantProductAmm written by one booster rollup.
contract ConstantProductPool is ConstantProductAmm, BoosterTarget {
    constructor(address booster_, uint256 reserve0_, uint256 reserve1_, address[] memory traders, uint256 grant)
        ConstantProductAmm(reserve0_, reserve1_, traders, grant)
        BoosterTarget(booster_)
    {}
}

/// @title SharedPool
/// @notice A ConstantProductAmm that chained rollups write (up to four
/// booster contracts), for the seed's AMM case: swaps on rollup A, rollup
/// B continuing against the pool as A left it.
contract SharedPool is ConstantProductAmm, MultiBoosterTarget {
    constructor(address[] memory boosters_, uint256 reserve0_, uint256 reserve1_, address[] memory traders, uint256 grant)
        ConstantProductAmm(reserve0_, reserve1_, traders, grant)
        MultiBoosterTarget(boosters_)
    {}
}
