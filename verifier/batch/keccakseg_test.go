package batch

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// claimsShape is a small frame shape whose KECCAK256 hashes are claims
// the batch's keccak segments prove.
var claimsShape = verifier.Shape{Steps: 64, Code: 96, Calldata: 40, Stack: 16, Memory: 8, Storage: 4, Return: 2, Add: 8, Mul: 2, Bit: 2, Splice: 2,
	Keccak: 2, KeccakClaims: true}

// claimsLongShape is claimsShape with a long keccak entry of two
// permutations (inputs of up to 271 bytes).
var claimsLongShape = func() verifier.Shape {
	s := claimsShape
	s.KeccakLong, s.KeccakBlocks = 1, 2
	return s
}()

// claimsCapacity holds the keccak tests' batches: keccak segments of two
// inputs, so that three inputs take two.
var claimsCapacity = Capacity{Calldata: dataCap, Frame: claimsShape, Slots: 2, L1Slots: 1, KeccakInputs: 2}

// hashCode is code that fills memory words 0 to 4, or as many as n
// bytes take (word w all ones but its last byte, 255-w), hashes the
// first n bytes times times and stores the hashes at slots 0, 1, ...
func hashCode(n byte, times int) []byte {
	var code []byte
	for w := range byte(max(5, (int(n)+31)/32)) {
		code = append(code, 0x60, w, 0x19, 0x60, 32*w, 0x52) // PUSH1 w NOT PUSH1 32w MSTORE
	}
	for k := range times {
		code = append(code, 0x60, n, 0x60, 0, 0x20, 0x60, byte(k), 0x55) // PUSH1 n PUSH1 0 KECCAK256 PUSH1 k SSTORE
	}
	return append(code, 0x00)
}

// claimsBatch traces one transaction from alice to each code in turn, at
// addresses 0xc0, 0xc1, ..., and returns the batch's header,
// transactions and executions.
func claimsBatch(t *testing.T, codes ...[]byte) (*Header, []*trace.Transaction, []memCall) {
	t.Helper()
	world := map[common.Address][]byte{}
	var calls []memCall
	for i, code := range codes {
		a := common.BigToAddress(uint256.NewInt(uint64(0xc0 + i)).ToBig())
		world[a] = code
		calls = append(calls, memCall{to: a})
	}
	h, _, execs := runBatch(t, world, calls)
	return h, execs, calls
}

// keccakSegments returns the keccak segments of segs.
func keccakSegments(segs []SegmentWitness) []*keccakSegment {
	var out []*keccakSegment
	for _, s := range segs {
		if s.Kind == KindKeccak {
			out = append(out, s.Assignment.(*keccakSegment))
		}
	}
	return out
}

