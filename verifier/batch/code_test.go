package batch

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
)

// resealCode gives code segment a the code bytes (zero-padded to its
// capacity) of length codeLen, and the boundary out such bytes lead to,
// so that only the segment's own checks on the bytes can refuse it.
func resealCode(h *Header, a *codeSegment, bytes []byte, codeLen int) {
	padded := make([]byte, len(a.Code))
	copy(padded, bytes)
	for i := range a.Code {
		a.Code[i] = padded[i]
	}
	a.CodeLen = codeLen
	es := []fr.Element{fr.NewElement(uint64(codeLen))}
	for i := 0; i < len(padded); i += 31 {
		es = append(es, elem(padded[i:min(i+31, len(padded))]))
	}
	digest := hashElements(es...)
	hash := crypto.Keccak256Hash(padded[:codeLen])
	var addr common.Address
	feAddr := feOf(a.Address)
	b := feAddr.Bytes()
	copy(addr[:], b[len(b)-20:])
	feUses := feOf(a.Uses)
	uses := int(feUses.Uint64())
	m := memOf(a.Mem)
	var ts []memTuple
	for range uses {
		ts = append(ts, memTuple{write: true, owner: listOwnerOf(domCode, addr), keyHi: digest})
	}
	ts = append(ts, memTuple{owner: listOwnerOf(domCodeRead, addr), keyHi: elem(hash[:16]), keyLo: elem(hash[16:])})
	out := m
	out.sum = sumOf(m.sum, &m.alpha, &m.beta, ts)
	out.acc = hashElements(m.acc, feAddr, fr.NewElement(uint64(codeLen)), digest, elem(hash[:16]), elem(hash[16:]), fr.NewElement(uint64(uses)))
	a.Out = boundary(h.Hash(), h.ChainID, h.Transactions, feOf(a.Acc), feOf(a.Pending), out)
}

// TestCodeSegment checks the code segment's own checks on the bytes it
// hashes: resealed with the batch's code it solves (so resealCode
// computes what the circuit does); with a byte past the code's length,
// which a frame reading the same digest would run, or a length that
// leaves a nonzero byte past it, it is refused though its boundary is
// consistent.
func TestCodeSegment(t *testing.T) {
	exec, l1 := l1Batch(t)
	_, txs := signedBatch(t, []memCall{{l1Caller, nil}})
	h := headerFor(t, txs, l1)
	circuits, err := Circuits(listsCapacity)
	require.NoError(t, err)
	code := func(t *testing.T) (SegmentWitness, *codeSegment) {
		segs, err := witnessesFor(h, l1, txs, []*verifier.Transaction{exec}, listsCapacity)
		require.NoError(t, err)
		require.Equal(t, KindCode, segs[1].Kind)
		return segs[1], segs[1].Assignment.(*codeSegment)
	}
	n := len(l1TargetCode)
	tests := []struct {
		name    string
		bytes   []byte
		codeLen int
		solves  bool
	}{
		{"the batch's code, resealed", l1TargetCode, n, true},
		{"a byte past the code's length", append(append([]byte(nil), l1TargetCode...), 0x5b), n, false},
		{"a length that leaves the code's last SSTORE past it", l1TargetCode, n - 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, a := code(t)
			honestOut := feOf(a.Out)
			resealCode(h, a, tc.bytes, tc.codeLen)
			if tc.solves {
				require.Equal(t, honestOut, feOf(a.Out), "resealCode computes the segment's boundary")
				require.NoError(t, solveOn(circuits, s))
				return
			}
			require.Error(t, solveOn(circuits, s))
		})
	}
}
