package batch

import (
	"crypto/ecdsa"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/trace"
)

const dataCap = 128

var (
	l2Chain = big.NewInt(167_001)
	target  = common.HexToAddress("0x00000000000000000000000000000000000000b0")
)

func testKey(t testing.TB, name string) *ecdsa.PrivateKey {
	t.Helper()
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("batch test " + name)))
	require.NoError(t, err)
	return k
}

// testBatch returns two signed transactions of two senders and the header
// of a batch holding them.
func testBatch(t testing.TB) (*Header, []*types.Transaction) {
	t.Helper()
	signer := types.LatestSignerForChainID(l2Chain)
	txs := []*types.Transaction{
		types.MustSignNewTx(testKey(t, "alice"), signer, &types.DynamicFeeTx{ChainID: l2Chain, Nonce: 0, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, To: &target, Data: []byte{0xa9, 0x05, 0x9c, 0xbb}}),
		types.MustSignNewTx(testKey(t, "bob"), signer, &types.LegacyTx{Nonce: 3, GasPrice: big.NewInt(1), Gas: 21_000, To: &target, Value: big.NewInt(5)}),
	}
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	return &Header{
		L1ChainID: big.NewInt(1337), Contract: common.HexToAddress("0x00000000000000000000000000000000000000c0"), ChainID: l2Chain,
		Number: 1, L1BlockNumber: 12, L1BlockHash: common.Hash{1}, Transactions: TransactionsCommitment(testL2Block, sigs), L2Block: testL2Block,
		L2StateRoot: common.Hash{2}, ReadsHash: noL1.ReadsHash(), WritesHash: noL1.WritesHash(),
	}, txs
}

// capacity is the segment circuits' of these tests: frames of the
// smallest shape, lists of two slots.
var capacity = Capacity{Calldata: dataCap, Frame: verifier.Shapes[0], L1Slots: 2}

// noL1 are the L1 lists of a batch that touches no L1 slot.
var noL1 = &L1Lists{}

// targetCode is the code at target: it stores the calldata size at slot
// 0 and returns the call's value.
var targetCode = common.FromHex("36600055346000526020" + "6000f3")

// l2Context is the block context the test frames run in, the L2 block
// testL2Block of the tests' headers (number 1).
var l2Context = trace.Context{ChainID: *uint256.MustFromBig(l2Chain), Number: 1, Timestamp: 1, GasLimit: 30_000_000}

// testL2Block is the L2 block of the tests' headers.
var testL2Block = L2Block{Time: 1, GasLimit: 30_000_000}

// frameOf traces a call of target's code from caller with value and
// input, as a transaction's top frame.
func frameOf(t testing.TB, caller common.Address, value *big.Int, input []byte) *trace.Trace {
	t.Helper()
	return frameOn(t, nil, caller, value, input)
}

// frameOn is frameOf over target's storage as given.
func frameOn(t testing.TB, storage map[common.Hash]common.Hash, caller common.Address, value *big.Int, input []byte) *trace.Trace {
	t.Helper()
	ctx := l2Context
	tr, err := trace.Run(trace.Call{Code: targetCode, Storage: storage, Address: target, Caller: caller, Value: value, Input: input, Context: &ctx})
	require.NoError(t, err)
	require.False(t, tr.Reverted)
	return tr
}

// single is the execution of a transaction that runs one frame.
func single(tr *trace.Trace) *trace.Transaction {
	return &trace.Transaction{Frames: []trace.Frame{{Trace: tr, Parent: -1}}}
}

// testFrames are the executions of the test batch's transactions, each
// over the storage the one before left.
func testFrames(t testing.TB, txs []*types.Transaction) []*trace.Transaction {
	t.Helper()
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	out := make([]*trace.Transaction, len(txs))
	storage := map[common.Hash]common.Hash{}
	for i, tx := range txs {
		tr := frameOn(t, storage, sigs[i].Sender, tx.Value(), tx.Data())
		for _, sl := range tr.Storage {
			storage[sl.Key] = sl.Final
		}
		out[i] = single(tr)
	}
	return out
}

