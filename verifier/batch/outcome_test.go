package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestTransactionOutcomes checks that the batch binds each transaction's
// outcome (its receipt's status): the transactions commitment folds
// whether each top frame reverted, which the transaction segment takes
// from the outcome its frame segment proves. A batch of a reverting and
// a returning transaction solves; a header whose commitment says the
// reverted one succeeded (or the other failed) is refused by Witnesses
// and, built anyway, by the last end segment only.
func TestTransactionOutcomes(t *testing.T) {
	reverter := common.HexToAddress("0x00000000000000000000000000000000000000b1")
	revertCode := common.FromHex("6001600055" + "60006000fd") // SSTORE(0, 1), then REVERT(0, 0)
	_, txs := signedBatch(t, []memCall{{reverter, nil}, {target, []byte{0xa9}}})
	ctx := l2Context
	reverted, err := trace.Run(trace.Call{Code: revertCode, Address: reverter, Caller: alice, Context: &ctx})
	require.NoError(t, err)
	require.True(t, reverted.Reverted)
	execs := []*trace.Transaction{single(reverted), single(frameOf(t, alice, new(big.Int), []byte{0xa9}))}
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	header := func(outcomes ...bool) *Header {
		h := headerFor(t, txs, noL1)
		for i := range sigs {
			sigs[i].Reverted = outcomes[i]
		}
		h.Transactions = TransactionsCommitment(testL2Block, sigs)
		return h
	}
	t.Run("as executed", func(t *testing.T) {
		segs, err := witnessesFor(header(true, false), noL1, txs, execs, capacity)
		require.NoError(t, err)
		require.Empty(t, solveAll(t, capacity, segs))
	})
	for _, claimed := range [][]bool{{false, false}, {true, true}, {false, true}} {
		t.Run(fmt.Sprintf("claimed reverted %v", claimed), func(t *testing.T) {
			requireRefusedAsBuilt(t, header(claimed...), noL1, txs, execs, capacity, &faults{commitment: true}, lastEnd)
		})
	}
}
