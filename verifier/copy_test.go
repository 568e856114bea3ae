package verifier

import (
	"errors"
	"fmt"
	"math/big"
	"testing"

	"github.com/consensys/gnark/constraint/solver"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// copyShape is the shape of the copy tests: memory of 8 words, room for a
// 70-byte copy into unaligned memory.
var copyShape = Shape{Steps: 96, Code: 224, Calldata: 48, Stack: 8, Memory: 8, Storage: 1, Return: 1, Add: 1, Mul: 1, Bit: 1, Splice: 1, Copy: 4, Msize: true}

// copyInput is the calldata of the copy tests: 45 distinct non-zero bytes.
func copyInput() []byte {
	in := make([]byte, 45)
	for i := range in {
		in[i] = byte(0xa0 + i)
	}
	return in
}

// copyProgram fills memory words 0 to 3 with non-zero bytes, copies size
// bytes from src to memory at dst with op, reads MSIZE and every word the
// copy may have touched, and stops. The MLOADs read what go-ethereum
// says, so the circuit accepts only if its copy wrote the same words.
func copyProgram(op vm.OpCode, dst, src, size uint64) []byte {
	p := newProgram()
	for w := range 4 {
		p.push(minus(uint64(0x1111 * (w + 1)))).pushU(uint64(32 * w)).op(vm.MSTORE)
	}
	p.pushU(size).pushU(src).pushU(dst).op(op).op(vm.MSIZE, vm.POP)
	for w := dst / 32; w <= (dst+size)/32 && w < 7; w++ {
		p.pushU(32*w).op(vm.MLOAD, vm.POP)
	}
	return p.op(vm.STOP).bytes()
}

// TestDifferentialCopy runs CALLDATACOPY and CODECOPY from offsets inside,
// across the end of and past their source, to aligned and unaligned
// memory, with sizes from 0 to more than two words, and checks the circuit
// accepts go-ethereum's trace: the words the copy wrote, the memory size
// and the copy's rows.
func TestDifferentialCopy(t *testing.T) {
	for _, op := range []vm.OpCode{vm.CALLDATACOPY, vm.CODECOPY} {
		for _, dst := range []uint64{0, 1, 31, 45} {
			t.Run(fmt.Sprintf("%s to %d", op, dst), func(t *testing.T) {
				t.Parallel()
				for _, src := range []uint64{0, 3, 44, 45, 100, 1<<32 - 1} {
					for _, size := range []uint64{0, 1, 31, 32, 33, 70} {
						if dst+size > 32*uint64(copyShape.Memory) {
							continue
						}
						tr := traceOf(t, copyProgram(op, dst, src, size), copyInput(), nil)
						w := mustAssign(t, tr, copyShape)
						if err := solve(t, copyShape, w); err != nil {
							t.Fatalf("%d bytes from %d: the circuit refuses go-ethereum's trace: %v", size, src, err)
						}
					}
				}
			})
		}
	}
}

// TestCopyRefusals checks what the prover refuses: copies in a shape
// without a copy table, a source offset of 2^32 or more, a copy past the
// shape's memory, more copied words than the table holds.
func TestCopyRefusals(t *testing.T) {
	noCopy := copyShape
	noCopy.Copy = 0
	small := copyShape
	small.Copy = 2
	cases := []struct {
		name string
		s    Shape
		code []byte
		want error
	}{
		{"no copy table", noCopy, copyProgram(vm.CODECOPY, 0, 0, 32), ErrUnsupported},
		{"no copy table, zero bytes", noCopy, copyProgram(vm.CALLDATACOPY, 0, 0, 0), ErrUnsupported},
		{"source offset 2^32", copyShape, copyProgram(vm.CALLDATACOPY, 0, 1<<32, 1), ErrUnsupported},
		{"beyond memory", copyShape, copyProgram(vm.CALLDATACOPY, 250, 0, 7), ErrCapacity},
		{"more words than the table", small, copyProgram(vm.CALLDATACOPY, 1, 0, 64), ErrCapacity},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := traceOf(t, tc.code, copyInput(), nil)
			if _, err := Assign(tr, tc.s); !errors.Is(err, tc.want) {
				t.Fatalf("Assign = %v, want %v", err, tc.want)
			}
		})
	}
	// A huge source offset of zero bytes touches nothing, and is proven.
	tr := traceOf(t, newProgram().pushU(0).push(minus(1)).pushU(0).op(vm.CALLDATACOPY, vm.STOP).bytes(), nil, nil)
	accepts(t, copyShape, mustAssign(t, tr, copyShape))
}