func circuitOf(kind int) frontend.Circuit {
	cs, err := Circuits(capacity)
	if err != nil {
		panic(err)
	}
	return cs[kind]
}

// solveOn solves s with the constraint solver on its kind's circuit.
func solveOn(circuits []frontend.Circuit, s SegmentWitness) error {
	return test.IsSolved(circuits[s.Kind], s.Assignment, ecc.BLS12_377.ScalarField())
}

func solve(t *testing.T, s SegmentWitness) error {
	t.Helper()
	return test.IsSolved(circuitOf(s.Kind), s.Assignment, ecc.BLS12_377.ScalarField())
}

// TestSegmentsSolve checks that the segments of a batch solve their
// circuits and chain: each starts where the one before ended, the first
// from 0, the last ends at 0.
func TestSegmentsSolve(t *testing.T) {
	h, txs := testBatch(t)
	segs, err := witnessesFor(h, noL1, txs, testFrames(t, txs), capacity)
	require.NoError(t, err)
	require.Len(t, segs, 2*len(txs)+2)
	kinds := make([]int, len(segs))
	for i, s := range segs {
		kinds[i] = s.Kind
	}
	require.Equal(t, []int{KindHeader, KindTransaction, KindFrame, KindTransaction, KindFrame, KindEnd}, kinds)
	require.Zero(t, segs[0].Segment.In.Sign())
	require.Zero(t, segs[len(segs)-1].Segment.Out.Sign())
	for i, s := range segs {
		require.Equal(t, uint64(i), s.Segment.Index)
		require.Equal(t, [32]byte(h.Hash()), s.Segment.Batch)
		if i > 0 {
			require.Equal(t, segs[i-1].Segment.Out, s.Segment.In)
		}
		require.NoError(t, solve(t, s), "segment %d", i)
	}
}