// TestKeccakClaims proves KECCAK256 through keccak segments: frames of a
// shape with KeccakClaims hash nothing, a keccak segment hashes each
// distinct input of the batch once and writes its hash as many times as
// frames read it. Inputs of 1 to 135 bytes against go-ethereum's hash
// (the trace's); the same input hashed twice by a frame and again by
// another transaction hashed once; and each way of cheating refused.
func TestKeccakClaims(t *testing.T) {
	if testing.Short() {
		t.Skip("solves keccak segments")
	}
	t.Run("inputs of 1 to 135 bytes", func(t *testing.T) {
		var codes [][]byte
		for _, n := range []byte{1, 31, 32, 33, 135} {
			codes = append(codes, hashCode(n, 1))
		}
		h, execs, calls := claimsBatch(t, codes...)
		_, txs := signedBatch(t, calls)
		segs, err := witnessesFor(h, noL1, txs, execs, claimsCapacity)
		require.NoError(t, err)
		ks := keccakSegments(segs)
		require.Len(t, ks, 3)
		for i, n := range []int{1, 31, 32, 33, 135} {
			e := ks[i/2].Entries[i%2]
			require.Equal(t, n, e.Len)
			require.Equal(t, 1, e.Uses)
		}
		require.Empty(t, solveAll(t, claimsCapacity, segs))
	})
	t.Run("an input hashed once per batch", func(t *testing.T) {
		h, execs, calls := claimsBatch(t, hashCode(64, 2), hashCode(64, 1))
		_, txs := signedBatch(t, calls)
		segs, err := witnessesFor(h, noL1, txs, execs, claimsCapacity)
		require.NoError(t, err)
		ks := keccakSegments(segs)
		require.Len(t, ks, 1)
		require.Equal(t, 64, ks[0].Entries[0].Len)
		require.Equal(t, 3, ks[0].Entries[0].Uses)
		require.Equal(t, 0, ks[0].Entries[1].Len)
		require.Empty(t, solveAll(t, claimsCapacity, segs))

		// A claim other than the hash the step pushed: refused by the
		// frame's own segment.
		for i, s := range segs {
			if s.Kind == KindFrame {
				segs[i].Assignment.(*frameSegment).Frame.KeccakHashes[0].Lo = 1
				require.Equal(t, []int{i}, solveAll(t, claimsCapacity, segs))
				break
			}
		}
	})
	t.Run("inputs longer than 135 bytes", func(t *testing.T) {
		// In the frames' long entries and the keccak segments' long
		// ones, one of each a segment: two segments.
		c := Capacity{Calldata: dataCap, Frame: claimsLongShape, Slots: 2, L1Slots: 1}
		h, execs, calls := claimsBatch(t, hashCode(136, 1), hashCode(200, 1), hashCode(64, 1))
		_, txs := signedBatch(t, calls)
		segs, err := witnessesFor(h, noL1, txs, execs, c)
		require.NoError(t, err)
		ks := keccakSegments(segs)
		require.Len(t, ks, 2)
		require.Len(t, ks[0].Long, 1)
		require.Len(t, ks[0].Long[0].Bytes, 271)
		require.Equal(t, []any{136, 200}, []any{ks[0].Long[0].Len, ks[1].Long[0].Len})
		require.Equal(t, 64, ks[0].Entries[0].Len)
		require.Empty(t, solveAll(t, c, segs))
	})
	t.Run("an input longer than 135 bytes without long entries", func(t *testing.T) {
		h, execs, calls := claimsBatch(t, hashCode(136, 1))
		_, txs := signedBatch(t, calls)
		_, err := witnessesFor(h, noL1, txs, execs, claimsCapacity)
		require.ErrorIs(t, err, verifier.ErrUnsupported)
	})
	t.Run("a forged hash", func(t *testing.T) {
		// The frame pushes and stores a word that is not its input's
		// hash, consistently: its segment solves, the keccak segment
		// writes the true hash, and the storage argument's sum is left
		// nonzero.
		h, execs, calls := claimsBatch(t, hashCode(64, 1))
		tr := execs[0].Frames[0].Trace
		truth := crypto.Keccak256Hash(hashInput(64))
		forged := *uint256.NewInt(7)
		var real uint256.Int
		real.SetBytes(truth[:])
		n := 0
		for si := range tr.Steps {
			for j := range tr.Steps[si].Stack {
				if tr.Steps[si].Stack[j] == real {
					tr.Steps[si].Stack[j] = forged
					n++
				}
			}
		}
		require.Equal(t, 2, n, "the hash on the stack of PUSH1 and SSTORE")
		for j := range tr.Storage {
			if tr.Storage[j].Final == truth {
				tr.Storage[j].Final = forged.Bytes32()
			}
		}
		_, txs := signedBatch(t, calls)
		requireRefusedAsBuilt(t, h, noL1, txs, execs, claimsCapacity, &faults{keccakClaims: true}, lastEnd)
	})
	t.Run("a hash written once too few", func(t *testing.T) {
		h, execs, calls := claimsBatch(t, hashCode(64, 2))
		_, txs := signedBatch(t, calls)
		segs, err := faultyWitnesses(h, noL1, txs, execs, claimsCapacity, &faults{keccakUses: func(n int) int { return n - 1 }})
		require.NoError(t, err)
		require.Equal(t, lastEnd(segs), solveAll(t, claimsCapacity, segs))
	})
	t.Run("a hash written for another input", func(t *testing.T) {
		h, execs, calls := claimsBatch(t, hashCode(64, 1))
		_, txs := signedBatch(t, calls)
		segs, err := faultyWitnesses(h, noL1, txs, execs, claimsCapacity, &faults{keccakInput: func(in []byte) []byte {
			out := append([]byte(nil), in...)
			out[0] ^= 1
			return out
		}})
		require.NoError(t, err)
		require.Equal(t, lastEnd(segs), solveAll(t, claimsCapacity, segs))
	})
}

// hashInput is the first n bytes of hashCode's memory.
func hashInput(n int) []byte {
	var mem []byte
	for w := range max(5, (n+31)/32) {
		word := make([]byte, 32)
		for i := range word {
			word[i] = 0xff
		}
		word[31] = byte(255 - w)
		mem = append(mem, word...)
	}
	return mem[:n]
}

// TestKeccakClaimsShape checks the shape's rules: claims need keccak
// entries (long ones too are allowed), and a frame proof of its own
// refuses them.
func TestKeccakClaimsShape(t *testing.T) {
	_, err := verifier.Compile(claimsShape)
	require.ErrorIs(t, err, verifier.ErrCapacity)
	bad := claimsShape
	bad.Keccak = 0
	_, err = verifier.NewFrameWitness(bad)
	require.ErrorIs(t, err, verifier.ErrCapacity)
	_, err = verifier.NewFrameWitness(claimsLongShape)
	require.NoError(t, err)
	plain := claimsShape
	plain.KeccakClaims = false
	require.NotEqual(t, plain.Name(), claimsShape.Name())
}