// rowsOf are the indexes of the active rows running op.
func rowsOf(w *Circuit, op vm.OpCode) []int {
	var out []int
	for i, r := range w.Rows {
		if v, ok := r.Op.(int); ok && v == int(op) && r.Active == 1 {
			out = append(out, i)
		}
	}
	return out
}

// copyForgery is a copy program's witness and the handles to change it.
type copyForgery struct {
	w     *Circuit
	s     Shape
	rows  []int // the copy's rows
	sp    int   // the stack height at the copy
	input []byte
}

// setWord changes the word copy row k writes, in the row, its entry and
// the final memory (nothing reads it after).
func (f *copyForgery) setWord(k int, v Word) {
	r := &f.w.Rows[f.rows[k]]
	r.Data.Hi, r.Data.Lo = v.Hi, v.Lo
	f.w.Copy[k].New = v
	at, _ := touchedWord(r, f.s)
	f.w.MemEnd[at].Hi, f.w.MemEnd[at].Lo = v.Hi, v.Lo
}

// withByte is copy row k's new word with byte at set to b.
func (f *copyForgery) withByte(k, at int, b byte) Word {
	x := wordBytes(f.w.Copy[k].New)
	x[at] = b
	return word(new(uint256.Int).SetBytes32(x[:]))
}

// setOperand changes the copy's operand n (0 destination, 1 source, 2
// size) to v: the PUSH that pushed it (code bytes and value), the copy's
// reads and entries, and the final stack.
func (f *copyForgery) setOperand(n int, v *big.Int) {
	push := &f.w.Rows[f.rows[0]-1-n]
	size := push.Aux.(int)
	imm := v.FillBytes(make([]byte, size))
	for k, b := range imm {
		f.w.Code[push.PC.(int)+1+k] = int(b)
	}
	x := word(uint256.MustFromBig(v))
	push.W0.Hi, push.W0.Lo = x.Hi, x.Lo
	for k, ri := range f.rows {
		r := &f.w.Rows[ri]
		e := &f.w.Copy[k]
		switch n {
		case 0:
			r.R0.Hi, r.R0.Lo, e.D = x.Hi, x.Lo, x
			e.Q = new(big.Int).Rsh(x.Lo.(*big.Int), 5)
		case 1:
			r.R1.Hi, r.R1.Lo, e.S = x.Hi, x.Lo, x
		case 2:
			r.W0.Hi, r.W0.Lo, r.W0.OldHi, r.W0.OldLo, e.L = x.Hi, x.Lo, x.Hi, x.Lo, x
		}
	}
	f.w.StackEnd[f.sp-1-n].Hi, f.w.StackEnd[f.sp-1-n].Lo = x.Hi, x.Lo
}