// TestWitnessesRefuse checks the errors of a header and transactions that
// do not agree.
func TestWitnessesRefuse(t *testing.T) {
	h, txs := testBatch(t)
	frames := testFrames(t, txs)
	_, err := witnessesFor(h, noL1, txs[:1], frames[:1], capacity)
	require.ErrorIs(t, err, ErrStatement)
	_, err = witnessesFor(h, noL1, []*types.Transaction{txs[1], txs[0]}, []*trace.Transaction{frames[1], frames[0]}, capacity)
	require.ErrorIs(t, err, ErrStatement)
	other := *h
	other.ChainID = big.NewInt(1)
	_, err = witnessesFor(&other, noL1, txs, frames, capacity)
	require.ErrorIs(t, err, ErrStatement)
	wide := *h
	wide.ChainID = new(big.Int).Lsh(big.NewInt(1), 64)
	_, err = witnessesFor(&wide, noL1, txs, frames, capacity)
	require.ErrorIs(t, err, ErrStatement)

	// Frames that are not their transactions' executions.
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	wrongFrames := map[string]*trace.Trace{
		"caller":   frameOf(t, sigs[1].Sender, txs[0].Value(), txs[0].Data()),
		"value":    frameOf(t, sigs[0].Sender, big.NewInt(1), txs[0].Data()),
		"calldata": frameOf(t, sigs[0].Sender, txs[0].Value(), []byte{1}),
	}
	for name, f := range wrongFrames {
		_, err = witnessesFor(h, noL1, txs, []*trace.Transaction{single(f), frames[1]}, capacity)
		require.ErrorIs(t, err, ErrStatement, name)
	}
	// A frame that reads another chain id (CHAINID, POP, STOP).
	other2 := l2Context
	other2.ChainID = *uint256.NewInt(1)
	tr, err := trace.Run(trace.Call{Code: common.FromHex("465000"), Address: target, Caller: sigs[0].Sender, Input: txs[0].Data(), Context: &other2})
	require.NoError(t, err)
	_, err = witnessesFor(h, noL1, txs, []*trace.Transaction{single(tr), frames[1]}, capacity)
	require.ErrorIs(t, err, ErrStatement, "chain id")
	// A transaction to an account without code.
	_, err = witnessesFor(h, noL1, txs, []*trace.Transaction{frames[0], single(&trace.Trace{Caller: sigs[1].Sender, Origin: sigs[1].Sender, Address: target, Value: *uint256.NewInt(5)})}, capacity)
	require.ErrorIs(t, err, verifier.ErrUnsupported)
	_, err = witnessesFor(h, noL1, txs, frames[:1], capacity)
	require.ErrorIs(t, err, ErrStatement)

	// What the segments cannot prove yet: a creation, and a transaction
	// sent straight to a precompile other than L1CALL. (One to L1CALL
	// that the precompile refuses is proven: TestDirectL1Call.)
	signer := types.LatestSignerForChainID(l2Chain)
	for name, to := range map[string]*common.Address{"creation": nil, "ecrecover": &common.Address{19: 1}} {
		tx := types.MustSignNewTx(testKey(t, "alice"), signer, &types.DynamicFeeTx{ChainID: l2Chain, GasTipCap: big.NewInt(0), GasFeeCap: big.NewInt(0), Gas: 100_000, To: to})
		sigs, err := Signatures([]*types.Transaction{tx})
		require.NoError(t, err)
		one := *h
		one.Transactions = TransactionsCommitment(testL2Block, sigs)
		_, err = witnessesFor(&one, noL1, []*types.Transaction{tx}, frames[:1], capacity)
		require.ErrorIs(t, err, verifier.ErrUnsupported, name)
	}
	_, err = witnessesFor(h, noL1, txs, []*trace.Transaction{frames[0], nil}, capacity)
	require.ErrorIs(t, err, ErrStatement)
}

// topContext is the context a transaction segment pushes for a top
// frame at target from sender with value and data, with its outcome.
func topContext(a *transactionSegment, sender common.Address, value *big.Int, data []byte) fr.Element {
	outcome := outcomeOfSegment(a)
	return push(entryOf(sender, sender, nil, target, value, data, entryFlags{}, [2]fr.Element{}, txTimeOf(a), delegated{}, nil, dataCap), outcome)
}

// endWithAcc is the end segment with delta added to its running
// commitment, starting from the boundary that commitment gives.
func endWithAcc(t *testing.T, h *Header, end func() (SegmentWitness, *endSegment), delta *big.Int) SegmentWitness {
	t.Helper()
	s, a := end()
	acc := new(big.Int).Add(a.Acc.(*big.Int), delta)
	var e fr.Element
	e.SetBigInt(acc)
	a.Acc = acc
	var pending fr.Element
	pending.SetBigInt(a.Pending.(*big.Int))
	a.In = boundary(h.Hash(), l2Chain, h.Transactions, e, pending, memOf(a.Mem))
	return s
}

