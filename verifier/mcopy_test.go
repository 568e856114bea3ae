package verifier

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark/frontend"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/stretchr/testify/require"
)

// mcopyShape is the shape of the MCOPY tests: two copies of up to four
// destination words.
var mcopyShape = Shape{Steps: 96, Code: 400, Calldata: 8, Stack: 16, Memory: 12, Storage: 1, Return: 4,
	Add: 2, Mul: 2, Bit: 2, Splice: 1, Copy: 1, Mcopy: 2, McopyWords: 4}

// mcopyProgram fills memory words 0 to 5 with the pattern, copies size
// bytes from src to dst with MCOPY and returns the 128 bytes from
// retOff.
func mcopyProgram(dst, src, size, retOff int) []byte {
	p := fillMemory(newProgram(), 6)
	p.pushU(uint64(size)).pushU(uint64(src)).pushU(uint64(dst)).op(vm.MCOPY)
	return p.pushU(128).pushU(uint64(retOff)).op(vm.RETURN).bytes()
}

// TestDifferentialMcopy copies with every alignment of source and
// destination, across word boundaries, overlapping either way, and of
// zero bytes, on go-ethereum, and proves the memory it left.
func TestDifferentialMcopy(t *testing.T) {
	cases := []struct {
		name                  string
		dst, src, size, retOf int
	}{
		{"aligned", 192, 0, 64, 192},
		{"one byte", 200, 3, 1, 192},
		{"unaligned destination", 212, 0, 68, 192},
		{"unaligned source", 192, 7, 70, 192},
		{"both unaligned", 225, 45, 90, 192},
		{"a whole word at odd offsets", 203, 61, 32, 192},
		{"overlap forward", 40, 20, 80, 0},
		{"overlap backward", 20, 40, 80, 0},
		{"onto itself", 33, 33, 50, 0},
		{"no bytes", 5000, 7000, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := traceOf(t, mcopyProgram(tc.dst, tc.src, tc.size, tc.retOf), nil, nil)
			require.False(t, tr.Reverted)
			// What go-ethereum returned is the copy's effect.
			if tc.size > 0 {
				mem := make([]byte, 384)
				copy(mem, patternBytes(0, 192))
				copy(mem[tc.dst:], append([]byte(nil), mem[tc.src:tc.src+tc.size]...))
				require.Equal(t, mem[tc.retOf:tc.retOf+128], tr.ReturnData)
			}
			w := mustAssign(t, tr, mcopyShape)
			src, dst := (tc.src%32+tc.size+31)/32, (tc.dst%32+tc.size+31)/32
			if tc.size == 0 {
				src, dst = 0, 1
			}
			require.Len(t, rowsOf(w, vm.MCOPY), src+dst)
			accepts(t, mcopyShape, w)
		})
	}
}

// mcopyWitness is the witness of a copy of 70 bytes from 7 to 84:
// destination words 2 to 4, bytes 20 to 31 of the first and 0 to 25 of
// the last copied, the rest kept.
func mcopyWitness(t *testing.T) *Circuit {
	t.Helper()
	return mustAssign(t, traceOf(t, mcopyProgram(84, 7, 70, 0), nil, nil), mcopyShape)
}

// plusOne adds one to a witness limb: its last byte changes.
func plusOne(v frontend.Variable) frontend.Variable {
	return new(big.Int).Add(v.(*big.Int), big.NewInt(1))
}

// TestSoundnessMcopy changes an MCOPY's entry or rows in a correct
// witness: every change must be rejected.
func TestSoundnessMcopy(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"a copied byte", func(w *Circuit) { w.Mcopy[0].New[0].Lo = plusOne(w.Mcopy[0].New[0].Lo) }},
		{"a byte before the copy", func(w *Circuit) { w.Mcopy[0].New[0].Hi = plusOne(w.Mcopy[0].New[0].Hi) }},
		{"a byte after the copy", func(w *Circuit) { w.Mcopy[0].New[2].Lo = plusOne(w.Mcopy[0].New[2].Lo) }},
		{"an old byte", func(w *Circuit) { w.Mcopy[0].OldBytes[2][31] = 0 }},
		{"a copied byte carried to the return data", func(w *Circuit) {
			// The entry, the row that writes word 2, memory's end and the
			// returned word all agree: only the copy's bytes can tell.
			for _, i := range rowsOf(w, vm.MCOPY) {
				if w.Rows[i].Flags[w.shape.flagColumn(famMcDstMid)] == 1 {
					w.Rows[i].Data.Lo = plusOne(w.Rows[i].Data.Lo)
					break
				}
			}
			w.Mcopy[0].New[0].Lo = plusOne(w.Mcopy[0].New[0].Lo)
			w.MemEnd[2].Lo = plusOne(w.MemEnd[2].Lo)
			w.Return[2].Lo = plusOne(w.Return[2].Lo)
			recommit(w)
		}},
		{"a source byte", func(w *Circuit) { w.Mcopy[0].SrcBytes[1][5] = 0 }},
		{"the source word a row read", func(w *Circuit) {
			for _, i := range rowsOf(w, vm.MCOPY) {
				if w.Rows[i].Flags[w.shape.flagColumn(famMcSrcMid)] == 1 {
					w.Rows[i].Data.Lo, w.Rows[i].Data.OldLo = 9, 9
					return
				}
			}
		}},
		{"the destination offset's alignment", func(w *Circuit) { w.Mcopy[0].J = 19; w.Mcopy[0].Rd = 6 }},
		{"the source offset's alignment", func(w *Circuit) { w.Mcopy[0].Js = 6; w.Mcopy[0].Rs = 12 }},
		{"a shorter copy", func(w *Circuit) { w.Mcopy[0].L.Lo = 69; w.Mcopy[0].Rd = 25 }},
		{"the entry dropped", func(w *Circuit) { w.Mcopy[0] = newMcopyEntry(mcopyShape) }},
		{"another first row", func(w *Circuit) { w.Mcopy[0].ID = 1 }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := mcopyWitness(t)
			accepts(t, mcopyShape, w)
			tc.change(w)
			rejects(t, mcopyShape, w)
		})
	}
}

// TestMcopyRefusals: what the MCOPY table cannot hold is refused by name.
func TestMcopyRefusals(t *testing.T) {
	cases := []struct {
		name string
		code []byte
		s    Shape
		want error
		text string
	}{
		{"more words than an entry holds", mcopyProgram(200, 0, 129, 0), mcopyShape, ErrCapacity, "destination words"},
		{"beyond memory", mcopyProgram(380, 0, 32, 0), mcopyShape, ErrCapacity, "beyond"},
		{"shape without MCOPY", mcopyProgram(0, 32, 32, 0), keccakShape, ErrUnsupported, "MCOPY"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Assign(traceOf(t, tc.code, nil, nil), tc.s)
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
		})
	}
	s := mcopyShape
	s.Copy = 0
	_, err := NewCircuit(s)
	require.ErrorIs(t, err, ErrCapacity)
	require.ErrorContains(t, err, "without the copy table")
}
