package batch_test

import (
	"context"
	"errors"
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

// TestL1PrecompilesRefused checks that a transaction whose L2 frame
// calls L1SANDBOXCALL or L1DELEGATECALL, whose frames the segments do
// not prove, is refused by name as that transaction's error
// (*batch.TransactionError, verifier.ErrUnsupported), where before the
// sandboxed call's L1 logs made the batch's transactions commitment
// disagree, an error no transaction was named for; an L1CALL of the
// same counter from the same contract, before it, is taken.
func TestL1PrecompilesRefused(t *testing.T) {
	for _, tc := range []struct {
		method  string
		refused bool
	}{
		{"increment", false},
		{"sandboxIncrement", true},
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
