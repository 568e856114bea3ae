package batch

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// transientShape is callShape with three calls and transient storage
// carried from frame to frame.
var transientShape = func() verifier.Shape {
	s := callShape
	s.Steps, s.Code, s.Calls, s.TransientCarried = 96, 128, 3, true
	return s
}()

// transientCapacity holds the transient tests' batches.
var transientCapacity = Capacity{Calldata: dataCap, Frame: transientShape, Slots: 2, L1Slots: 1}

// Addresses of the transient tests' contracts.
var (
	tCounter = common.HexToAddress("0x00000000000000000000000000000000000000d1")
	tCaller  = common.HexToAddress("0x00000000000000000000000000000000000000d2")
)

// tCounterCode adds one to transient slot 0 and returns the sum, or,
// with calldata, reverts with it.
var tCounterCode = common.FromHex("60005c" + "600101" + "80" + "60005d" + "600052" + "36" + "601657" + "60206000f3" + "5b" + "60206000fd")

// tCallerCode calls tCounter three times, the first with one byte of
// input (so that it reverts), each returning its word to memory 0, and
// stores the last word at slot 0.
func tCallerCode() []byte {
	call := func(argSize byte) []byte {
		code := []byte{0x60, 0x20, 0x60, 0, 0x60, argSize, 0x60, 0, 0x60, 0, 0x73}
		code = append(code, tCounter[:]...)
		return append(code, 0x5a, 0xf1, 0x50)
	}
	code := append(call(1), call(0)...)
	code = append(code, call(0)...)
	return append(code, 0x60, 0, 0x51, 0x60, 0, 0x55, 0x00)
}

// transientBatch is two transactions calling tCaller, each of whose
// tCounter frames reads transient slot 0 as the frames of its
// transaction before it left it: 0 for the first (its increment undone
// by its revert), 0 for the second, 1 for the third, in each
// transaction.
func transientBatch(t *testing.T) (*Header, []*types.Transaction, []*trace.Transaction) {
	t.Helper()
	w := &world{code: map[common.Address][]byte{tCaller: tCallerCode(), tCounter: tCounterCode}, storage: map[common.Address]map[common.Hash]common.Hash{}}
	// Traced without Transaction.Check, which refuses a contract with a
	// TSTORE entered twice (a frame proof of its own starts transient
	// storage at zero); only the caller writes storage.
	var execs []*trace.Transaction
	for range 2 {
		ctx := l2Context
		e, err := trace.RunTransaction(trace.Call{Code: w.code[tCaller], Storage: w.storage[tCaller], Address: tCaller, Caller: alice,
			Contracts: map[common.Address][]byte{tCounter: tCounterCode}, ContractStorage: w.storage, Context: &ctx})
		require.NoError(t, err)
		w.storage[tCaller] = map[common.Hash]common.Hash{}
		for _, sl := range e.Frames[0].Trace.Storage {
			w.storage[tCaller][sl.Key] = sl.Final
		}
		execs = append(execs, e)
	}
	_, txs := signedBatch(t, []memCall{{tCaller, nil}, {tCaller, nil}})
	h := headerFor(t, txs, noL1)
	withOutcomes(t, h, txs, execs)
	return h, txs, execs
}

