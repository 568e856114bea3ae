package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/frontend"
)

// feOf is an assigned value as a field element.
func feOf(v frontend.Variable) fr.Element {
	var e fr.Element
	switch x := v.(type) {
	case *big.Int:
		e.SetBigInt(x)
	case int:
		e.SetInt64(int64(x))
	case uint64:
		e.SetUint64(x)
	case fr.Element:
		e = x
	default:
		panic("feOf: unexpected value")
	}
	return e
}

// fesOf is feOf of each value.
func fesOf(vs []frontend.Variable) []fr.Element {
	out := make([]fr.Element, len(vs))
	for i, v := range vs {
		out[i] = feOf(v)
	}
	return out
}

// txTimeOf is the time a transaction segment takes: the one after the
// storage argument's it starts from.
func txTimeOf(a *transactionSegment) uint64 { return u64Of(a.Mem.Time) + 1 }

// u64Of is an assigned value below 2^64.
func u64Of(v frontend.Variable) uint64 {
	e := feOf(v)
	return e.Uint64()
}

// delegationOf is an assigned delegation outside the circuit.
func delegationOf(d delegation) delegated {
	code := feOf(d.Code)
	b := code.Bytes()
	return delegated{on: isOne(d.On), code: common.BytesToAddress(b[12:]), by: u64Of(d.By), l1Code: isOne(d.L1Code)}
}

// logsOf is an assigned pair of log chain values outside the circuit.
func logsOf(v [2]frontend.Variable) [2]fr.Element { return [2]fr.Element{feOf(v[0]), feOf(v[1])} }

// memOf is an assigned storage argument state outside the circuit.
func memOf(m memory) memState {
	return memState{alpha: feOf(m.Alpha), beta: feOf(m.Beta), time: feOf(m.Time), acc: feOf(m.Acc), sum: feOf(m.Sum),
		lastOwner: feOf(m.LastOwner), lastHi: feOf(m.LastHi), lastLo: feOf(m.LastLo), l2Root: feOf(m.L2Root), l2NewHi: feOf(m.L2NewHi), l2NewLo: feOf(m.L2NewLo)}
}

// headerMem is the storage argument state the header segment a hands on.
func headerMem(a *headerSegment) memState {
	return memState{alpha: feOf(a.Alpha), beta: feOf(a.Beta)}
}

// isOne reports whether an assigned value is 1.
func isOne(v frontend.Variable) bool {
	e := feOf(v)
	return e.IsOne()
}

// fitL2 makes the header's L2 state roots those of the batch's frames
// (the state before it holds each L2 slot at the value its first frame
// finds, as the booster's would) and returns the state before. Where the
// batch is refused before its L2 state is known, it names the empty
// state as the parent, so that Witnesses refuses it for the same reason.
func fitL2(h *Header, l1 *L1Lists, txs []*types.Transaction, execs []*trace.Transaction, c Capacity, with *faults) *statetree.Tree {
	fl := &faults{}
	if with != nil {
		*fl = *with
	}
	fl.l2Build = true
	if _, err := witnesses(h, l1, nil, txs, execs, c, fl); err != nil || fl.pre == nil {
		pre := statetree.New()
		h.ParentL2StateRoot = pre.RootHash()
		return pre
	}
	h.ParentL2StateRoot, h.L2StateRoot = fl.pre.RootHash(), fl.post.RootHash()
	return fl.pre
}

// witnessesFor is Witnesses after fitL2.
func witnessesFor(h *Header, l1 *L1Lists, txs []*types.Transaction, execs []*trace.Transaction, c Capacity) ([]SegmentWitness, error) {
	return Witnesses(h, l1, fitL2(h, l1, txs, execs, c, nil), txs, execs, c)
}

// faultyWitnesses is witnesses with faults after fitL2 (with the same
// faults).
func faultyWitnesses(h *Header, l1 *L1Lists, txs []*types.Transaction, execs []*trace.Transaction, c Capacity, fl *faults) ([]SegmentWitness, error) {
	return witnesses(h, l1, fitL2(h, l1, txs, execs, c, fl), txs, execs, c, fl)
}

// outcomeOfSegment is the top frame's outcome hash a transaction segment
// a pushes (frameOutcome of its Success, RetLen and Ret).
func outcomeOfSegment(a *transactionSegment) fr.Element {
	es := []fr.Element{feOf(a.Success), feOf(a.RetLen), feOf(a.Logs[0]), feOf(a.Logs[1])}
	for _, w := range a.Ret {
		es = append(es, feOf(w.Hi), feOf(w.Lo))
	}
	return hashElements(es...)
}

// withOutcomes makes the header's transactions commitment bind the
// outcomes of the executions (whether each top frame reverted) and their
// logs, as the booster's receipts would.
func withOutcomes(t testing.TB, h *Header, txs []*types.Transaction, execs []*trace.Transaction) {
	t.Helper()
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	for i, e := range execs {
		sigs[i].Reverted = e.Frames[0].Trace.Reverted
		top := topFrame(txs[i], e)
		chains, err := chainsOf(e, top, nil)
		require.NoError(t, err)
		sigs[i].Logs, sigs[i].L1Logs = hashOfElement(chains[top].Out[0]), hashOfElement(chains[top].Out[1])
	}
	h.Transactions = TransactionsCommitment(h.L2Block, sigs)
}

// requireRefusedAsBuilt checks that Witnesses refuses the batch with
// ErrStatement and that, built anyway with the faults fl, the circuits
// refuse exactly the segments want names.
func requireRefusedAsBuilt(t *testing.T, h *Header, l1 *L1Lists, txs []*types.Transaction, execs []*trace.Transaction, c Capacity, fl *faults, want func([]SegmentWitness) []int) {
	t.Helper()
	_, err := witnessesFor(h, l1, txs, execs, c)
	require.ErrorIs(t, err, ErrStatement)
	segs, err := faultyWitnesses(h, l1, txs, execs, c, fl)
	require.NoError(t, err)
	require.Equal(t, fmt.Sprint(want(segs)), fmt.Sprint(solveAll(t, c, segs)))
}
