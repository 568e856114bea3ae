package batch

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// longCaller is code that runs 80 steps (PUSH1 0 POP, 40 times), more
// than callShape holds, and then calls to as callCode does.
func longCaller(to common.Address) []byte {
	var code []byte
	for range 40 {
		code = append(code, 0x60, 0, 0x50)
	}
	return append(code, callCode(to, 0, false)...)
}

// TestFrameKinds proves a batch whose frames take two frame shapes
// (Capacity.Frames): a frame too long for the small shape is proven in
// Frame's kind, the frames the small shape holds, one of them entered by
// that long frame's call, in the small shape's, and every segment
// solves; without the large shape the batch is refused by name; shapes
// that disagree on keccak claims are refused.
func TestFrameKinds(t *testing.T) {
	big := callShape
	big.Steps, big.Code = 128, 192
	c := Capacity{Calldata: dataCap, Frame: big, Frames: []verifier.Shape{callShape}, Slots: 1, L1Slots: 1}
	small := c.FrameKind(0)
	require.Equal(t, KindBlock+1, small)
	require.Equal(t, "frame 1", c.KindName(small))
	require.True(t, c.IsFrameKind(small))
	require.True(t, c.IsFrameKind(KindFrame))
	require.False(t, c.IsFrameKind(KindEnd))

	h, txs, execs := runBatch(t, map[common.Address][]byte{addrA: longCaller(addrB), addrB: keeperCode}, []memCall{{addrA, nil}, {addrB, []byte{1, 2}}})
	segs, err := witnessesFor(h, noL1, txs, execs, c)
	require.NoError(t, err)
	require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, small, KindTransaction, small, KindEnd, KindEnd}, kindsOf(segs))
	require.Empty(t, solveAll(t, c, segs))

	t.Run("without the large shape", func(t *testing.T) {
		_, err := witnessesFor(h, noL1, txs, execs, Capacity{Calldata: dataCap, Frame: callShape, Slots: 1, L1Slots: 1})
		require.ErrorIs(t, err, verifier.ErrCapacity)
	})
	t.Run("keccak claims in one shape only", func(t *testing.T) {
		mixed := Capacity{Calldata: dataCap, Frame: claimsShape, Frames: []verifier.Shape{callShape}, Slots: 1, L1Slots: 1}
		_, err := Circuits(mixed)
		require.ErrorIs(t, err, verifier.ErrCapacity)
		_, err = Witnesses(h, noL1, nil, txs, execs, mixed)
		require.ErrorIs(t, err, verifier.ErrCapacity)
		claims := Capacity{Frame: claimsShape, Frames: []verifier.Shape{claimsShape}}
		require.Equal(t, KindKeccak+1, claims.FrameKind(0))
		require.Equal(t, "keccak", claims.KindName(KindKeccak))
	})
}

// TestTransactionKinds proves transactions in transaction segments of
// several calldata capacities (Capacity.Transactions): each in the first
// that holds its calldata, the contexts still carrying the Calldata
// capacity's bytes; a transaction to L1CALL too, whose L1 frame's
// calldata is shifted within the smaller capacity. A capacity not below
// Calldata is refused.
func TestTransactionKinds(t *testing.T) {
	c := Capacity{Calldata: dataCap, Frame: callShape, Slots: 1, L1Slots: 1, Transactions: []int{8, 24}}
	require.Equal(t, KindBlock+1, c.TransactionKind(0))
	require.Equal(t, "transaction 2", c.KindName(c.TransactionKind(1)))
	h, txs, execs := runBatch(t, map[common.Address][]byte{addrA: keeperCode}, []memCall{{addrA, []byte{1, 2, 3, 4}}, {addrA, make([]byte, 40)}, {addrA, make([]byte, 20)}})
	segs, err := witnessesFor(h, noL1, txs, execs, c)
	require.NoError(t, err)
	small, medium := c.TransactionKind(0), c.TransactionKind(1)
	require.Equal(t, []int{KindHeader, small, KindFrame, KindTransaction, KindFrame, medium, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
	require.Empty(t, solveAll(t, c, segs))

	t.Run("a transaction to L1CALL", func(t *testing.T) {
		calls, exec, lists := directL1Batch(t, alice, []byte{0xab, 0xcd})
		_, txs := signedBatch(t, calls)
		c := listsCapacity
		c.Transactions = []int{24}
		segs, err := witnessesFor(headerFor(t, txs, lists), lists, txs, []*trace.Transaction{exec}, c)
		require.NoError(t, err)
		require.Equal(t, []int{KindHeader, KindCode, KindBlock, c.TransactionKind(0), KindFrame, KindEnd, KindEnd}, kindsOf(segs))
		require.Empty(t, solveAll(t, c, segs))
	})
	t.Run("a capacity not below the contexts'", func(t *testing.T) {
		bad := c
		bad.Transactions = []int{dataCap}
		_, err := Circuits(bad)
		require.ErrorIs(t, err, verifier.ErrCapacity)
	})
}

// runBatch traces the calls from alice, in order, over a world of code,
// and returns the header and transactions of a batch of them with their
// executions.
func runBatch(t *testing.T, code map[common.Address][]byte, calls []memCall) (*Header, []*types.Transaction, []*trace.Transaction) {
	t.Helper()
	w := &world{code: code, storage: map[common.Address]map[common.Hash]common.Hash{}}
	var execs []*trace.Transaction
	for _, call := range calls {
		execs = append(execs, w.run(t, call.to, call.data))
	}
	h, txs := signedBatch(t, calls)
	return h, txs, execs
}