// TestTransient checks that a batch carries transient storage from frame
// to frame within a transaction and starts it at zero in each: the
// honest batch solves, the counter's frames reading 0, 0 and 1 and the
// caller storing 2 in each transaction; a reverted frame's transient
// write kept, a slot claimed nonzero at a transaction's start, a frame
// reading the slot from before its write and a frame of one transaction
// naming another's transient storage are each refused by the segments
// that name them.
func TestTransient(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with transient storage")
	}
	h, txs, execs := transientBatch(t)
	for _, e := range execs {
		require.Len(t, e.Frames, 4)
		var starts []common.Hash
		for _, f := range e.Frames[1:] {
			require.Len(t, f.Trace.Transient, 1)
			starts = append(starts, f.Trace.Transient[0].Initial)
		}
		require.Equal(t, []common.Hash{{}, {}, common.BigToHash(big.NewInt(1))}, starts)
		require.Equal(t, common.BigToHash(big.NewInt(2)), e.Frames[0].Trace.Storage[0].Final)
	}
	segs, err := witnessesFor(h, noL1, txs, execs, transientCapacity)
	require.NoError(t, err)
	require.Empty(t, solveAll(t, transientCapacity, segs))
	// The segments: header, then per transaction its own, the caller's
	// and the counter's three; then the end segments.
	kinds := kindsOf(segs)
	require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindFrame, KindFrame, KindFrame, KindTransaction, KindFrame, KindFrame, KindFrame, KindFrame}, kinds[:11])
	const firstCounter, secondTx = 3, 6
	last := len(segs) - 1

	for _, tc := range []struct {
		name string
		fl   *faults
		want []int
	}{
		// Each reverted frame (the first counter frame of each
		// transaction) leaves its write: its segment leaves the slot as
		// it found it, and the next frame, which starts where the EVM
		// says, reads what no write left.
		{"a reverted frame's write kept", &faults{keepReverted: true, inconsistent: true}, []int{firstCounter, secondTx + 2, last}},
		// The second transaction's counter frames read the first's
		// values: the end segments' zero start is not theirs.
		{"a frame reading before the last write", &faults{transientReadTime: func(now uint64, j int, honest uint64) uint64 {
			if honest > 0 {
				return honest - 1
			}
			return honest
		}}, []int{last}},
		{"a slot nonzero at a transaction's start", &faults{entry: func(k slotKey, st *slotState) {
			if k.transient {
				st.initial = common.BigToHash(big.NewInt(5))
			}
		}}, []int{last}},
		// The second transaction's frames name the first's transient
		// storage, which they find as the first left it: the transaction
		// segment pushes its own time, and the slot read is not the one
		// written.
		{"another transaction's transient storage", func() *faults {
			var first uint64
			return &faults{inconsistent: true, txTime: func(i int, honest uint64) uint64 {
				if i == 0 {
					first = honest
				}
				return first
			}}
		}(), []int{secondTx, last}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			segs, err := faultyWitnesses(h, noL1, txs, execs, transientCapacity, tc.fl)
			require.NoError(t, err)
			require.Equal(t, tc.want, solveAll(t, transientCapacity, segs))
		})
	}
}

// TestTransientRefused checks what Witnesses refuses by name: transient
// storage in a frame shape that starts it at zero, and in an L1 frame;
// and that the L1 frame's segment refuses the latter, built anyway.
func TestTransientRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("solves frames of a shape with transient storage")
	}
	h, txs, execs := transientBatch(t)
	plain := transientCapacity
	plain.Frame.TransientCarried = false
	_, err := witnessesFor(h, noL1, txs, execs, plain)
	require.ErrorIs(t, err, verifier.ErrUnsupported)
	require.ErrorContains(t, err, "TransientCarried")

	// An L1 frame (below L1CALL) that stores to transient slot 0.
	exec, lists := l1CodeBatch(t, []byte{0x60, 1, 0x60, 0, 0x5d, 0x00})
	_, l1Txs := signedBatch(t, []memCall{{l1Caller, nil}})
	l1Execs := []*trace.Transaction{exec}
	lh := headerFor(t, l1Txs, lists)
	withOutcomes(t, lh, l1Txs, l1Execs)
	_, err = witnessesFor(lh, lists, l1Txs, l1Execs, transientCapacity)
	require.ErrorIs(t, err, verifier.ErrUnsupported)
	require.ErrorContains(t, err, "L1 frame")
	segs, err := faultyWitnesses(lh, lists, l1Txs, l1Execs, transientCapacity, &faults{unsupported: true})
	require.NoError(t, err)
	refused := solveAll(t, transientCapacity, segs)
	require.Contains(t, refused, frameSegmentAt(segs, l1Target))
}