// merged is the word copy row k would write with copied[i] = 1 for the
// bytes taken from its window (any integer, as a forged ramp gives), and
// Old's bytes (as the entry holds them) elsewhere.
func (f *copyForgery) merged(k int, copied [32]int64) Word {
	e := &f.w.Copy[k]
	s := int64(e.S.Lo.(*big.Int).Uint64()) - int64(e.J.(uint64)) + 32*int64(e.K.(uint64))
	var hi, lo big.Int
	for i := range 32 {
		var win int64
		if p := s + int64(i); p >= 0 && p < int64(len(f.input)) {
			win = int64(f.input[p])
		}
		ob := new(big.Int).Set(toBig(e.OldBytes[i]))
		nb := ob.Add(ob, big.NewInt(copied[i]*(win-ob.Int64())))
		limb := &hi
		if i >= 16 {
			limb = &lo
		}
		limb.Mul(limb, big.NewInt(256)).Add(limb, nb)
	}
	return Word{Hi: &hi, Lo: &lo}
}

func toBig(v any) *big.Int {
	switch x := v.(type) {
	case int:
		return big.NewInt(int64(x))
	case *big.Int:
		return x
	}
	panic(fmt.Sprintf("not a number: %T", v))
}

// wordBytes is a witness word's 32 bytes.
func wordBytes(w Word) [32]byte {
	var out [32]byte
	toBig(w.Hi).FillBytes(out[:16])
	toBig(w.Lo).FillBytes(out[16:])
	return out
}

// withAt is r with r[i] = v.
func withAt(r [32]int64, i int, v int64) [32]int64 {
	r[i] = v
	return r
}

// ramp is copied[i] = 1 for lo <= i < hi.
func ramp(lo, hi int) [32]int64 {
	var out [32]int64
	for i := lo; i < hi; i++ {
		out[i] = 1
	}
	return out
}

