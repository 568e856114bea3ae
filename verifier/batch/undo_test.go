package batch

import (
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// undoShape is callShape with room for two calls, undoCapacity the
// storage tests' capacity with undo segments of two slots.
var (
	undoShape    = withCalls(callShape, 2)
	undoCapacity = Capacity{Calldata: dataCap, Frame: undoShape, Slots: 1, L1Slots: 1, Undo: 2}
)

// withCalls is s with n call entries.
func withCalls(s verifier.Shape, n int) verifier.Shape {
	s.Calls = n
	return s
}

// Contracts of the journal tests.
var (
	// counter adds one to slot 0; pairCounter to slots 0 and 1; and
	// tripleCounter to slots 0, 1 and 2.
	counterCode       = common.FromHex("600054600101600055" + "00")
	pairCounterCode   = common.FromHex("600054600101600055" + "600154600101600155" + "00")
	tripleCounterCode = common.FromHex("600054600101600055" + "600154600101600155" + "600254600101600255" + "00")
	addrC             = common.HexToAddress("0x00000000000000000000000000000000000000a4")
)

// callsCode is code that calls each of to in turn (no value, no input,
// returns ignored) and then stops, or reverts where revert is set.
func callsCode(revert bool, to ...common.Address) []byte {
	var code []byte
	for _, a := range to {
		code = append(code, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73)
		code = append(code, a[:]...)
		code = append(code, 0x5a, 0xf1, 0x50)
	}
	if revert {
		return append(code, 0x60, 0, 0x60, 0, 0xfd)
	}
	return append(code, 0x00)
}

// TestUndoJournal checks the undo journal (Capacity.Undo) on batches the
// constraint solver proves: frames below a frame that reverts change
// storage, the frames after them in the subtree see the changes, and the
// undo segments restore what the subtree found, in nested scopes too.
// Each fault, a batch the checks outside the circuit refuse built
// anyway, is refused by the segments named.
func TestUndoJournal(t *testing.T) {
	twice := map[common.Address][]byte{addrA: callsCode(true, addrChild, addrChild), addrChild: counterCode}
	// nested: A (reverts) calls the counter, then B (reverts), which
	// calls the counter: B's scope checks the slot out of A's.
	nested := map[common.Address][]byte{addrA: callsCode(true, addrChild, addrB), addrB: callsCode(true, addrChild), addrChild: counterCode}
	// inner: A (returns) calls B (reverts), which calls the counter
	// twice; then A calls the counter, which finds the slot as before.
	inner := map[common.Address][]byte{addrA: callsCode(false, addrB, addrChild), addrB: callsCode(true, addrChild, addrChild), addrChild: counterCode}
	// wide: A (reverts) calls a counter of three slots: two undo
	// segments of two slots.
	wide := map[common.Address][]byte{addrA: callsCode(true, addrC), addrC: tripleCounterCode}
	// stale replaces the second counter frame's trace with the first's,
	// which found the slot as the scope did.
	stale := func(t *testing.T, _ *world, traced []*trace.Transaction) []*trace.Transaction {
		e := *traced[0]
		e.Frames = append([]trace.Frame(nil), e.Frames...)
		require.Equal(t, addrChild, e.Frames[2].Trace.Address)
		e.Frames[2].Trace = e.Frames[1].Trace
		return []*trace.Transaction{&e}
	}
	frameAt := func(n int) func([]SegmentWitness) []int {
		return func(segs []SegmentWitness) []int { return []int{segmentsOf(segs, KindFrame)[n], len(segs) - 1} }
	}
	undo := undoCapacity.UndoKind()
	transientUndo := transientCapacity
	transientUndo.Undo, transientUndo.Frame.Calls = 2, 2
	withUndo := func(f func([]SegmentWitness) []int) func([]SegmentWitness) []int {
		return func(segs []SegmentWitness) []int {
			out := f(segs)
			return append(out[:len(out)-1], segmentsOf(segs, undo)[0], out[len(out)-1])
		}
	}
	slotsOf := func(t *testing.T, segs []SegmentWitness) map[int64]int64 {
		out := map[int64]int64{}
		for _, s := range segs {
			if a, ok := s.Assignment.(*endSegment); ok {
				for _, e := range a.Slots {
					if isOne(e.Used) && !isOne(e.Nonce) {
						require.Equal(t, feOf(e.InitLo), feOf(e.FinalLo), "a slot changed under a revert")
						out[int64(u64Of(e.KeyLo))] = int64(u64Of(e.FinalLo))
					}
				}
			}
		}
		return out
	}
	scenarios := []struct {
		name    string
		code    map[common.Address][]byte
		execs   func(*testing.T, *world, []*trace.Transaction) []*trace.Transaction
		faults  *faults
		check   func(*testing.T, []SegmentWitness)
		refused func([]SegmentWitness) []int
		// capacity is undoCapacity where nil; unchecked traces the
		// transaction without Transaction.Check, which refuses a contract
		// with a TSTORE entered twice.
		capacity  *Capacity
		unchecked bool
	}{
		{name: "a callee's writes below a caller that reverts, seen by the next callee", code: twice, check: func(t *testing.T, segs []SegmentWitness) {
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindFrame, KindFrame, undo, KindEnd, KindEnd}, kindsOf(segs))
			u := segs[5].Assignment.(*undoSegment)
			require.True(t, isOne(u.Entries[0].Used))
			require.False(t, isOne(u.Entries[1].Used))
			require.Equal(t, int64(2), int64(u64Of(u.Entries[0].LastLo)), "the second call left 2")
			require.Equal(t, map[int64]int64{0: 0}, slotsOf(t, segs))
		}},
		{name: "nested scopes", code: nested, check: func(t *testing.T, segs []SegmentWitness) {
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindFrame, KindFrame, KindFrame, undo, undo, KindEnd, KindEnd}, kindsOf(segs))
			inner := segs[6].Assignment.(*undoSegment)
			require.Equal(t, u64Of(segs[2].Assignment.(*frameSegment).Mem.Time)+1, u64Of(inner.Entries[0].From), "B's scope checked the slot out of A's")
			require.Equal(t, int64(1), int64(u64Of(inner.Entries[0].InitLo)))
			require.Equal(t, map[int64]int64{0: 0}, slotsOf(t, segs))
		}},
		{name: "a scope inside a frame that returns", code: inner, check: func(t *testing.T, segs []SegmentWitness) {
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindFrame, KindFrame, KindFrame, undo, KindFrame, KindEnd, KindEnd}, kindsOf(segs))
			e := storageEntry(t, segs)
			require.Equal(t, int64(1), int64(u64Of(e.FinalLo)), "only the last call's write stays")
		}},
		{name: "a scope of more slots than an undo segment holds", code: wide, check: func(t *testing.T, segs []SegmentWitness) {
			require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindFrame, undo, undo, KindEnd, KindEnd, KindEnd, KindEnd}, kindsOf(segs))
			require.True(t, isOne(segs[4].Assignment.(*undoSegment).Again))
			require.False(t, isOne(segs[5].Assignment.(*undoSegment).Again))
			require.Equal(t, map[int64]int64{0: 0, 1: 0, 2: 0}, slotsOf(t, segs))
		}},
		{name: "transient storage below a caller that reverts", code: map[common.Address][]byte{addrA: callsCode(true, addrChild, addrChild), addrChild: tCounterCode}, capacity: &transientUndo, unchecked: true,
			check: func(t *testing.T, segs []SegmentWitness) {
				require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindFrame, KindFrame, undo, KindEnd}, kindsOf(segs))
				second := segs[4].Assignment.(*frameSegment)
				require.Equal(t, uint64(1), u64Of(second.Frame.Transient[0].InitLo), "the second call finds the first's")
				require.Equal(t, uint64(0), u64Of(second.Journal[0].TransientFirst[0]))
				u := segs[5].Assignment.(*undoSegment)
				require.Equal(t, uint64(2), u64Of(u.Entries[0].LastLo))
				require.Zero(t, u64Of(u.Entries[0].InitLo))
			}},
		{name: "no undo segment", code: twice, faults: &faults{noMarker: true}, refused: lastEnd},
		{name: "the scope's write kept", code: twice, faults: &faults{undoFound: func(_ slotKey, _, last common.Hash) common.Hash { return last }}, refused: lastEnd},
		{name: "a later frame finding the slot as the scope found it", code: twice, execs: stale, faults: &faults{inconsistent: true}, refused: lastEnd},
		// (The undo segment, given the slot twice, is refused too.)
		{name: "a later frame checking the slot out again", code: twice, execs: stale, faults: &faults{inconsistent: true, recheckout: func(uint64) uint64 { return 0 }}, refused: withUndo(lastEnd)},
		{name: "a checkout from its own scope", code: twice, faults: &faults{recheckout: func(scope uint64) uint64 { return scope }}, refused: withUndo(frameAt(2))},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			w := &world{code: sc.code, storage: map[common.Address]map[common.Hash]common.Hash{}}
			calls := []memCall{{addrA, nil}}
			var execs []*trace.Transaction
			if sc.unchecked {
				ctx := l2Context
				e, err := trace.RunTransaction(trace.Call{Code: w.code[addrA], Address: addrA, Caller: alice, Contracts: map[common.Address][]byte{addrChild: w.code[addrChild]}, Context: &ctx})
				require.NoError(t, err)
				execs = append(execs, e)
			} else {
				execs = append(execs, w.run(t, addrA, nil))
			}
			if sc.execs != nil {
				execs = sc.execs(t, w, execs)
			}
			h, txs := signedBatch(t, calls)
			withOutcomes(t, h, txs, execs)
			c := undoCapacity
			if sc.capacity != nil {
				c = *sc.capacity
			}
			if sc.faults == nil {
				// Without undo segments, the batch is refused.
				plain := c
				plain.Undo = 0
				_, err := witnessesFor(h, noL1, txs, execs, plain)
				require.ErrorContains(t, err, "a frame above it throws its changes away")
			}
			segs, err := faultyWitnesses(h, noL1, txs, execs, c, sc.faults)
			require.NoError(t, err)
			if sc.check != nil {
				sc.check(t, segs)
			}
			var want []int
			if sc.refused != nil {
				want = sc.refused(segs)
			}
			require.Equal(t, fmt.Sprint(want), fmt.Sprint(solveAll(t, c, segs)), "the segments refused")
		})
	}
}
