package verifier

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// rdcShape is the shape of the RETURNDATACOPY tests.
var rdcShape = func() Shape {
	s := callShape
	s.Memory, s.Return, s.Rdc, s.RdcWords = 12, 4, 2, 3
	return s
}()

// rdcProgram fills memory words 0 to 5, calls the echo contract with the
// first word as input (it returns 64 bytes), copies size bytes of the
// return data from off to dst, and returns 128 bytes of memory from
// retOff.
func rdcProgram(dst, off, size, retOff int) []byte {
	p := fillMemory(newProgram(), 6)
	callArgs(p, vm.CALL, 0, echoAddr, 0, 0, 32, 0, 0).op(vm.POP)
	p.pushU(uint64(size)).pushU(uint64(off)).pushU(uint64(dst)).op(vm.RETURNDATACOPY)
	return p.pushU(128).pushU(uint64(retOff)).op(vm.RETURN).bytes()
}

// TestDifferentialReturndatacopy copies the last call's return data at
// every alignment, up to its end, and nothing, on go-ethereum, and
// proves the memory it left.
func TestDifferentialReturndatacopy(t *testing.T) {
	cases := []struct {
		name                   string
		dst, off, size, retOff int
	}{
		{"all of it, aligned", 192, 0, 64, 192},
		{"across words", 200, 5, 50, 192},
		{"to its end, unaligned", 225, 33, 31, 192},
		{"a byte", 31, 63, 1, 0},
		{"nothing at its end", 0, 64, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := callTrace(t, rdcProgram(tc.dst, tc.off, tc.size, tc.retOff))
			require.False(t, tr.Reverted)
			mem := make([]byte, 384)
			copy(mem, patternBytes(0, 192))
			copy(mem[tc.dst:], tr.Calls[0].ReturnData[tc.off:tc.off+tc.size])
			require.Equal(t, mem[tc.retOff:tc.retOff+128], tr.ReturnData)
			w := mustAssign(t, tr, rdcShape)
			words := 0
			if tc.size > 0 {
				words = (tc.dst%32 + tc.size + 31) / 32
			}
			require.Len(t, rowsOf(w, vm.RETURNDATACOPY), 1+words)
			accepts(t, rdcShape, w)
		})
	}
	t.Run("nothing before any call", func(t *testing.T) {
		p := newProgram().pushU(0).pushU(0).pushU(0).op(vm.RETURNDATACOPY, vm.STOP)
		w := mustAssign(t, callTrace(t, p.bytes()), rdcShape)
		accepts(t, rdcShape, w)
	})
}

// rdcWitness copies 50 bytes from offset 5 of the echo's return data to
// memory offset 200: words 6 and 7, the first from byte 8 on.
func rdcWitness(t *testing.T) *Circuit {
	t.Helper()
	return mustAssign(t, callTrace(t, rdcProgram(200, 5, 50, 192)), rdcShape)
}

// TestSoundnessReturndatacopy changes a RETURNDATACOPY's entry or the
// return data it copies in a correct witness: every change must be
// rejected.
func TestSoundnessReturndatacopy(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"a copied byte", func(w *Circuit) { w.Rdc[0].New[0].Lo = plusOne(w.Rdc[0].New[0].Lo) }},
		{"a copied byte carried to the return data", func(w *Circuit) {
			for _, i := range rowsOf(w, vm.RETURNDATACOPY) {
				if w.Rows[i].Flags[w.shape.flagColumn(famRdcMid)] == 1 {
					w.Rows[i].Data.Lo = plusOne(w.Rows[i].Data.Lo)
					break
				}
			}
			w.Rdc[0].New[0].Lo = plusOne(w.Rdc[0].New[0].Lo)
			w.MemEnd[6].Lo = plusOne(w.MemEnd[6].Lo)
			w.Return[0].Lo = plusOne(w.Return[0].Lo)
			recommit(w)
		}},
		{"the return data it copies", func(w *Circuit) {
			w.Calls[0].Ret[0].Lo = plusOne(w.Calls[0].Ret[0].Lo)
			recommit(w)
		}},
		{"another call's return data", func(w *Circuit) { w.Rdc[0].Call = 2 }},
		{"the source offset", func(w *Circuit) { w.Rdc[0].S.Lo = 6 }},
		{"the return data size", func(w *Circuit) { w.Rdc[0].RetLen = 54 }},
		{"the entry dropped", func(w *Circuit) { w.Rdc[0] = newRdcEntry(rdcShape) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := rdcWitness(t)
			accepts(t, rdcShape, w)
			tc.change(w)
			rejects(t, rdcShape, w)
		})
	}
}

// TestReturndatacopyRefusals: a copy past the return data halts the EVM,
// which is not proven; a copy larger than an entry holds is refused by
// name.
func TestReturndatacopyRefusals(t *testing.T) {
	_, err := trace.Run(trace.Call{Code: rdcProgram(0, 60, 5, 0), Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11"),
		Contracts: calleeContracts()})
	require.ErrorIs(t, err, ErrExecution)
	two := rdcShape
	two.RdcWords = 2
	_, err = Assign(callTrace(t, rdcProgram(0, 0, 64, 0)), two)
	require.NoError(t, err)
	_, err = Assign(callTrace(t, rdcProgram(1, 0, 64, 0)), two)
	require.ErrorIs(t, err, ErrCapacity)
	require.ErrorContains(t, err, "destination words")
	_, err = Assign(callTrace(t, rdcProgram(0, 0, 32, 0)), callShape)
	require.ErrorIs(t, err, ErrUnsupported)
	require.ErrorContains(t, err, "RETURNDATACOPY")
}