// TestSegmentSoundness changes one thing of each kind of segment's valid
// witness and checks its circuit refuses it.
func TestSegmentSoundness(t *testing.T) {
	h, txs := testBatch(t)
	witnesses := func() []SegmentWitness {
		segs, err := witnessesFor(h, noL1, txs, testFrames(t, txs), capacity)
		require.NoError(t, err)
		return segs
	}
	header := func() (SegmentWitness, *headerSegment) {
		s := witnesses()[0]
		return s, s.Assignment.(*headerSegment)
	}
	tx := func() (SegmentWitness, *transactionSegment) {
		s := witnesses()[1]
		return s, s.Assignment.(*transactionSegment)
	}
	frame := func() (SegmentWitness, *frameSegment) {
		s := witnesses()[2]
		return s, s.Assignment.(*frameSegment)
	}
	// frameFrom is the first frame segment with the witness of another
	// trace in it.
	frameFrom := func(tr *trace.Trace) SegmentWitness {
		s, a := frame()
		w, err := verifier.Assign(tr, capacity.Frame)
		require.NoError(t, err)
		a.Frame = w.FrameWitness
		return s
	}
	sigs, err := Signatures(txs)
	require.NoError(t, err)
	end := func() (SegmentWitness, *endSegment) {
		s := witnesses()[5]
		return s, s.Assignment.(*endSegment)
	}
	cases := []struct {
		name    string
		witness func() SegmentWitness
	}{
		{"header: a header word other than the batch commitment's", func() SegmentWitness {
			s, a := header()
			a.Words[10][31] = 5
			return s
		}},
		{"header: a batch commitment other than the header's", func() SegmentWitness {
			s, a := header()
			a.BatchLo = 7
			return s
		}},
		{"header: an L2 chain id above 64 bits", func() SegmentWitness {
			wide := *h
			wide.ChainID = new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 64), l2Chain)
			s, a := header()
			b := wide.Hash()
			a.BatchHi, a.BatchLo = new(big.Int).SetBytes(b[:16]), new(big.Int).SetBytes(b[16:])
			for j, v := range wide.Words()[2] {
				a.Words[2][j] = v
			}
			var pending [32]byte
			a.Out = boundary(b, l2Chain, h.Transactions, testL2Block.seed(), elem(pending[:31]), headerMem(a))
			return s
		}},
		{"header: not the first segment", func() SegmentWitness {
			s, a := header()
			a.Index = 1
			return s
		}},
		{"header: starting from a boundary", func() SegmentWitness {
			s, a := header()
			a.In = 1
			return s
		}},
		{"header: handing on another chain id", func() SegmentWitness {
			s, a := header()
			var pending [32]byte
			a.Out = boundary(h.Hash(), big.NewInt(1), h.Transactions, testL2Block.seed(), elem(pending[:31]), headerMem(a))
			return s
		}},
		{"transaction: a chain id other than the signature's", func() SegmentWitness {
			s, a := tx()
			a.ChainID = 1
			var zero fr.Element
			seed := testL2Block.seed()
			a.In = boundary(h.Hash(), big.NewInt(1), h.Transactions, seed, zero, memOf(a.Mem))
			ctx := topContext(a, sigs[0].Sender, txs[0].Value(), txs[0].Data())
			a.Out = boundary(h.Hash(), big.NewInt(1), h.Transactions, fold(seed, sigs[0]), push(ctx, zero), nonceMem(memOf(a.Mem), alice, 0, 0))
			return s
		}},
		{"transaction: starting from another boundary", func() SegmentWitness {
			s, a := tx()
			a.Acc = 9
			return s
		}},
		{"transaction: handing on another commitment", func() SegmentWitness {
			s, a := tx()
			a.Out = 3
			return s
		}},
		{"transaction: another transaction's signature", func() SegmentWitness {
			s, a := tx()
			other := witnesses()[3].Assignment.(*transactionSegment)
			a.Tx.YParity, a.Tx.R, a.Tx.S = other.Tx.YParity, other.Tx.R, other.Tx.S
			return s
		}},
		{"end: a running commitment other than the header's in its high half", func() SegmentWitness {
			return endWithAcc(t, h, end, new(big.Int).Lsh(big.NewInt(1), 128))
		}},
		{"end: a running commitment other than the header's in its low half", func() SegmentWitness {
			return endWithAcc(t, h, end, big.NewInt(1))
		}},
		{"transaction: starting before the transaction before it was executed", func() SegmentWitness {
			// The second transaction's segment right after the first's,
			// its frame skipped.
			segs := witnesses()
			s, a := segs[3], segs[3].Assignment.(*transactionSegment)
			a.Pending = segs[2].Assignment.(*frameSegment).Pending
			a.In = segs[1].Segment.Out
			return s
		}},
		{"transaction: handing on another frame context", func() SegmentWitness {
			s, a := tx()
			var zero fr.Element
			ctx := topContext(a, sigs[0].Sender, big.NewInt(1), txs[0].Data())
			a.Out = boundary(h.Hash(), l2Chain, h.Transactions, fold(testL2Block.seed(), sigs[0]), push(ctx, zero), nonceMem(memOf(a.Mem), alice, 0, 0))
			return s
		}},
		{"frame: called by another account", func() SegmentWitness {
			return frameFrom(frameOf(t, sigs[1].Sender, txs[0].Value(), txs[0].Data()))
		}},
		{"frame: at another address", func() SegmentWitness {
			ctx := l2Context
			tr, err := trace.Run(trace.Call{Code: targetCode, Address: common.HexToAddress("0xb1"), Caller: sigs[0].Sender, Input: txs[0].Data(), Context: &ctx})
			require.NoError(t, err)
			return frameFrom(tr)
		}},
		{"frame: with another value", func() SegmentWitness {
			return frameFrom(frameOf(t, sigs[0].Sender, big.NewInt(1), txs[0].Data()))
		}},
		{"frame: with other calldata", func() SegmentWitness {
			return frameFrom(frameOf(t, sigs[0].Sender, txs[0].Value(), []byte{0xa9, 0x05, 0x9c, 0xbc}))
		}},
		{"frame: with another chain id", func() SegmentWitness {
			ctx := l2Context
			ctx.ChainID = *uint256.NewInt(1)
			tr, err := trace.Run(trace.Call{Code: targetCode, Address: target, Caller: sigs[0].Sender, Input: txs[0].Data(), Context: &ctx})
			require.NoError(t, err)
			return frameFrom(tr)
		}},
		{"frame: with another origin", func() SegmentWitness {
			s, a := frame()
			a.Frame.Origin = a.Frame.Address
			return s
		}},
		{"frame: a step of its execution changed", func() SegmentWitness {
			s, a := frame()
			a.Frame.StackEnd[0].Lo = 12345
			return s
		}},
		{"frame: leaving another pending stack", func() SegmentWitness {
			s, a := frame()
			a.Rest = 1
			return s
		}},
		{"end: with a frame still pending", func() SegmentWitness {
			// The end right after the last transaction segment.
			segs := witnesses()
			s, a := segs[5], segs[5].Assignment.(*endSegment)
			a.Pending = segs[4].Assignment.(*frameSegment).Pending
			a.In = segs[3].Segment.Out
			return s
		}},
		{"end: handing on a boundary", func() SegmentWitness {
			s, a := end()
			a.Out = 1
			return s
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Error(t, solve(t, tc.witness()))
		})
	}
}

// TestSegmentLayouts checks that the three segment circuits have the
// layout the aggregation circuit needs to switch between their keys: the
// five segment inputs as public inputs, one commitment, and no public
// input committed to.
func TestSegmentLayouts(t *testing.T) {
	// capacity's kinds, and the ecrecover kind of a capacity with
	// ecrecover segments.
	circuits, err := Circuits(capacity)
	require.NoError(t, err)
	withEcrecover := capacity
	withEcrecover.Ecrecover = 1
	all, err := Circuits(withEcrecover)
	require.NoError(t, err)
	require.Len(t, all, withEcrecover.EcrecoverKind()+1)
	circuits = append(circuits, all[withEcrecover.EcrecoverKind()])
	for kind, c := range circuits {
		cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, c)
		require.NoError(t, err)
		require.Equal(t, aggregate.NbSegmentInputs+1, cs.GetNbPublicVariables(), "kind %d", kind)
		commitments := cs.GetCommitments().(constraint.Groth16Commitments)
		require.Len(t, commitments, 1, "kind %d", kind)
		require.Empty(t, commitments[0].PublicAndCommitmentCommitted, "kind %d commits to a public input", kind)
	}
}
