package verifier

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

func u(s string) *uint256.Int { return uint256.MustFromDecimal(s) }

func pow2(k uint) *uint256.Int { return new(uint256.Int).Lsh(uint256.NewInt(1), k) }

func minus(k uint64) *uint256.Int { return new(uint256.Int).Sub(new(uint256.Int), uint256.NewInt(k)) }

// operands are the edge values every binary opcode is tried on: zero, one,
// small, limb boundaries, the sign bit, all ones, negative values.
var operands = []*uint256.Int{
	uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(7),
	new(uint256.Int).Sub(pow2(128), uint256.NewInt(1)), pow2(128),
	pow2(255), minus(1), minus(7), new(uint256.Int).Add(pow2(255), uint256.NewInt(1)),
	u("73313977290722862211960389472412447364513629358097108823456291034811418632517"),
}

// shifts are the shift amounts SHL and SHR are tried with, 256 and beyond
// included.
var shifts = []*uint256.Int{
	uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(8), uint256.NewInt(127), uint256.NewInt(128),
	uint256.NewInt(255), uint256.NewInt(256), uint256.NewInt(1000), pow2(255), minus(1),
}

// byteIndexes are the byte positions BYTE and SIGNEXTEND are tried with,
// 31, 32 and beyond included.
var byteIndexes = []*uint256.Int{
	uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(15), uint256.NewInt(16), uint256.NewInt(30),
	uint256.NewInt(31), uint256.NewInt(32), uint256.NewInt(300), pow2(255), minus(1),
}

// shapeFor sizes a shape for a program of n binary operations.
func shapeFor(steps, code, n int) Shape {
	return Shape{Steps: steps + 8, Code: code + 8, Calldata: 8, Stack: 8, Memory: 2, Storage: 1, Return: 1,
		Add: n + 1, Mul: n + 1, Bit: n + 1, Splice: 1}
}

// TestDifferentialBinary runs every binary and unary ALU opcode on go-ethereum
// over the edge operands, and checks the circuit accepts go-ethereum's
// trace, every result included.
func TestDifferentialBinary(t *testing.T) {
	binary := []vm.OpCode{vm.ADD, vm.SUB, vm.LT, vm.GT, vm.SLT, vm.SGT, vm.EQ, vm.MUL, vm.DIV, vm.MOD, vm.SDIV, vm.SMOD, vm.AND, vm.OR, vm.XOR}
	unary := []vm.OpCode{vm.ISZERO, vm.NOT}
	shiftOps := []vm.OpCode{vm.SHL, vm.SHR, vm.SAR}
	byteOps := []vm.OpCode{vm.BYTE, vm.SIGNEXTEND}
	type pair struct{ a, b *uint256.Int }
	type opCase struct {
		op    vm.OpCode
		pairs []pair
	}
	var cases []opCase
	add := func(ops []vm.OpCode, as, bs []*uint256.Int) {
		var ps []pair
		for _, a := range as {
			for _, b := range bs {
				ps = append(ps, pair{a, b})
			}
		}
		for _, op := range ops {
			cases = append(cases, opCase{op, ps})
		}
	}
	add(binary, operands, operands)
	add(unary, operands, operands[:1])
	add(shiftOps, shifts, operands)
	add(byteOps, byteIndexes, operands)
	for _, tc := range cases {
		t.Run(tc.op.String(), func(t *testing.T) {
			t.Parallel()
			p := newProgram()
			for _, pr := range tc.pairs {
				if tc.op != vm.ISZERO && tc.op != vm.NOT {
					p.pushN(32, pr.b)
				}
				p.pushN(32, pr.a).op(tc.op, vm.POP)
			}
			p.op(vm.STOP)
			code := p.bytes()
			tr := traceOf(t, code, nil, nil)
			s := shapeFor(len(tr.Steps), len(code), len(tc.pairs))
			w, err := Assign(tr, s)
			if err != nil {
				t.Fatal(err)
			}
			if err := solve(t, s, w); err != nil {
				t.Fatalf("%s: circuit refuses go-ethereum's trace: %v", tc.op, err)
			}
		})
	}
}

