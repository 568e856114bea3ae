package verifier

import (
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"
)

// longKeccakShape adds two long keccak entries of three blocks (up to 407
// bytes, 13 words) to one short entry.
var longKeccakShape = Shape{Steps: 128, Code: 640, Calldata: 8, Stack: 12, Memory: 16, Storage: 1, Return: 1,
	Add: 2, Mul: 2, Bit: 2, Splice: 1, Keccak: 1, KeccakLong: 2, KeccakBlocks: 3}

// hugeKeccakShape has one long entry of sixteen blocks (2,175 bytes).
var hugeKeccakShape = Shape{Steps: 512, Code: 2560, Calldata: 8, Stack: 12, Memory: 72, Storage: 1, Return: 1,
	Add: 2, Mul: 2, Bit: 2, Splice: 1, Keccak: 1, KeccakLong: 1, KeccakBlocks: 16}

// longKeccakProgram hashes size bytes from offset off of words memory
// words of the pattern and returns the hash; before it, it hashes
// first bytes (none if 0) and drops that hash.
func longKeccakProgram(words, first, off, size int) []byte {
	p := fillMemory(newProgram(), words)
	if first > 0 {
		p.pushU(uint64(first)).pushU(0).op(vm.KECCAK256, vm.POP)
	}
	return p.pushU(uint64(size)).pushU(uint64(off)).op(vm.KECCAK256).returnTop().bytes()
}

// TestDifferentialKeccakLong hashes inputs past one block on go-ethereum
// (136, 137 bytes, the second block's edges, the entry's capacity,
// 2,048 bytes) and checks the circuit proves its hash; a short input
// takes a long entry when the short one is used.
func TestDifferentialKeccakLong(t *testing.T) {
	cases := []struct {
		s                  Shape
		words, first, size int
	}{
		{longKeccakShape, 14, 0, 136}, {longKeccakShape, 14, 0, 137}, {longKeccakShape, 14, 0, 271},
		{longKeccakShape, 14, 0, 272}, {longKeccakShape, 14, 0, 300}, {longKeccakShape, 14, 0, 407},
		{longKeccakShape, 14, 64, 100}, {longKeccakShape, 14, 64, 407},
		{hugeKeccakShape, 66, 0, 2048},
	}
	if testing.Short() {
		cases = cases[1:3]
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d bytes after %d", tc.size, tc.first), func(t *testing.T) {
			tr := traceOf(t, longKeccakProgram(tc.words, tc.first, 0, tc.size), nil, nil)
			require.Equal(t, crypto.Keccak256(patternBytes(0, tc.size)), tr.ReturnData, "go-ethereum's hash")
			w := mustAssign(t, tr, tc.s)
			accepts(t, tc.s, w)
		})
	}
}

// TestKeccakLongRefusals: an input above the long entries' capacity, and
// more long inputs than long entries, are refused by name.
func TestKeccakLongRefusals(t *testing.T) {
	twice := fillMemory(newProgram(), 14)
	for range 3 {
		twice.pushU(200).pushU(0).op(vm.KECCAK256, vm.POP)
	}
	cases := []struct {
		name string
		code []byte
		want error
		text string
	}{
		{"408 bytes", longKeccakProgram(14, 0, 0, 408), ErrUnsupported, "408 bytes"},
		{"three long inputs", twice.op(vm.STOP).bytes(), ErrCapacity, "3 of them longer than 135 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Assign(traceOf(t, tc.code, nil, nil), longKeccakShape)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
		})
	}
}

// TestSoundnessKeccakLong changes a correct witness of a two-block hash:
// the hash pushed, a byte of the second block, the length, the last row
// dropped.
func TestSoundnessKeccakLong(t *testing.T) {
	s := longKeccakShape
	assigned := func(t *testing.T) *Circuit {
		return mustAssign(t, traceOf(t, longKeccakProgram(14, 0, 0, 200), nil, nil), s)
	}
	t.Run("as assigned", func(t *testing.T) { accepts(t, s, assigned(t)) })
	t.Run("a wrong hash pushed", func(t *testing.T) {
		tr := traceOf(t, longKeccakProgram(14, 0, 0, 200), nil, nil)
		rejects(t, s, mustAssign(t, forgeResult(t, tr, vm.KECCAK256, 1), s))
	})
	t.Run("a byte of the second block", func(t *testing.T) {
		w := assigned(t)
		w.KeccakLong[0].Bytes[150] = 0
		rejects(t, s, w)
	})
	t.Run("a shorter length", func(t *testing.T) {
		w := assigned(t)
		w.KeccakLong[0].Len = 199
		rejects(t, s, w)
	})
	t.Run("the input in the short entry", func(t *testing.T) {
		// A long input's words moved to the short entry, which cannot
		// hold them: its length would pass its capacity.
		w := assigned(t)
		long := w.KeccakLong[0]
		w.Keccak[0].Off, w.Keccak[0].ID, w.Keccak[0].Len = long.Off, long.ID, long.Len
		copy(w.Keccak[0].Bytes, long.Bytes)
		w.KeccakLong[0] = newKeccakEntry(s.KeccakBlocks)
		recommit(w)
		rejects(t, s, w)
	})
}
