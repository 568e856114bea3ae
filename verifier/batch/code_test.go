package batch

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
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
	// The digest as codeDigest computes it whatever the bytes past the
	// length: the elements up to the one holding byte codeLen − 1.
	es := []fr.Element{fr.NewElement(uint64(codeLen))}
	for i := 0; i < codeLen; i += 31 {
		chunk := make([]byte, 31)
		copy(chunk, padded[i:min(i+31, len(padded))])
		es = append(es, elem(chunk))
	}
	digest := hashElements(es...)
	hash := crypto.Keccak256Hash(padded[:codeLen])
	var addr common.Address
	feAddr := feOf(a.Address)
	b := feAddr.Bytes()
	copy(addr[:], b[len(b)-20:])
	feUses, feAccount, feHashUses, feSizeUses := feOf(a.Uses), feOf(a.Account), feOf(a.HashUses), feOf(a.SizeUses)
	uses, account, hashUses, sizeUses := int(feUses.Uint64()), feAccount.IsOne(), int(feHashUses.Uint64()), int(feSizeUses.Uint64())
	m := memOf(a.Mem)
	var ts []memTuple
	for range uses {
		ts = append(ts, memTuple{write: true, owner: listOwnerOf(domCode, addr), keyHi: digest})
	}
	if account {
		ts = append(ts, memTuple{owner: listOwnerOf(domCodeRead, addr), keyHi: elem(hash[:16]), keyLo: elem(hash[16:])})
	}
	for range hashUses {
		ts = append(ts, keccakTuple(true, digest, hash))
	}
	for range sizeUses {
		ts = append(ts, memTuple{write: true, owner: listOwnerOf(domCodeSize, addr), valLo: fr.NewElement(uint64(codeLen))})
	}
	out := m
	out.sum = sumOf(m.sum, &m.alpha, &m.beta, ts)
	out.acc = hashElements(m.acc, feAddr, fr.NewElement(uint64(codeLen)), digest, elem(hash[:16]), elem(hash[16:]), fr.NewElement(uint64(uses)),
		bitOf(account), fr.NewElement(uint64(hashUses)), fr.NewElement(uint64(sizeUses)))
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
		segs, err := witnessesFor(h, l1, txs, []*trace.Transaction{exec}, listsCapacity)
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

// digestCircuit checks codeDigest against a given digest.
type digestCircuit struct {
	Code    []frontend.Variable
	CodeLen frontend.Variable
	Digest  frontend.Variable
}

func (c *digestCircuit) Define(api frontend.API) error {
	d, err := codeDigest(api, c.CodeLen, c.Code)
	if err != nil {
		return err
	}
	api.AssertIsEqual(d, c.Digest)
	return nil
}

// TestCodeDigest: the circuit's digest is CodeDigest for every length
// and capacity (so the L2 state tree's code digests do not depend on a
// shape), and a byte past the length is refused.
func TestCodeDigest(t *testing.T) {
	field := ecc.BLS12_377.ScalarField()
	for _, capacity := range []int{64, 100} {
		for _, n := range []int{0, 1, 30, 31, 32, 62, 63, capacity - 1, capacity} {
			t.Run(fmt.Sprintf("%d of %d", n, capacity), func(t *testing.T) {
				code := make([]byte, n)
				for i := range code {
					code[i] = byte(7*i + 1)
				}
				d := CodeDigest(code)
				a := &digestCircuit{Code: make([]frontend.Variable, capacity), CodeLen: n, Digest: new(big.Int).SetBytes(d[:])}
				for i := range a.Code {
					a.Code[i] = 0
					if i < n {
						a.Code[i] = code[i]
					}
				}
				c := &digestCircuit{Code: make([]frontend.Variable, capacity)}
				require.NoError(t, test.IsSolved(c, a, field))
				if n < capacity {
					a.Code[n] = 1
					require.Error(t, test.IsSolved(c, a, field), "a byte past the length")
				}
				a.Code[min(n, capacity-1)] = 0
				a.CodeLen = capacity + 1
				require.Error(t, test.IsSolved(c, a, field), "a length past the capacity")
			})
		}
	}
	require.NotEqual(t, CodeDigest([]byte{1}), CodeDigest([]byte{1, 0}), "the length is hashed")
}