// TestDifferentialOther covers the remaining opcodes in one program: every
// PUSH, DUP and SWAP, POP, memory, storage, calldata, environment, PC,
// jumps taken and not, and each way of halting.
func TestDifferentialOther(t *testing.T) {
	p := newProgram()
	p.op(vm.PUSH0, vm.POP)
	for n := 1; n <= 32; n++ {
		p.pushN(n, minus(uint64(n))).op(vm.POP)
	}
	for k := range 17 {
		p.pushU(uint64(100 + k))
	}
	for n := range 16 {
		p.op(vm.DUP1+vm.OpCode(n), vm.POP)
	}
	for n := range 16 {
		p.op(vm.SWAP1 + vm.OpCode(n))
	}
	for range 17 {
		p.op(vm.POP)
	}
	// Memory, storage, calldata, environment.
	p.pushU(0xaa).pushU(0x40).op(vm.MSTORE).pushU(0x40).op(vm.MLOAD).pushU(0x20).op(vm.MLOAD, vm.POP, vm.POP)
	p.pushU(1).op(vm.SLOAD).pushU(2).op(vm.SSTORE).pushU(2).op(vm.SLOAD, vm.POP)
	p.pushU(9).pushU(1).op(vm.SSTORE)
	for _, off := range []uint64{0, 4, 31, 35} {
		p.pushU(off).op(vm.CALLDATALOAD, vm.POP)
	}
	p.op(vm.CALLDATASIZE, vm.CALLVALUE, vm.CALLER, vm.ORIGIN, vm.ADDRESS, vm.CODESIZE, vm.PC)
	for range 7 {
		p.op(vm.POP)
	}
	// Jumps: JUMPI not taken, JUMPI taken, JUMP.
	p.pushLabel("never").pushU(0).op(vm.SWAP1, vm.JUMPI)
	p.pushU(1).pushLabel("a").op(vm.JUMPI).op(vm.INVALID)
	p.label("a").pushLabel("b").op(vm.JUMP).op(vm.INVALID)
	p.label("never").op(vm.INVALID)
	p.label("b").pushU(0x1234).pushU(0).op(vm.MSTORE).pushU(0x40).pushU(0).op(vm.RETURN)
	code := p.bytes()
	input := common.FromHex("a9059cbb000000000000000000000000000000000000000000000000000000000000beef")
	storage := map[common.Hash]common.Hash{common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(5))}
	tr := traceOf(t, code, input, storage)
	if tr.Reverted || len(tr.ReturnData) != 64 {
		t.Fatalf("program did not return 64 bytes: %x", tr.ReturnData)
	}
	s := Shape{Steps: len(tr.Steps) + 4, Code: len(code) + 4, Calldata: 40, Stack: 24, Memory: 4, Storage: 4, Return: 2, Add: 2, Mul: 1, Bit: 1, Splice: 1}
	w, err := Assign(tr, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := solve(t, s, w); err != nil {
		t.Fatal(err)
	}
	// The halting variants: STOP, REVERT with data, RETURN of nothing.
	for _, tail := range []func(*program){
		func(p *program) { p.op(vm.STOP) },
		func(p *program) { p.pushU(7).pushU(0).op(vm.MSTORE).pushU(32).pushU(0).op(vm.REVERT) },
		func(p *program) { p.pushU(0).pushU(0).op(vm.RETURN) },
	} {
		p := newProgram().pushU(1).op(vm.POP)
		tail(p)
		tr := traceOf(t, p.bytes(), nil, nil)
		w, err := Assign(tr, tiny)
		if err != nil {
			t.Fatal(err)
		}
		if err := solve(t, tiny, w); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDifferentialReturnSizes returns and reverts every interesting size
// from aligned offsets: empty, one byte, a selector, 31, 32, 33, 64 bytes.
func TestDifferentialReturnSizes(t *testing.T) {
	for _, size := range []uint64{0, 1, 4, 31, 32, 33, 64} {
		for _, halt := range []vm.OpCode{vm.RETURN, vm.REVERT} {
			p := newProgram().push(minus(3)).pushU(0x20).op(vm.MSTORE).push(minus(5)).pushU(0x40).op(vm.MSTORE).
				pushU(size).pushU(0x20).op(halt)
			tr := traceOf(t, p.bytes(), nil, nil)
			if uint64(len(tr.ReturnData)) != size {
				t.Fatalf("%s of %d bytes returned %d", halt, size, len(tr.ReturnData))
			}
			s := tiny
			w := mustAssign(t, tr, s)
			accepts(t, s, w)
			if size%32 != 0 {
				// The partial word keeps exactly its first size%32 bytes.
				bad := mustAssign(t, tr, s)
				bad.RetRem = size%32 + 1
				bad.RetLen = size + 1
				recommit(bad)
				rejects(t, s, bad)
			}
		}
	}
}

// TestDifferentialUnalignedStore stores at every kind of unaligned offset
// over memory that already holds data, then returns both words.
func TestDifferentialUnalignedStore(t *testing.T) {
	s := Shape{Steps: 40, Code: 256, Calldata: 8, Stack: 8, Memory: 4, Storage: 1, Return: 3, Add: 2, Mul: 8, Bit: 1, Splice: 4}
	for _, j := range []uint64{1, 4, 15, 16, 17, 28, 31} {
		for _, v := range []*uint256.Int{uint256.NewInt(0x11), minus(1), pow2(255), u("73313977290722862211960389472412447364513629358097108823456291034811418632517")} {
			p := newProgram().push(minus(3)).pushU(0).op(vm.MSTORE).push(minus(5)).pushU(32).op(vm.MSTORE).
				pushN(32, v).pushU(j).op(vm.MSTORE).
				push(v).pushU(32 + j).op(vm.MSTORE). // a second store, into words 1 and 2
				pushU(96).pushU(0).op(vm.RETURN)
			tr := traceOf(t, p.bytes(), nil, nil)
			w := mustAssign(t, tr, s)
			if err := solve(t, s, w); err != nil {
				t.Fatalf("offset %d, value %s: the circuit refuses go-ethereum's trace: %v", j, v.Hex(), err)
			}
		}
	}
}

// TestDifferentialUnalignedLoad loads at every kind of unaligned offset
// across two words that hold data, and returns the value.
func TestDifferentialUnalignedLoad(t *testing.T) {
	s := Shape{Steps: 40, Code: 256, Calldata: 8, Stack: 8, Memory: 4, Storage: 1, Return: 1, Add: 1, Mul: 4, Bit: 1, Splice: 2}
	for _, j := range []uint64{1, 4, 15, 16, 17, 28, 31} {
		for _, words := range [][2]*uint256.Int{{minus(3), minus(5)}, {pow2(255), uint256.NewInt(1)}, {uint256.NewInt(0xabcdef), pow2(128)}} {
			p := newProgram().pushN(32, words[0]).pushU(0).op(vm.MSTORE).pushN(32, words[1]).pushU(32).op(vm.MSTORE).
				pushU(j).op(vm.MLOAD).returnTop()
			tr := traceOf(t, p.bytes(), nil, nil)
			w := mustAssign(t, tr, s)
			if err := solve(t, s, w); err != nil {
				t.Fatalf("offset %d over %s, %s: the circuit refuses go-ethereum's trace: %v", j, words[0].Hex(), words[1].Hex(), err)
			}
		}
	}
}

// TestDifferentialMstore8 writes single bytes at every position class of a
// word that already holds data, with values wider than a byte.
func TestDifferentialMstore8(t *testing.T) {
	s := Shape{Steps: 24, Code: 128, Calldata: 8, Stack: 8, Memory: 2, Storage: 1, Return: 1, Add: 1, Mul: 8, Bit: 1, Splice: 2}
	for _, j := range []uint64{0, 1, 15, 16, 30, 31} {
		for _, v := range []*uint256.Int{uint256.NewInt(0xab), uint256.NewInt(0x1ff), minus(1), uint256.NewInt(0)} {
			p := newProgram().push(minus(0x1234567)).pushU(0).op(vm.MSTORE).push(v).pushU(j).op(vm.MSTORE8).
				push(v).pushU(31 - j).op(vm.MSTORE8).pushU(32).pushU(0).op(vm.RETURN)
			tr := traceOf(t, p.bytes(), nil, nil)
			w := mustAssign(t, tr, s)
			if err := solve(t, s, w); err != nil {
				t.Fatalf("byte %d, value %s: the circuit refuses go-ethereum's trace: %v", j, v.Hex(), err)
			}
		}
	}
}

// TestDifferentialExp raises edge bases to exponents of up to 17 bits, 0
// and 1 included, and checks the circuit accepts go-ethereum's result.
func TestDifferentialExp(t *testing.T) {
	bases := []*uint256.Int{uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(2), uint256.NewInt(10), minus(1), pow2(128),
		u("73313977290722862211960389472412447364513629358097108823456291034811418632517")}
	exps := []*uint256.Int{uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(2), uint256.NewInt(18), uint256.NewInt(255), uint256.NewInt(256), uint256.NewInt(65537)}
	for _, e := range exps {
		p := newProgram()
		for _, base := range bases {
			p.pushN(32, e).pushN(32, base).op(vm.EXP, vm.POP)
		}
		p.op(vm.STOP)
		code := p.bytes()
		tr := traceOf(t, code, nil, nil)
		n := len(bases) * (e.BitLen() + 2)
		s := Shape{Steps: len(tr.Steps) + 2, Code: len(code) + 2, Calldata: 8, Stack: 8, Memory: 1, Storage: 1, Return: 1,
			Add: 1, Mul: 2*n + 1, Bit: 1, Splice: 1, Exp: n}
		w := mustAssign(t, tr, s)
		if err := solve(t, s, w); err != nil {
			t.Fatalf("exponent %s: the circuit refuses go-ethereum's trace: %v", e.Dec(), err)
		}
	}
}

// TestDifferentialModular runs ADDMOD and MULMOD over edge operands,
// moduli 0, 1, 2, 2^128+1, 2^256-1 and a large odd one included.
func TestDifferentialModular(t *testing.T) {
	moduli := []*uint256.Int{uint256.NewInt(0), uint256.NewInt(1), uint256.NewInt(7), new(uint256.Int).Add(pow2(128), uint256.NewInt(1)),
		minus(1), u("73313977290722862211960389472412447364513629358097108823456291034811418632517")}
	pairs := [][2]*uint256.Int{{minus(1), minus(1)}, {pow2(255), pow2(255)}, {uint256.NewInt(3), uint256.NewInt(5)}, {minus(7), uint256.NewInt(0)}}
	for _, op := range []vm.OpCode{vm.ADDMOD, vm.MULMOD} {
		p := newProgram()
		for _, n := range moduli {
			for _, pr := range pairs {
				p.pushN(32, n).pushN(32, pr[1]).pushN(32, pr[0]).op(op, vm.POP)
			}
		}
		p.op(vm.STOP)
		code := p.bytes()
		tr := traceOf(t, code, nil, nil)
		k := len(moduli) * len(pairs)
		s := Shape{Steps: len(tr.Steps) + k + 2, Code: len(code) + 2, Calldata: 8, Stack: 8, Memory: 1, Storage: 1, Return: 1,
			Add: 1, Mul: 4*k + 1, Bit: 1, Splice: 1, Mod: k}
		w := mustAssign(t, tr, s)
		if err := solve(t, s, w); err != nil {
			t.Fatalf("%s: the circuit refuses go-ethereum's trace: %v", op, err)
		}
	}
}

// TestDifferentialMsize reads MSIZE as aligned, byte and unaligned
// accesses grow memory, and as accesses below the top leave it.
func TestDifferentialMsize(t *testing.T) {
	s := Shape{Steps: 64, Code: 256, Calldata: 8, Stack: 16, Memory: 8, Storage: 1, Return: 1, Add: 1, Mul: 12, Bit: 1, Splice: 6, Msize: true}
	p := newProgram().op(vm.MSIZE).
		pushU(1).pushU(0x40).op(vm.MSTORE).op(vm.MSIZE).
		pushU(0x20).op(vm.MLOAD, vm.POP).op(vm.MSIZE).
		pushU(7).pushU(0x61).op(vm.MSTORE8).op(vm.MSIZE).
		pushU(9).pushU(0x85).op(vm.MSTORE).op(vm.MSIZE).
		pushU(0x21).op(vm.MLOAD, vm.POP).op(vm.MSIZE).
		op(vm.ADD, vm.ADD, vm.ADD, vm.ADD, vm.ADD).op(vm.STOP)
	tr := traceOf(t, p.bytes(), nil, nil)
	var sizes []uint64
	for i, st := range tr.Steps {
		if st.Op == vm.MSIZE {
			next := tr.Steps[i+1].Stack
			sizes = append(sizes, next[len(next)-1].Uint64())
		}
	}
	if len(sizes) != 6 || sizes[0] != 0 || sizes[1] != 0x60 || sizes[2] != 0x60 || sizes[3] != 0x80 || sizes[4] != 0xc0 || sizes[5] != 0xc0 {
		t.Fatalf("MSIZE read %x", sizes)
	}
	s.Add = 6
	w := mustAssign(t, tr, s)
	if err := solve(t, s, w); err != nil {
		t.Fatalf("the circuit refuses go-ethereum's trace: %v", err)
	}
	// Without the column, MSIZE is refused.
	s.Msize = false
	if _, err := Assign(tr, s); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Assign without Msize = %v, want ErrUnsupported", err)
	}
}

// TestDifferentialUnalignedReturn returns and reverts from unaligned
// offsets (the revert(0x1c, 4) idiom included) in a shape that splices
// return words, and checks shapes without it refuse them.
func TestDifferentialUnalignedReturn(t *testing.T) {
	s := Shape{Steps: 24, Code: 128, Calldata: 8, Stack: 8, Memory: 6, Storage: 1, Return: 3, Add: 1, Mul: 6, Bit: 1, Splice: 1, UnalignedReturn: true}
	for _, off := range []uint64{0, 1, 4, 28, 31, 33} {
		for _, size := range []uint64{0, 4, 32, 36, 64} {
			for _, halt := range []vm.OpCode{vm.RETURN, vm.REVERT} {
				p := newProgram().push(minus(3)).pushU(0).op(vm.MSTORE).push(minus(0x1234567)).pushU(32).op(vm.MSTORE).
					pushU(0xabcdef).pushU(64).op(vm.MSTORE).pushU(size).pushU(off).op(halt)
				tr := traceOf(t, p.bytes(), nil, nil)
				w := mustAssign(t, tr, s)
				if err := solve(t, s, w); err != nil {
					t.Fatalf("%s of %d bytes from %d: the circuit refuses go-ethereum's trace: %v", halt, size, off, err)
				}
				if off%32 != 0 {
					aligned := s
					aligned.UnalignedReturn = false
					if _, err := Assign(tr, aligned); !errors.Is(err, ErrUnsupported) {
						t.Fatalf("a shape without UnalignedReturn assigned an unaligned %s: %v", halt, err)
					}
				}
			}
		}
	}
}
