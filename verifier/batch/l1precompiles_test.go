package batch_test

import (
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/booster/boostertest"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestL1DelegateCallRefused checks that a transaction whose L2 frame
// calls L1DELEGATECALL, whose frames the segments do not prove, is
// refused by name as that transaction's error (*batch.TransactionError,
// verifier.ErrUnsupported); an L1CALL of the same counter from the same
// contract, before it, is taken.
func TestL1DelegateCallRefused(t *testing.T) {
	for _, tc := range []struct {
		method  string
		refused bool
	}{
		{"increment", false},
		{"delegateIncrement", true},
	} {
		t.Run(tc.method, func(t *testing.T) {
			rec := trace.NewTxRecorder()
			l1 := boostertest.NewL1(t)
			caller := common.HexToAddress("0xca11")
			rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
				booster.WithGenesis(types.GenesisAlloc{caller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}))
			counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
			require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
			rollup.Account(t, "alice").Transact(t, caller, "Sandboxer", "increment", counter)
			rollup.Account(t, "bob").Transact(t, caller, "Sandboxer", tc.method, counter)
			b, err := rollup.Booster.ExecuteBatch(context.Background())
			require.NoError(t, err)
			require.Len(t, b.Receipts, 2)
			for _, r := range b.Receipts {
				require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
			}
			execs, err := rec.Transactions()
			require.NoError(t, err)
			h, err := b.Header()
			require.NoError(t, err)
			lists, err := b.L1Lists()
			require.NoError(t, err)
			_, err = batch.Witnesses(h, lists, b.L2StateBefore(), b.Transactions, execs, batch.Capacity{Calldata: 128, Frame: verifier.Shapes[3]})
			if !tc.refused {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, verifier.ErrUnsupported)
			var txErr *batch.TransactionError
			require.True(t, errors.As(err, &txErr), "%v", err)
			require.Equal(t, 1, txErr.Index)
			require.Equal(t, b.Transactions[1].Hash(), txErr.Hash)
		})
	}
}

// TestSandboxCallBatch proves, on the booster, a batch where alice
// increments an L1 counter through L1CALL, bob through L1SANDBOXCALL and
// carol through L1CALL again: bob's sandbox sees alice's write (it
// returns 2) and its own write and event are thrown away, so carol's
// increment returns 2 too, the write list holds count = 2 alone, and
// the segments of the batch solve.
func TestSandboxCallBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of a booster batch")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	caller := common.HexToAddress("0xca11")
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{caller: {Code: solidity.MustLoad("Sandboxer").DeployedBytecode}}))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	rollup.Account(t, "alice").Transact(t, caller, "Sandboxer", "increment", counter)
	rollup.Account(t, "bob").Transact(t, caller, "Sandboxer", "sandboxIncrement", counter)
	rollup.Account(t, "carol").Transact(t, caller, "Sandboxer", "increment", counter)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 3)
	for i, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
		// Each returns the counter's return data, abi-encoded as bytes:
		// its last word is the count the increment returned.
		want := []uint64{1, 2, 2}[i]
		require.Equal(t, common.BigToHash(new(big.Int).SetUint64(want)).Bytes(), r.ReturnData[len(r.ReturnData)-32:], "transaction %d", i)
	}
	require.Len(t, b.Writes, 1)
	require.Equal(t, common.BigToHash(big.NewInt(2)), b.Writes[0].Value)
	execs, err := rec.Transactions()
	require.NoError(t, err)
	// The ERC20 shape, with room for the Sandboxer's ABI encoding.
	shape := verifier.Shapes[2]
	shape.Mul, shape.Mcopy, shape.McopyWords, shape.Splice = 64, 4, 8, 24
	kinds := solveBoosterBatch(t, b, execs, batch.Capacity{Calldata: 128, Frame: shape})
	require.Equal(t, 6, kinds[batch.KindFrame])
}

// TestStaticL1CallBatch proves, on the booster, an L1CALL made in a
// static context: bob's Sandboxer.staticCount STATICCALLs another
// Sandboxer's readCount, whose L1CALL reads the counter alice's
// increment left at 1.
func TestStaticL1CallBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("solves the segments of a booster batch")
	}
	rec := trace.NewTxRecorder()
	l1 := boostertest.NewL1(t)
	caller, reader := common.HexToAddress("0xca11"), common.HexToAddress("0xca12")
	code := solidity.MustLoad("Sandboxer").DeployedBytecode
	rollup := l1.NewRollup(t, booster.WithTracer(rec.Hooks()), booster.WithL1Tracer(rec.L1Hooks()),
		booster.WithGenesis(types.GenesisAlloc{caller: {Code: code}, reader: {Code: code}}))
	counter := l1.Deploy(t, "BoostedCounter", rollup.Contract)
	require.NoError(t, rollup.Booster.SetL1Source(l1.Source(t)))
	rollup.Account(t, "alice").Transact(t, caller, "Sandboxer", "increment", counter)
	rollup.Account(t, "bob").Transact(t, caller, "Sandboxer", "staticCount", reader, counter)
	b, err := rollup.Booster.ExecuteBatch(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Receipts, 2)
	for _, r := range b.Receipts {
		require.Equal(t, types.ReceiptStatusSuccessful, r.Status, "%x", r.ReturnData)
	}
	require.Equal(t, common.BigToHash(big.NewInt(1)).Bytes(), b.Receipts[1].ReturnData)
	execs, err := rec.Transactions()
	require.NoError(t, err)
	shape := verifier.Shapes[2]
	shape.Mul, shape.Mcopy, shape.McopyWords, shape.Splice = 64, 4, 8, 24
	kinds := solveBoosterBatch(t, b, execs, batch.Capacity{Calldata: 128, Frame: shape})
	require.Equal(t, 5, kinds[batch.KindFrame])
}
