package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// blockReaderCode is L1 code that adds up every block value (COINBASE,
// TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, BASEFEE, GASPRICE)
// and stores the sum at slot 1.
var blockReaderCode = common.FromHex("4243" + "01" + "41" + "01" + "44" + "01" + "45" + "01" + "46" + "01" + "48" + "01" + "3a" + "01" + "600155" + "00")

// blockBatch is l1Batch with l1Target running blockReaderCode in the
// context ctx, and the batch pinned to block: its execution, its L1
// lists (with block) and its header.
func blockBatch(t *testing.T, block *types.Header, ctx trace.Context, txs []*types.Transaction) (*Header, *L1Lists, []*trace.Transaction) {
	t.Helper()
	l2Ctx := l2Context
	l2, err := trace.Run(trace.Call{Code: l1CallerCode(), Address: l1Caller, Caller: alice, Context: &l2Ctx})
	require.NoError(t, err)
	l1, err := trace.Run(trace.Call{Code: blockReaderCode, Address: l1Target, Caller: precompiles.Alias(l1Caller), Context: &ctx})
	require.NoError(t, err)
	l1.Origin = alice
	require.Len(t, l1.Storage, 1)
	slot := func(v common.Hash) L1Slot {
		return L1Slot{Contract: l1Target, Slot: common.BigToHash(big.NewInt(1)), Value: v}
	}
	lists := &L1Lists{Reads: []L1Slot{slot(common.Hash{})}, Writes: []L1Slot{slot(l1.Storage[0].Final)},
		Code: []CodeRead{{Contract: l1Target, CodeHash: crypto.Keccak256Hash(blockReaderCode)}, {Contract: l1Caller}}, Block: block}
	h := headerFor(t, txs, lists)
	exec := &trace.Transaction{Frames: []trace.Frame{{Trace: l2, Parent: -1}, {Trace: l1, Parent: 0, Call: 0, L1: true}}}
	return h, lists, []*trace.Transaction{exec}
}

// TestL1BlockContext checks that the L1 frames run in the pinned L1
// block's context (SPEC §1): the block segment opens the header whose
// hash the batch header pins and hands its values to every L1 frame.
// The honest batch solves; an L1 frame that read another value is refused
// by Witnesses and, built anyway, by the last end segment only (a gas
// price, which comes with the frame's entry, by the frame's own segment:
// the L1 EVM's is zero); so is a
// batch whose block segment opens another block's header, the L1 frames
// running in that block's context; a header that is not the pinned block's
// is refused, and so is an L1 frame's SELFBALANCE of a balance the read
// set does not name (TestL1Balances covers balances).
func TestL1BlockContext(t *testing.T) {
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	block := pinnedHeader(21_000_000, 1_750_000_000, 36_000_000, big.NewInt(1_000_000_007), []byte("pinned"))
	pinned := l1Context(block, big.NewInt(1337))
	t.Run("the pinned block's context", func(t *testing.T) {
		h, l1, execs := blockBatch(t, block, pinned, txs)
		segs, err := witnessesFor(h, l1, txs, execs, listsCapacity)
		require.NoError(t, err)
		require.Equal(t, []int{KindHeader, KindCode, KindCode, KindBlock, KindTransaction, KindFrame, KindFrame, KindEnd}, kindsOf(segs))
		require.Empty(t, solveAll(t, listsCapacity, segs))
	})
	l1Frame := func([]SegmentWitness) []int { return []int{6} }
	others := []struct {
		name    string
		change  func(c *trace.Context)
		refused func([]SegmentWitness) []int
	}{
		{"another coinbase", func(c *trace.Context) { c.Coinbase[19] ^= 1 }, lastEnd},
		{"another timestamp", func(c *trace.Context) { c.Timestamp++ }, lastEnd},
		{"another number", func(c *trace.Context) { c.Number-- }, lastEnd},
		{"another prevrandao", func(c *trace.Context) { c.PrevRandao[0] ^= 1 }, lastEnd},
		{"another gas limit", func(c *trace.Context) { c.GasLimit++ }, lastEnd},
		{"another chain id", func(c *trace.Context) { c.ChainID.SetUint64(1) }, lastEnd},
		{"another base fee", func(c *trace.Context) { c.BaseFee.SetUint64(7) }, lastEnd},
		{"a gas price", func(c *trace.Context) { c.GasPrice.SetUint64(1) }, l1Frame},
	}
	for _, tc := range others {
		t.Run(tc.name, func(t *testing.T) {
			ctx := pinned
			tc.change(&ctx)
			h, l1, execs := blockBatch(t, block, ctx, txs)
			requireRefusedAsBuilt(t, h, l1, txs, execs, listsCapacity, &faults{l1Context: true, foreignEntry: true}, tc.refused)
		})
	}
	t.Run("another block's header opened", func(t *testing.T) {
		other := pinnedHeader(21_000_000, 1_750_000_012, 36_000_000, big.NewInt(1_000_000_007), []byte("pinned"))
		h, l1, execs := blockBatch(t, block, l1Context(other, big.NewInt(1337)), txs)
		segs, err := faultyWitnesses(h, l1, txs, execs, listsCapacity, &faults{block: other})
		require.NoError(t, err)
		require.Equal(t, fmt.Sprint(lastEnd(segs)), fmt.Sprint(solveAll(t, listsCapacity, segs)))
	})
	t.Run("a header that is not the pinned block's", func(t *testing.T) {
		h, l1, execs := blockBatch(t, block, pinned, txs)
		l1.Block = pinnedHeader(21_000_000, 1_750_000_012, 36_000_000, big.NewInt(1_000_000_007), []byte("pinned"))
		_, err := witnessesFor(h, l1, txs, execs, listsCapacity)
		require.ErrorIs(t, err, ErrStatement)
		l1.Block = nil
		_, err = witnessesFor(h, l1, txs, execs, listsCapacity)
		require.ErrorIs(t, err, ErrStatement)
	})
	t.Run("SELFBALANCE in an L1 frame", func(t *testing.T) {
		h, l1, execs := blockBatch(t, block, pinned, txs)
		tr := *execs[0].Frames[1].Trace
		tr.Steps = append(tr.Steps[:len(tr.Steps):len(tr.Steps)], trace.Step{PC: 99, Op: 0x47})
		execs[0].Frames[1].Trace = &tr
		_, err := witnessesFor(h, l1, txs, execs, listsCapacity)
		require.ErrorIs(t, err, ErrStatement)
		require.ErrorContains(t, err, "reads SELFBALANCE of 0x00000000000000000000000000000000000000e1 = 0, which the read set's balance reads do not name")
	})
}
