package booster

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
)

// DefaultCallGas is the gas a Call or EstimateGas gets when the message
// names none (go-ethereum's default RPC gas cap), capped at what one L2
// transaction may use (the block's gas limit, EIP-7825's cap).
const DefaultCallGas = 50_000_000

// ErrEstimate means EstimateGas found no gas limit under which the message
// succeeds; it wraps the failure at the highest limit.
var ErrEstimate = errors.New("booster: gas estimation failed")

// Nonce returns the nonce the next transaction of addr must carry: its L2
// nonce with its queued transactions counted.
func (b *Booster) Nonce(addr common.Address) uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	if n, ok := b.nonces[addr]; ok {
		return n
	}
	return b.chain.Nonce(addr)
}

// Call runs msg read-only on the L2 at its head, against the L1 block the
// next batch is pinned to: this L2's eth_call. The precompiles work inside
// it (L1CALL's writes are seen by the rest of the call, then dropped), the
// queue is not executed first, and nothing is kept: L2 state, nonces,
// queue and L1 view are as they were. msg.Gas zero means DefaultCallGas;
// a zero GasPrice, GasFeeCap and GasTipCap pay no fee. A message the EVM
// refuses before running (a value above the sender's balance, less gas
// than the intrinsic cost) returns an error wrapping evm.ErrRejected; a
// failed L1 source one wrapping l1.ErrSource.
func (b *Booster) Call(ctx context.Context, msg ethereum.CallMsg) (*evm.CallResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.call(ctx, msg)
}

func (b *Booster) call(ctx context.Context, msg ethereum.CallMsg) (*evm.CallResult, error) {
	m, err := b.message(msg)
	if err != nil {
		return nil, err
	}
	view, err := l1.NewView(ctx, b.source)
	if err != nil {
		return nil, fmt.Errorf("booster: %w", err)
	}
	if b.contract != (common.Address{}) {
		view.RequireSettleable(b.contract, b.refused)
	}
	res, err := b.chain.Call(ctx, view, m)
	if err == nil {
		err = view.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("booster: call: %w", err)
	}
	return res, nil
}

// message turns a CallMsg into the message the EVM runs.
func (b *Booster) message(msg ethereum.CallMsg) (*core.Message, error) {
	gas := msg.Gas
	if limit := b.txGasLimit(); gas == 0 {
		gas = min(uint64(DefaultCallGas), limit)
	} else if gas > limit {
		return nil, fmt.Errorf("%w: %w: %d > %d", evm.ErrRejected, ErrTxGasLimit, gas, limit)
	}
	m := &core.Message{From: msg.From, To: msg.To, GasLimit: gas, Data: msg.Data, AccessList: msg.AccessList}
	price := msg.GasPrice
	if price == nil || price.Sign() == 0 {
		price = msg.GasFeeCap
	}
	var err error
	if m.Value, err = toWord("value", msg.Value); err != nil {
		return nil, err
	}
	if m.GasFeeCap, err = toWord("fee cap", price); err != nil {
		return nil, err
	}
	if m.GasTipCap, err = toWord("tip cap", msg.GasTipCap); err != nil {
		return nil, err
	}
	m.GasPrice = m.GasFeeCap.Clone()
	return m, nil
}

// toWord converts an amount of wei; nil is zero.
func toWord(name string, v *big.Int) (*uint256.Int, error) {
	if v == nil {
		return new(uint256.Int), nil
	}
	u, overflow := uint256.FromBig(v)
	if overflow || v.Sign() < 0 {
		return nil, fmt.Errorf("%w: %s %s out of range", evm.ErrRejected, name, v)
	}
	return u, nil
}

// EstimateGas returns the least gas limit under which msg succeeds as a
// transaction at the L2 head (a binary search over Call, as go-ethereum's
// estimator does). If msg fails even with msg.Gas (or DefaultCallGas), the
// error wraps ErrEstimate and says why; the *evm.CallResult it returns
// then holds the revert data.
func (b *Booster) EstimateGas(ctx context.Context, msg ethereum.CallMsg) (uint64, *evm.CallResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	at := func(gas uint64) (*evm.CallResult, error) {
		m := msg
		m.Gas = gas
		return b.call(ctx, m)
	}
	hi := msg.Gas
	if hi == 0 {
		hi = min(uint64(DefaultCallGas), b.txGasLimit())
	}
	res, err := at(hi)
	if err != nil {
		return 0, nil, fmt.Errorf("%w: %w", ErrEstimate, err)
	}
	if res.Err != nil {
		return 0, res, fmt.Errorf("%w: %w", ErrEstimate, res.Err)
	}
	lo := max(res.GasUsed, params.TxGas) - 1 // fails at lo, succeeds at hi
	for lo+1 < hi {
		mid := lo + (hi-lo)/2
		if r, err := at(mid); err == nil && r.Err == nil {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil, nil
}
