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
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/aggregate"
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
		Number: 1, L1BlockNumber: 12, L1BlockHash: common.Hash{1}, Transactions: TransactionsCommitment(sigs),
		L2StateRoot: common.Hash{2}, ReadsHash: common.Hash{3}, WritesHash: common.Hash{4},
	}, txs
}

func circuitOf(kind int) frontend.Circuit { return Circuits(dataCap)[kind] }

func solve(t *testing.T, s SegmentWitness) error {
	t.Helper()
	return test.IsSolved(circuitOf(s.Kind), s.Assignment, ecc.BLS12_377.ScalarField())
}

// TestSegmentsSolve checks that the segments of a batch solve their
// circuits and chain: each starts where the one before ended, the first
// from 0, the last ends at 0.
func TestSegmentsSolve(t *testing.T) {
	h, txs := testBatch(t)
	segs, err := Witnesses(h, txs, dataCap)
	require.NoError(t, err)
	require.Len(t, segs, len(txs)+2)
	require.Equal(t, []int{KindHeader, KindTransaction, KindTransaction, KindEnd}, []int{segs[0].Kind, segs[1].Kind, segs[2].Kind, segs[3].Kind})
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
	_, err := Witnesses(h, txs[:1], dataCap)
	require.ErrorIs(t, err, ErrStatement)
	_, err = Witnesses(h, []*types.Transaction{txs[1], txs[0]}, dataCap)
	require.ErrorIs(t, err, ErrStatement)
	other := *h
	other.ChainID = big.NewInt(1)
	_, err = Witnesses(&other, txs, dataCap)
	require.ErrorIs(t, err, ErrStatement)
	wide := *h
	wide.ChainID = new(big.Int).Lsh(big.NewInt(1), 64)
	_, err = Witnesses(&wide, txs, dataCap)
	require.ErrorIs(t, err, ErrStatement)
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
	a.In = boundary(h.Hash(), l2Chain, h.Transactions, e)
	return s
}

// TestSegmentSoundness changes one thing of each kind of segment's valid
// witness and checks its circuit refuses it.
func TestSegmentSoundness(t *testing.T) {
	h, txs := testBatch(t)
	witnesses := func() []SegmentWitness {
		segs, err := Witnesses(h, txs, dataCap)
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
	end := func() (SegmentWitness, *endSegment) {
		s := witnesses()[3]
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
			var acc [32]byte
			a.Out = boundary(b, l2Chain, h.Transactions, elem(acc[:31]))
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
			var acc [32]byte
			a.Out = boundary(h.Hash(), big.NewInt(1), h.Transactions, elem(acc[:31]))
			return s
		}},
		{"transaction: a chain id other than the signature's", func() SegmentWitness {
			s, a := tx()
			a.ChainID = 1
			var zero fr.Element
			sigs, err := Signatures(txs)
			require.NoError(t, err)
			a.In = boundary(h.Hash(), big.NewInt(1), h.Transactions, zero)
			a.Out = boundary(h.Hash(), big.NewInt(1), h.Transactions, fold(zero, sigs[0]))
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
			other := witnesses()[2].Assignment.(*transactionSegment)
			a.Tx.YParity, a.Tx.R, a.Tx.S = other.Tx.YParity, other.Tx.R, other.Tx.S
			return s
		}},
		{"end: a running commitment other than the header's in its high half", func() SegmentWitness {
			return endWithAcc(t, h, end, new(big.Int).Lsh(big.NewInt(1), 128))
		}},
		{"end: a running commitment other than the header's in its low half", func() SegmentWitness {
			return endWithAcc(t, h, end, big.NewInt(1))
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
	for kind, c := range Circuits(dataCap) {
		cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, c)
		require.NoError(t, err)
		require.Equal(t, aggregate.NbSegmentInputs+1, cs.GetNbPublicVariables(), "kind %d", kind)
		commitments := cs.GetCommitments().(constraint.Groth16Commitments)
		require.Len(t, commitments, 1, "kind %d", kind)
		require.Empty(t, commitments[0].PublicAndCommitmentCommitted, "kind %d commits to a public input", kind)
	}
}