// TestSoundnessCopy changes single values of a copy's rows and entries,
// carrying each change through the rest of the witness (final memory and
// stack, entries, pushes) so that only the copy's own constraints can
// catch it.
func TestSoundnessCopy(t *testing.T) {
	input := copyInput()
	s := copyShape
	// Words 1 and 2 hold non-zero bytes; then a copy whose operands are
	// pushed with PUSH1 (the destination with PUSH5, wide with PUSH17),
	// and STOP.
	prog := func(op vm.OpCode, dst, src, size uint64, wide bool) []byte {
		p := newProgram().push(minus(0x1111)).pushU(32).op(vm.MSTORE).push(minus(0x2222)).pushU(64).op(vm.MSTORE)
		n := 1
		if wide {
			n = 17
		}
		return p.pushN(n, uint256.NewInt(size)).pushN(n, uint256.NewInt(src)).pushN(5, uint256.NewInt(dst)).op(op, vm.STOP).bytes()
	}
	num := func(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
	cases := []struct {
		name           string
		op             vm.OpCode
		dst, src, size uint64
		wide           bool
		forge          func(f *copyForgery)
		ramp           [32]int64 // or: the last word's forged ramp (nonzero)
	}{
		{name: "a copied calldata byte", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, forge: func(f *copyForgery) {
			f.setWord(0, f.withByte(0, 5, 0x77))
		}},
		{name: "a copied code byte", op: vm.CODECOPY, dst: 32, src: 0, size: 40, forge: func(f *copyForgery) {
			f.setWord(1, f.withByte(1, 2, 0x77))
		}},
		{name: "a byte kept before the copy", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, forge: func(f *copyForgery) {
			f.setWord(0, f.withByte(0, 0, 0x77))
		}},
		{name: "a byte kept after the copy", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, forge: func(f *copyForgery) {
			f.setWord(1, f.withByte(1, 31, 0x77))
		}},
		{name: "a byte past the calldata's end", op: vm.CALLDATACOPY, dst: 32, src: 30, size: 32, forge: func(f *copyForgery) {
			f.setWord(0, f.withByte(0, 20, 0x77))
		}},
		{name: "a code window past the code read on into calldata", op: vm.CODECOPY, dst: 32, src: 234, size: 32, forge: func(f *copyForgery) {
			// From 234, 10 bytes past the shape's code, the stream holds
			// zeros, then the calldata: a window claimed inside would copy
			// calldata.
			f.w.Copy[0].Past = 0
			var x [32]byte
			start := codeBase + 234
			for k := range x {
				if p := start + k - calldataBase(s.Code); p >= 0 {
					x[k] = input[p]
				}
			}
			f.setWord(0, word(new(uint256.Int).SetBytes32(x[:])))
		}},
		{name: "a window inside claimed past the end", op: vm.CALLDATACOPY, dst: 32, src: 0, size: 32, forge: func(f *copyForgery) {
			f.w.Copy[0].Past = 1
			f.setWord(0, Word{big.NewInt(0), big.NewInt(0)})
		}},
		{name: "the copy cut short", op: vm.CALLDATACOPY, dst: 32, src: 0, size: 32, forge: func(f *copyForgery) {
			// 40 bytes asked, one word written: the last row leaves 8.
			f.setOperand(2, num(40))
		}},
		{name: "the copy cut short at a word's last byte", op: vm.CALLDATACOPY, dst: 63, src: 0, size: 1, forge: func(f *copyForgery) {
			// 2 bytes asked from byte 31: the next word's first is not written.
			f.setOperand(2, num(2))
		}},
		{name: "a copy of zero bytes writing memory", op: vm.CALLDATACOPY, dst: 33, src: 0, size: 1, forge: func(f *copyForgery) {
			f.setOperand(2, num(0))
			f.setWord(0, f.w.Copy[0].Old)
		}},
		{name: "the copy run on", op: vm.CALLDATACOPY, dst: 32, src: 0, size: 40, forge: func(f *copyForgery) {
			// 32 bytes asked, the first row claims more follow.
			f.setOperand(2, num(32))
			f.setWord(1, f.w.Copy[1].Old)
		}},
		{name: "the first word skipped", op: vm.CALLDATACOPY, dst: 32, src: 35, size: 64, forge: func(f *copyForgery) {
			// Claim a copy of 96 bytes from 3 to 0 whose rows start at its
			// second word: these rows write words 1 and 2 as it would.
			f.setOperand(0, num(0))
			f.setOperand(1, num(3))
			f.setOperand(2, num(96))
			for k, ri := range f.rows {
				f.w.Rows[ri].K = uint64(k + 1)
				f.w.Copy[k].K = uint64(k + 1)
			}
		}},
		{name: "a row rewriting the first word", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 80, forge: func(f *copyForgery) {
			// The second row takes J = 33: its word D - J + 32 is the
			// first again, and lo = 0 lets it overwrite the byte before the
			// copy. The word it should write keeps its old value.
			r0, r1 := &f.w.Rows[f.rows[0]], &f.w.Rows[f.rows[1]]
			e := &f.w.Copy[1]
			f.w.MemEnd[2] = Cell{Hi: r1.Data.OldHi, Lo: r1.Data.OldLo, T: r1.Data.PrevT}
			r1.J, e.J, e.Q = uint64(33), uint64(33), 0
			r1.Data.OldHi, r1.Data.OldLo, r1.Data.PrevT = r0.Data.Hi, r0.Data.Lo, portsPerRow*f.rows[0]+portData
			e.Old = Word{r0.Data.Hi, r0.Data.Lo}
			ob := wordBytes(e.Old)
			for i, b := range ob {
				e.OldBytes[i] = int(b)
			}
			f.setWord(1, f.merged(1, ramp(0, 32)))
			f.w.MemEnd[1].T = portsPerRow*f.rows[1] + portData
		}},
		{name: "a destination past 2^32 wrapped onto low memory", op: vm.CALLDATACOPY, dst: 32, src: 32, size: 32, forge: func(f *copyForgery) {
			// The row's J = 2^32 keeps its word at 32; the entry splits
			// J + 2^32·K as J = 0, K = 1, for a copy of 64 bytes from 0.
			f.setOperand(0, new(big.Int).Add(num(1<<32), num(32)))
			f.setOperand(1, num(0))
			f.setOperand(2, num(64))
			f.w.Rows[f.rows[0]].J = uint64(1 << 32)
			f.w.Copy[0].J, f.w.Copy[0].K, f.w.Copy[0].Q = uint64(0), uint64(1), 1
		}},
		{name: "a window read from elsewhere with a non-boolean Past", op: vm.CODECOPY, dst: 32, src: 0, size: 32, forge: func(f *copyForgery) {
			// Past = -1 moves the window from code 0 to code 32 while the
			// range check still sees a small number.
			f.w.Copy[0].Past = -1
			var x [32]byte
			copy(x[:], f.input[32:64])
			f.setWord(0, word(new(uint256.Int).SetBytes32(x[:])))
		}},
		{name: "a zero-byte copy writing its first word", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, forge: func(f *copyForgery) {
			// The first row stays a middle row; the second, an empty copy
			// at K = 1, checks the size is 0 and ends the copy.
			f.setOperand(2, num(0))
			ri := f.rows[1]
			r := &f.w.Rows[ri]
			f.w.MemEnd[2] = Cell{Hi: r.Data.OldHi, Lo: r.Data.OldLo, T: r.Data.PrevT}
			f.w.StackEnd[f.sp-3].T = portsPerRow*ri + portR0
			f.w.StackEnd[f.sp-1].T, f.w.StackEnd[f.sp-2].T = r.R0.PrevT, r.R1.PrevT
			r.setFamily(f.s, famCopyEmpty)
			r.Aux, r.J = 0, uint64(0)
			r.R0 = ReadPort{Hi: r.W0.OldHi, Lo: r.W0.OldLo, PrevT: portsPerRow*f.rows[0] + portW0}
			r.R1 = idle(portsPerRow*ri + portR1)
			r.W0 = idleWrite(portsPerRow*ri + portW0)
			r.Data = idleWrite(portsPerRow*ri + portData)
			f.w.Copy[1] = unusedCopy()
		}},
		{name: "a source offset of 2^128 and more", op: vm.CALLDATACOPY, dst: 32, src: 3, size: 32, wide: true, forge: func(f *copyForgery) {
			f.setOperand(1, new(big.Int).Add(new(big.Int).Lsh(num(1), 128), num(3)))
		}},
		{name: "a size of 2^128 and more", op: vm.CALLDATACOPY, dst: 32, src: 3, size: 32, wide: true, forge: func(f *copyForgery) {
			f.setOperand(2, new(big.Int).Add(new(big.Int).Lsh(num(1), 128), num(32)))
		}},
		{name: "an old byte of the first word", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, forge: func(f *copyForgery) {
			f.w.Copy[0].OldBytes[0] = 0x77
			f.setWord(0, f.withByte(0, 0, 0x77))
		}},
		{name: "an old byte of the last word", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, forge: func(f *copyForgery) {
			f.w.Copy[1].OldBytes[31] = 0x77
			f.setWord(1, f.withByte(1, 31, 0x77))
		}},
		{name: "an old byte past 255", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, forge: func(f *copyForgery) {
			// Bytes 8 (copied) and 9 (kept) of the last word: 256 moved
			// from 8 to 9 keeps Old, and adds 1 to the copied byte 8.
			e := &f.w.Copy[1]
			e.OldBytes[8] = e.OldBytes[8].(int) - 1
			e.OldBytes[9] = e.OldBytes[9].(int) + 256
			f.setWord(1, f.merged(1, ramp(0, 9)))
		}},
		// Forged ramps for the last word's hi = 9 (the hint replaced):
		// the bytes they mark are copied.
		{name: "a ramp with a gap", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, ramp: withAt(ramp(0, 8), 9, 1)},
		{name: "a ramp one too long", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, ramp: ramp(0, 10)},
		{name: "a ramp of a non-boolean", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, ramp: withAt(ramp(0, 7), 7, 2)},
		{name: "a ramp starting at 2", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, ramp: withAt(ramp(0, 8), 0, 2)},
		{name: "a ramp ending below 0", op: vm.CALLDATACOPY, dst: 33, src: 3, size: 40, ramp: withAt(ramp(0, 10), 31, -1)},
		{name: "the size changed between rows", op: vm.CALLDATACOPY, dst: 32, src: 0, size: 40, forge: func(f *copyForgery) {
			// The first row writes 41 back: the second copies 9 bytes.
			r0, r1 := &f.w.Rows[f.rows[0]], &f.w.Rows[f.rows[1]]
			r0.W0.Lo = big.NewInt(41)
			r1.W0.Lo, r1.W0.OldLo = big.NewInt(41), big.NewInt(41)
			f.w.Copy[0].L.Lo, f.w.Copy[1].L.Lo = big.NewInt(41), big.NewInt(41)
			f.w.StackEnd[f.sp-3].Lo = big.NewInt(41)
			f.setWord(1, f.withByte(1, 8, input[40]))
		}},
		{name: "code read as calldata", op: vm.CODECOPY, dst: 32, src: 0, size: 32, forge: func(f *copyForgery) {
			f.w.Rows[f.rows[0]].Aux = aluCopyCalldataEnd
			e := &f.w.Copy[0]
			e.Flags[aluCopyCodeEnd-copyFirst], e.Flags[aluCopyCalldataEnd-copyFirst] = 0, 1
			var x [32]byte
			copy(x[:], input[:32])
			f.setWord(0, word(new(uint256.Int).SetBytes32(x[:])))
		}},
		{name: "a copy of 32 bytes as an empty one", op: vm.CALLDATACOPY, dst: 32, src: 0, size: 32, forge: func(f *copyForgery) {
			// The row reads the size, writes no memory.
			ri := f.rows[0]
			r := &f.w.Rows[ri]
			at, _ := touchedWord(r, f.s)
			f.w.MemEnd[at] = Cell{Hi: r.Data.OldHi, Lo: r.Data.OldLo, T: r.Data.PrevT}
			f.w.StackEnd[f.sp-3].T = portsPerRow*ri + portR0
			f.w.StackEnd[f.sp-1].T, f.w.StackEnd[f.sp-2].T = r.R0.PrevT, r.R1.PrevT
			r.setFamily(f.s, famCopyEmpty)
			r.Aux, r.J, r.K = 0, uint64(0), uint64(0)
			r.R0 = ReadPort{Hi: r.W0.OldHi, Lo: r.W0.OldLo, PrevT: r.W0.PrevT}
			r.R1 = idle(portsPerRow*ri + portR1)
			r.W0 = idleWrite(portsPerRow*ri + portW0)
			r.Data = idleWrite(portsPerRow*ri + portData)
			f.w.Copy[0] = unusedCopy()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := traceOf(t, prog(tc.op, tc.dst, tc.src, tc.size, tc.wide), input, nil)
			w := mustAssign(t, tr, s)
			accepts(t, s, w)
			rows := rowsOf(w, tc.op)
			source := input
			if tc.op == vm.CODECOPY {
				source = tr.Code
			}
			f := &copyForgery{w: w, s: s, rows: rows, sp: w.Rows[rows[0]].SP.(int), input: source}
			var opts []test.TestEngineOption
			if tc.forge != nil {
				tc.forge(f)
			} else {
				f.setWord(1, f.merged(1, tc.ramp))
				opts = append(opts, test.WithReplacementHint(solver.GetHintID(lessThanHint), func(_ *big.Int, in, out []*big.Int) error {
					k, bound := in[0].Int64(), in[1].Int64()
					out[0].SetInt64(b2i(k < bound))
					if bound == 9 {
						out[0].SetInt64(tc.ramp[k])
					}
					return nil
				}))
			}
			recommit(w)
			rejects(t, s, w, opts...)
		})
	}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
