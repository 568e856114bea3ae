package booster_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// TestCall: a read-only call returns what a transaction would, with L1CALL
// and L1SANDBOXCALL working inside it, and leaves the L2 state, nonces,
// queue and the next batch's L1 view as they were.
func TestCall(t *testing.T) {
	w := newSettleWorld(t)
	ctx := context.Background()
	counter := bindings.NewBoostedCounter()
	queued := w.increment()
	require.NoError(t, w.b.Submit(queued))
	root, nonce := w.b.Chain().Head().Root, w.b.Nonce(w.user.Addr)
	require.Equal(t, w.user.Nonce, nonce, "Nonce counts the queued transaction")

	for _, c := range []struct {
		name       string
		precompile common.Address
		logs       int // a sandbox drops its L1 logs with its writes
	}{{"L1CALL", l1Call, 1}, {"L1SANDBOXCALL", l1Sandbox, 0}} {
		t.Run(c.name, func(t *testing.T) {
			res, err := w.b.Call(ctx, ethereum.CallMsg{From: w.user.Addr, To: &c.precompile, Data: input(w.counter, counter.PackIncrement())})
			require.NoError(t, err)
			require.NoError(t, res.Err)
			require.Equal(t, word(1), common.BytesToHash(res.ReturnData), "the queue is not executed first")
			require.Greater(t, res.GasUsed, uint64(21_000))
			require.Len(t, res.L1Logs, c.logs)
		})
	}
	// A revert comes back with its data.
	res, err := w.b.Call(ctx, ethereum.CallMsg{From: w.user.Addr, To: &l1Call, Data: []byte{1, 2, 3}})
	require.NoError(t, err)
	require.ErrorIs(t, res.Err, vm.ErrExecutionReverted)
	require.Equal(t, precompiles.ErrInvalidInput.Encode(), res.ReturnData)
	// What the EVM refuses before running is an error.
	poor := common.HexToAddress("0xdead")
	_, err = w.b.Call(ctx, ethereum.CallMsg{From: poor, To: &w.counter, Value: big.NewInt(1)})
	require.ErrorIs(t, err, evm.ErrRejected)
	require.ErrorIs(t, err, core.ErrInsufficientFunds)
	_, err = w.b.Call(ctx, ethereum.CallMsg{From: poor, To: &w.counter, Gas: evm.DefaultGasLimit + 1})
	require.ErrorIs(t, err, booster.ErrTxGasLimit)
	_, err = w.b.Call(ctx, ethereum.CallMsg{From: poor, To: &w.counter, Value: big.NewInt(-1)})
	require.ErrorIs(t, err, evm.ErrRejected)

	require.Equal(t, root, w.b.Chain().Head().Root)
	require.Equal(t, nonce, w.b.Nonce(w.user.Addr))
	require.Equal(t, 1, w.b.Pending())
	batch, err := w.b.ExecuteBatch(ctx)
	require.NoError(t, err)
	require.Equal(t, word(1), common.BytesToHash(batch.Receipts[0].ReturnData), "a call's L1 write leaked into the batch")
	require.Equal(t, []common.Address{w.counter}, []common.Address{batch.Writes[0].Contract})
	require.Len(t, batch.Writes, 1)
}

// TestEstimateGas: the estimate is the least gas the transaction succeeds
// with; a message that always fails is an error with its revert data.
func TestEstimateGas(t *testing.T) {
	w := newSettleWorld(t)
	ctx := context.Background()
	data := input(w.counter, bindings.NewBoostedCounter().PackIncrement())
	est, _, err := w.b.EstimateGas(ctx, ethereum.CallMsg{From: w.user.Addr, To: &l1Call, Data: data})
	require.NoError(t, err)
	send := func(gas uint64) *evm.Receipt {
		tx := w.user.Tx(t, &l1Call, nil, data, gas)
		require.NoError(t, w.b.Submit(tx))
		batch, err := w.b.ExecuteBatch(ctx)
		require.NoError(t, err)
		return batch.Receipts[0]
	}
	require.Equal(t, types.ReceiptStatusFailed, send(est-1).Status, "one gas less than the estimate succeeded")
	w.repin() // the failed attempt wrote nothing; the count is still 0 on this pin
	ok := send(est)
	require.Equal(t, types.ReceiptStatusSuccessful, ok.Status)
	require.LessOrEqual(t, ok.GasUsed, est)

	_, res, err := w.b.EstimateGas(ctx, ethereum.CallMsg{From: w.user.Addr, To: &l1Call, Data: []byte{1}})
	require.ErrorIs(t, err, booster.ErrEstimate)
	require.ErrorIs(t, err, vm.ErrExecutionReverted)
	require.Equal(t, precompiles.ErrInvalidInput.Encode(), res.ReturnData)
}

// TestCallFromContract: as eth_call, a read-only call may come from a
// contract's address.
func TestCallFromContract(t *testing.T) {
	w := newSettleWorld(t)
	res, err := w.b.Call(context.Background(), ethereum.CallMsg{From: w.ballot, To: &l1Sandbox, Data: input(w.counter, bindings.NewBoostedCounter().PackIncrement())})
	require.NoError(t, err)
	require.NoError(t, res.Err)
	require.Equal(t, word(1), common.BytesToHash(res.ReturnData))
}
