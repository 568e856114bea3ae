package verifier

import (
	"github.com/consensys/gnark/test"
	"math/big"
	"slices"
	"testing"

	"github.com/consensys/gnark/frontend"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// The soundness tests change a correct witness and check that the circuit
// rejects it. Where they can, they forge the trace instead (a wrong value
// from one step on, carried consistently through the rest of the trace,
// the return data and the public commitment), so that only the constraint
// group under test can notice.

// cloneTrace deep-copies the stacks of a trace.
func cloneTrace(tr *trace.Trace) *trace.Trace {
	c := *tr
	c.Steps = make([]trace.Step, len(tr.Steps))
	for i, s := range tr.Steps {
		s.Stack = slices.Clone(s.Stack)
		c.Steps[i] = s
	}
	c.Code = slices.Clone(tr.Code)
	c.ReturnData = slices.Clone(tr.ReturnData)
	c.Storage = slices.Clone(tr.Storage)
	return &c
}

// forgeAt returns the trace in which the stack item at position pos, from
// step from on and until it leaves the stack, is forged instead of old,
// and any return-data word equal to old is forged too.
func forgeAt(t *testing.T, tr *trace.Trace, from, pos int, old, forged *uint256.Int) *trace.Trace {
	t.Helper()
	c := cloneTrace(tr)
	hit := false
	for j := from; j < len(c.Steps); j++ {
		st := c.Steps[j].Stack
		if len(st) <= pos {
			break
		}
		if !st[pos].Eq(old) {
			break
		}
		st[pos] = *forged
		hit = true
	}
	if !hit {
		t.Fatalf("forgeAt: %s not found at position %d from step %d", old.Dec(), pos, from)
	}
	ob, fb := old.Bytes32(), forged.Bytes32()
	for k := 0; k+32 <= len(c.ReturnData); k += 32 {
		if [32]byte(c.ReturnData[k:k+32]) == ob {
			copy(c.ReturnData[k:], fb[:])
		}
	}
	return c
}

// stepOf is the index of the first step running op.
func stepOf(t *testing.T, tr *trace.Trace, op vm.OpCode) int {
	t.Helper()
	for i, s := range tr.Steps {
		if s.Op == op {
			return i
		}
	}
	t.Fatalf("no %s in the trace", op)
	return 0
}

// forgeResult forges the value op pushes, from the step after it.
func forgeResult(t *testing.T, tr *trace.Trace, op vm.OpCode, delta int64) *trace.Trace {
	t.Helper()
	k := stepOf(t, tr, op) + 1
	st := tr.Steps[k].Stack
	pos := len(st) - 1
	old := st[pos]
	forged := new(uint256.Int).Add(&old, uint256.NewInt(uint64(delta)))
	return forgeAt(t, tr, k, pos, &old, forged)
}

func mustAssign(t *testing.T, tr *trace.Trace, s Shape) *Circuit {
	t.Helper()
	w, err := Assign(tr, s)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// recommit recomputes the public commitment of a changed witness, so the
// change is not merely caught by the public-input hash.
func recommit(w *Circuit) {
	reverted := false
	for _, r := range w.Rows {
		if r.family(w.shape) == famRevert {
			reverted = true
		}
	}
	w.Commitment = commitmentOf(witnessElements(&w.FrameWitness, reverted))
}

func rejects(t *testing.T, s Shape, w *Circuit, opts ...test.TestEngineOption) {
	t.Helper()
	err := solve(t, s, w, opts...)
	if err == nil {
		t.Fatal("the circuit accepted the changed witness")
	}
	t.Log(err)
}

func accepts(t *testing.T, s Shape, w *Circuit) {
	t.Helper()
	if err := solve(t, s, w); err != nil {
		t.Fatalf("the circuit rejected the correct witness: %v", err)
	}
}

// TestSoundnessForgedResults forges the value one opcode pushes and
// carries it through the rest of the trace: each family's own constraint
// must reject it.
func TestSoundnessForgedResults(t *testing.T) {
	input := common.FromHex("00000000000000000000000000000000000000000000000000000000000000aa")
	slots := map[common.Hash]common.Hash{common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(5))}
	cases := []struct {
		name  string // the constraint group
		prog  *program
		op    vm.OpCode
		delta int64
	}{
		{"addition table: ADD", newProgram().pushU(2).pushU(3).op(vm.ADD), vm.ADD, 1},
		{"addition table: SUB", newProgram().pushU(3).pushU(10).op(vm.SUB), vm.SUB, 1},
		{"addition table: LT", newProgram().pushU(2).pushU(1).op(vm.LT), vm.LT, -1},
		{"addition table: SLT sign", newProgram().pushU(1).push(minus(1)).op(vm.SLT), vm.SLT, -1},
		{"addition table: EQ", newProgram().pushU(4).pushU(4).op(vm.EQ), vm.EQ, -1},
		{"addition table: ISZERO", newProgram().pushU(0).op(vm.ISZERO), vm.ISZERO, -1},
		{"addition table: NOT", newProgram().pushU(0x0f).op(vm.NOT), vm.NOT, -1},
		{"multiplication table: MUL", newProgram().pushU(6).pushU(7).op(vm.MUL), vm.MUL, 1},
		{"multiplication table: DIV", newProgram().pushU(7).pushU(50).op(vm.DIV), vm.DIV, 1},
		{"multiplication table: MOD", newProgram().pushU(7).pushU(50).op(vm.MOD), vm.MOD, 1},
		{"multiplication table: SHL", newProgram().pushU(0x0f).pushU(4).op(vm.SHL), vm.SHL, 1},
		{"multiplication table: SHR", newProgram().pushU(0xf0).pushU(4).op(vm.SHR), vm.SHR, 1},
		{"multiplication table: SAR of a negative value", newProgram().push(minus(0x100)).pushU(4).op(vm.SAR), vm.SAR, 1},
		{"multiplication table: BYTE", newProgram().pushU(0xabcd).pushU(30).op(vm.BYTE), vm.BYTE, 1},
		{"multiplication table: SDIV of differing signs", newProgram().pushU(7).push(minus(50)).op(vm.SDIV), vm.SDIV, 1},
		{"multiplication table: SMOD of a negative value", newProgram().pushU(7).push(minus(50)).op(vm.SMOD), vm.SMOD, 1},
		{"modulo table: ADDMOD", newProgram().pushU(7).pushU(5).pushU(4).op(vm.ADDMOD), vm.ADDMOD, 1},
		{"modulo table: MULMOD over 2^256", newProgram().push(minus(3)).push(minus(1)).push(minus(1)).op(vm.MULMOD), vm.MULMOD, 1},
		{"modulo table: MULMOD by zero", newProgram().pushU(0).pushU(5).pushU(4).op(vm.MULMOD), vm.MULMOD, 1},
		{"exponentiation table: EXP", newProgram().pushU(5).pushU(3).op(vm.EXP), vm.EXP, 1},
		{"exponentiation table: EXP with a zero exponent", newProgram().pushU(0).pushU(3).op(vm.EXP), vm.EXP, 1},
		{"multiplication table: SIGNEXTEND", newProgram().pushU(0x80).pushU(0).op(vm.SIGNEXTEND), vm.SIGNEXTEND, 1},
		{"bitwise table: AND", newProgram().pushU(0x0f).pushU(0x3c).op(vm.AND), vm.AND, 1},
		{"bitwise table: XOR", newProgram().pushU(0x0f).pushU(0x3c).op(vm.XOR), vm.XOR, 1},
		{"PUSH immediate", newProgram().pushN(2, uint256.NewInt(0x1234)), vm.PUSH2, 1},
		{"DUP", newProgram().pushU(0x77).op(vm.DUP1), vm.DUP1, 1},
		{"SWAP", newProgram().pushU(0x11).pushU(0x22).op(vm.SWAP1), vm.SWAP1, 1},
		{"memory: MLOAD reads the last MSTORE", newProgram().pushU(0x2a).pushU(0x20).op(vm.MSTORE).pushU(0x20).op(vm.MLOAD), vm.MLOAD, 1},
		{"memory: MLOAD of untouched memory is zero", newProgram().pushU(0x20).op(vm.MLOAD), vm.MLOAD, 1},
		{"storage: SLOAD reads the initial value", newProgram().pushU(1).op(vm.SLOAD), vm.SLOAD, 1},
		{"storage: SLOAD reads the last SSTORE", newProgram().pushU(9).pushU(1).op(vm.SSTORE).pushU(1).op(vm.SLOAD), vm.SLOAD, 1},
		{"calldata: CALLDATALOAD", newProgram().pushU(0).op(vm.CALLDATALOAD), vm.CALLDATALOAD, 1},
		{"calldata: CALLDATASIZE", newProgram().op(vm.CALLDATASIZE), vm.CALLDATASIZE, 1},
		{"environment: CALLER", newProgram().op(vm.CALLER), vm.CALLER, 1},
		{"environment: CALLVALUE", newProgram().op(vm.CALLVALUE), vm.CALLVALUE, 1},
		{"environment: CODESIZE", newProgram().op(vm.CODESIZE), vm.CODESIZE, 1},
		{"PC", newProgram().pushU(0).op(vm.POP, vm.PC), vm.PC, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tr := traceOf(t, tc.prog.returnTop().bytes(), input, slots)
			s := tiny
			if tc.op == vm.EXP {
				s.Exp, s.Mul = 6, 8
			}
			if tc.op == vm.ADDMOD || tc.op == vm.MULMOD {
				s.Mod, s.Mul, s.Code = 1, 6, 128
			}
			accepts(t, s, mustAssign(t, tr, s))
			rejects(t, s, mustAssign(t, forgeResult(t, tr, tc.op, tc.delta), s))
		})
	}
}

// TestSoundnessControlFlow covers jumps, the opcode lookup and the number
// of steps.
func TestSoundnessControlFlow(t *testing.T) {
	jumpProg := newProgram().pushLabel("dest").op(vm.JUMP, vm.INVALID).label("dest").pushU(0x77).returnTop()
	t.Run("jump to a pc that is not a JUMPDEST", func(t *testing.T) {
		code := jumpProg.bytes()
		tr := traceOf(t, code, nil, nil)
		accepts(t, tiny, mustAssign(t, tr, tiny))
		// Jump one byte further, past the JUMPDEST, straight to PUSH1 5:
		// the code's immediate, the stack and the trace all agree.
		forged := cloneTrace(tr)
		dest := int(forged.Code[2])
		forged.Code[2]++
		for j := range forged.Steps {
			for k := range forged.Steps[j].Stack {
				if forged.Steps[j].Stack[k].Eq(uint256.NewInt(uint64(dest))) {
					forged.Steps[j].Stack[k].SetUint64(uint64(dest + 1))
				}
			}
		}
		jd := stepOf(t, forged, vm.JUMPDEST)
		forged.Steps = slices.Delete(forged.Steps, jd, jd+1)
		rejects(t, tiny, mustAssign(t, forged, tiny))
	})
	t.Run("jump into PUSH data", func(t *testing.T) {
		// PUSH2 0x5b5b at pc 4 holds JUMPDEST bytes as data, at pcs 5 and 6,
		// right before the real JUMPDEST at pc 7. Jumping to pc 5 would run
		// JUMPDEST, JUMPDEST and reach pc 7 the same way: only the
		// jump-destination table can tell data from code.
		p := newProgram().pushLabel("real").op(vm.JUMP).pushN(2, uint256.NewInt(0x5b5b)).label("real").pushU(0x77).returnTop()
		tr := traceOf(t, p.bytes(), nil, nil)
		accepts(t, tiny, mustAssign(t, tr, tiny))
		jd := stepOf(t, tr, vm.JUMPDEST)
		if tr.Steps[jd].PC != 7 || tr.Code[4] != byte(vm.PUSH2) {
			t.Fatalf("layout changed: JUMPDEST at %d", tr.Steps[jd].PC)
		}
		forged := cloneTrace(tr)
		forged.Code[2] = 5
		forged.Steps[jd-1].Stack[0].SetUint64(5) // JUMP's target
		data := []trace.Step{forged.Steps[jd], forged.Steps[jd]}
		data[0].PC, data[1].PC = 5, 6
		forged.Steps = slices.Insert(forged.Steps, jd, data...)
		rejects(t, tiny, mustAssign(t, forged, tiny))
	})
	t.Run("JUMPI taken with a zero condition", func(t *testing.T) {
		p := newProgram().pushU(0).pushLabel("skip").op(vm.JUMPI).pushU(1).returnTop().label("skip").pushU(2).returnTop()
		tr := traceOf(t, p.bytes(), nil, nil)
		w := mustAssign(t, tr, tiny)
		accepts(t, tiny, w)
		k := stepOf(t, tr, vm.JUMPI)
		w.Rows[k].R1.Lo = 1 // claim the condition was 1 while pc falls through
		rejects(t, tiny, w)
	})
	t.Run("opcode at pc", func(t *testing.T) {
		tr := traceOf(t, newProgram().pushU(2).pushU(3).op(vm.ADD).returnTop().bytes(), nil, nil)
		forged := cloneTrace(tr)
		forged.Code[stepOfPC(t, tr, vm.ADD)] = byte(vm.SUB) // the code says SUB, the trace ran ADD
		rejects(t, tiny, mustAssign(t, forged, tiny))
	})
	t.Run("number of steps: one step dropped", func(t *testing.T) {
		tr := traceOf(t, newProgram().pushU(1).returnTop().bytes(), nil, nil)
		w := mustAssign(t, tr, tiny)
		last := &w.Rows[len(tr.Steps)-1]
		last.Active = 0
		for f := range last.Flags {
			last.Flags[f] = 0
		}
		rejects(t, tiny, w)
	})
	t.Run("number of steps: a step after the halt", func(t *testing.T) {
		tr := traceOf(t, newProgram().pushU(1).returnTop().bytes(), nil, nil)
		w := mustAssign(t, tr, tiny)
		extra := &w.Rows[len(tr.Steps)]
		extra.Active, extra.Op = 1, int(vm.JUMPDEST)
		extra.setFamily(tiny, famJumpdest)
		rejects(t, tiny, w)
	})
}

func stepOfPC(t *testing.T, tr *trace.Trace, op vm.OpCode) int {
	return int(tr.Steps[stepOf(t, tr, op)].PC)
}

// TestSoundnessWitness changes single witness values the forged traces do
// not reach: final cells, access times, written values, public values.
func TestSoundnessWitness(t *testing.T) {
	slots := map[common.Hash]common.Hash{common.BigToHash(big.NewInt(1)): common.BigToHash(big.NewInt(5))}
	prog := newProgram().pushU(1).op(vm.SLOAD).pushU(2).op(vm.SLOAD, vm.ADD).pushU(2).op(vm.SSTORE).
		pushU(0x2a).pushU(0x20).op(vm.MSTORE).pushU(0x20).op(vm.MLOAD).returnTop()
	tr := traceOf(t, prog.bytes(), nil, slots)
	base := mustAssign(t, tr, tiny)
	accepts(t, tiny, base)
	mstore := stepOf(t, tr, vm.MSTORE)
	add := stepOf(t, tr, vm.ADD)
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"stack: a final cell", func(w *Circuit) { w.StackEnd[0].Lo = 12345 }},
		{"stack: the time of a read", func(w *Circuit) { w.Rows[add].R0.PrevT = portsPerRow*add + portR0 - 1 }},
		{"stack: a read value", func(w *Circuit) { w.Rows[add].R1.Lo = 6; w.Add[0].B.Lo = 6; w.Add[0].C.Lo = 12 }},
		{"memory: the value MSTORE writes", func(w *Circuit) { w.Rows[mstore].Data.Lo = 0x2b }},
		{"memory: a final word", func(w *Circuit) { w.MemEnd[1].Lo = 0x2b }},
		{"storage: a final value", func(w *Circuit) { w.Storage[1].FinalLo = 7; recommit(w) }},
		{"storage: an initial value", func(w *Circuit) { w.Storage[0].InitLo = 6; recommit(w) }},
		{"storage: keys out of order", func(w *Circuit) { w.Storage[0], w.Storage[1] = w.Storage[1], w.Storage[0]; recommit(w) }},
		{"return data", func(w *Circuit) { w.Return[0].Lo = 0x2b; recommit(w) }},
		{"return offset", func(w *Circuit) { w.RetOff = 1; recommit(w) }},
		{"public input", func(w *Circuit) { w.Commitment = new(big.Int).Add(w.Commitment.(*big.Int), big.NewInt(1)) }},
		{"code byte", func(w *Circuit) { w.Code[1] = 2; recommit(w) }},
		{"ALU bus: an entry for other operands", func(w *Circuit) {
			w.Add[0] = addEntry(aluAdd, uint256.NewInt(1), uint256.NewInt(1), uint256.NewInt(2))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := traceOf(t, prog.bytes(), nil, slots)
			w := mustAssign(t, tr, tiny)
			tc.change(w)
			rejects(t, tiny, w)
		})
	}
	t.Run("bitwise table: a multiplicity", func(t *testing.T) {
		tr := traceOf(t, newProgram().pushU(0x0f).pushU(0x3c).op(vm.AND).returnTop().bytes(), nil, nil)
		w := mustAssign(t, tr, tiny)
		accepts(t, tiny, w)
		w.BitCounts[bitTableIndex(aluAnd, 0xc, 0xf)] = 2
		rejects(t, tiny, w)
	})
	t.Run("memory: an unaligned offset", func(t *testing.T) {
		// MSTORE at 0x20, then MLOAD at 0x21 claiming the stored word: the
		// code, the stack and the loaded value agree; no memory cell is
		// named 0x21.
		tr := traceOf(t, newProgram().pushU(0x2a).pushU(0x20).op(vm.MSTORE).pushU(0x20).op(vm.MLOAD).returnTop().bytes(), nil, nil)
		k := stepOf(t, tr, vm.MLOAD)
		forged := forgeAt(t, tr, k, len(tr.Steps[k].Stack)-1, uint256.NewInt(0x20), uint256.NewInt(0x21))
		forged.Code[tr.Steps[k-1].PC+1] = 0x21
		w := mustAssign(t, tr, tiny) // the aligned original
		accepts(t, tiny, w)
		w2, err := Assign(forged, tiny)
		if err == nil {
			rejects(t, tiny, w2)
			return
		}
		// Assign refuses the unaligned load itself; build the witness by
		// hand from the aligned one: R0 and the PUSH immediate say 0x21.
		w.Code[tr.Steps[k-1].PC+1] = 0x21
		w.Rows[k-1].W0.Lo = 0x21
		w.Rows[k].R0.Lo = 0x21
		recommit(w)
		rejects(t, tiny, w)
	})
	t.Run("calldata: a byte", func(t *testing.T) {
		input := common.FromHex("00000000000000000000000000000000000000000000000000000000000000aa")
		tr := traceOf(t, newProgram().pushU(0).op(vm.CALLDATALOAD).returnTop().bytes(), input, nil)
		w := mustAssign(t, tr, tiny)
		w.Calldata[31] = 0xab
		recommit(w)
		rejects(t, tiny, w)
	})
}

// TestSoundnessSignedDivision reaches the constraints inside SDIV: a
// result wrong only in its high limb, and a consistent division of a wrong
// |A| (off by 2^128), which only the absolute-value check can refuse.
func TestSoundnessSignedDivision(t *testing.T) {
	prog := newProgram().pushU(7).push(minus(50)).op(vm.SDIV).returnTop()
	tr := traceOf(t, prog.bytes(), nil, nil)
	accepts(t, tiny, mustAssign(t, tr, tiny))
	k := stepOf(t, tr, vm.SDIV) + 1
	pos := len(tr.Steps[k].Stack) - 1
	result := tr.Steps[k].Stack[pos] // -7

	t.Run("high limb of the negated quotient", func(t *testing.T) {
		forged := new(uint256.Int).Sub(&result, pow2(128))
		rejects(t, tiny, mustAssign(t, forgeAt(t, tr, k, pos, &result, forged), tiny))
	})
	t.Run("absolute value of A", func(t *testing.T) {
		// |A| claimed 2^128 + 50: quotient q = (2^128+50)/7, result -q.
		wrongAbs := new(uint256.Int).Add(pow2(128), uint256.NewInt(50))
		q := new(uint256.Int).Div(wrongAbs, uint256.NewInt(7))
		claimed := new(uint256.Int).Neg(q)
		w := mustAssign(t, forgeAt(t, tr, k, pos, &result, claimed), tiny)
		e := mulEntry(aluDiv, wrongAbs, uint256.NewInt(7), q) // a consistent division of the wrong |A|
		zeros(e.Flags[:])
		e.Flags[aluSdiv-mulFirst] = 1
		a := minus(50)
		e.A, e.C = word(a), word(claimed)
		e.A5, e.A3 = a[0]&31, (a[0]>>5)&7
		e.ARest = new(big.Int).Rsh(new(big.Int).SetBytes(bytesLo(a)), 8)
		e.SA, e.SB, e.CA = 1, 0, 1
		lo := new(big.Int).Add(new(big.Int).SetBytes(bytesLo(claimed)), new(big.Int).SetBytes(bytesLo(q)))
		e.N1 = new(big.Int).Rsh(lo, 128)
		e.N2 = new(big.Int).Rsh(new(big.Int).Add(claimed.ToBig(), q.ToBig()), 256)
		w.Mul[0] = e
		rejects(t, tiny, w)
	})
}

// TestSoundnessUnalignedStore changes single values of an unaligned store.
func TestSoundnessUnalignedStore(t *testing.T) {
	s := Shape{Steps: 24, Code: 96, Calldata: 8, Stack: 8, Memory: 4, Storage: 1, Return: 2, Add: 2, Mul: 4, Bit: 1, Splice: 2}
	prog := newProgram().push(minus(5)).pushU(0).op(vm.MSTORE).pushU(0x1122).pushU(4).op(vm.MSTORE).pushU(64).pushU(0).op(vm.RETURN)
	tr := traceOf(t, prog.bytes(), nil, nil)
	accepts(t, s, mustAssign(t, tr, s))
	k := 0
	for i, st := range tr.Steps {
		if st.Op == vm.MSTORE && st.Stack[len(st.Stack)-1].Uint64() == 4 {
			k = i // rows and steps coincide up to the unaligned store
		}
	}
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"the byte position J", func(w *Circuit) { w.Rows[k].J = 5 }},
		{"the first word's new value", func(w *Circuit) { w.Rows[k].Data.Lo = 7 }},
		{"the second word's new value", func(w *Circuit) { w.Rows[k+1].Data.Hi = 7 }},
		{"the shifted value in the splice entry", func(w *Circuit) {
			e := &w.Splice[0]
			e.R.Lo = new(big.Int).Add(e.R.Lo.(*big.Int), big.NewInt(1))
			e.New.Lo = new(big.Int).Add(e.New.Lo.(*big.Int), big.NewInt(1))
			w.Rows[k].Data.Lo = e.New.Lo
		}},
		{"a first row without its second", func(w *Circuit) {
			w.Rows[k+1].setFamily(s, famMstore)
			w.Rows[k+1].J = 0
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := mustAssign(t, tr, s)
			tc.change(w)
			rejects(t, s, w)
		})
	}
}

// TestSoundnessUnalignedLoad changes the value an unaligned MLOAD pushes,
// consistently in its row, the splice entry and the rest of the trace.
func TestSoundnessUnalignedLoad(t *testing.T) {
	s := Shape{Steps: 24, Code: 96, Calldata: 8, Stack: 8, Memory: 4, Storage: 1, Return: 1, Add: 1, Mul: 4, Bit: 1, Splice: 2}
	prog := newProgram().push(minus(3)).pushU(0).op(vm.MSTORE).pushU(0x77).pushU(32).op(vm.MSTORE).pushU(4).op(vm.MLOAD).returnTop()
	tr := traceOf(t, prog.bytes(), nil, nil)
	base := mustAssign(t, tr, s)
	accepts(t, s, base)
	k := stepOf(t, tr, vm.MLOAD) // its first row; rows and steps coincide before it
	t.Run("the loaded value", func(t *testing.T) {
		w := mustAssign(t, tr, s)
		bump := func(x frontend.Variable) *big.Int { return new(big.Int).Add(x.(*big.Int), big.NewInt(1)) }
		v := bump(w.Rows[k+1].W0.Lo)
		w.Rows[k+1].W0.Lo = v // the value pushed
		w.Splice[1].C.Lo = v
		w.Rows[k+3].R1.Lo = v // MSTORE reads it (PUSH 0 came between)
		w.Rows[k+3].Data.Lo = v
		w.Rows[k+4].W0.OldLo = v // PUSH1 32 then overwrites its cell
		w.MemEnd[0].Lo = v
		w.Return[0].Lo = v
		recommit(w)
		rejects(t, s, w)
	})
	t.Run("the byte position J", func(t *testing.T) {
		w := mustAssign(t, tr, s)
		w.Rows[k+1].J = 5
		rejects(t, s, w)
	})
}

// TestSoundnessMstore8 changes the byte an MSTORE8 writes, consistently in
// its row, the splice entry and memory.
func TestSoundnessMstore8(t *testing.T) {
	s := Shape{Steps: 24, Code: 96, Calldata: 8, Stack: 8, Memory: 2, Storage: 1, Return: 1, Add: 1, Mul: 4, Bit: 1, Splice: 1}
	prog := newProgram().pushU(0xab).pushU(3).op(vm.MSTORE8).pushU(32).pushU(0).op(vm.RETURN)
	tr := traceOf(t, prog.bytes(), nil, nil)
	accepts(t, s, mustAssign(t, tr, s))
	k := stepOf(t, tr, vm.MSTORE8)
	w := mustAssign(t, tr, s)
	forged := new(big.Int).Add(w.Rows[k].Data.Hi.(*big.Int), new(big.Int).Lsh(big.NewInt(1), 128-8*4)) // byte 3 + 1
	w.Rows[k].Data.Hi = forged
	w.Splice[0].New.Hi = forged
	w.MemEnd[0].Hi = forged
	w.Return[0].Hi = forged
	recommit(w)
	rejects(t, s, w)
}

// TestSoundnessExpChain forges an EXP result and a tail that agrees with
// it: only the chain of states can notice no step led there.
func TestSoundnessExpChain(t *testing.T) {
	s := tiny
	s.Exp, s.Mul = 6, 8
	tr := traceOf(t, newProgram().pushU(5).pushU(3).op(vm.EXP).returnTop().bytes(), nil, nil)
	accepts(t, s, mustAssign(t, tr, s))
	w := mustAssign(t, forgeResult(t, tr, vm.EXP, 1), s)
	var tail *ExpEntry
	for i := range w.Exp {
		if f, ok := w.Exp[i].Flags[2].(int); ok && f == 1 {
			tail = &w.Exp[i]
		}
	}
	if tail == nil {
		t.Fatal("no tail entry")
	}
	tail.Acc = tail.C // the tail now checks out; its state was never given
	rejects(t, s, w)
}

// TestSoundnessModularLink re-pairs the rows of two MULMODs: the first's
// operands with the second's modulus, so the second pushes (3·5) mod 11 =
// 4 instead of (2·4) mod 11 = 8, every table entry consistent. Only the
// row link (J is the first row's index) can refuse it.
func TestSoundnessModularLink(t *testing.T) {
	s := tiny
	s.Mod, s.Mul, s.Steps, s.Code = 2, 8, 32, 128
	prog := newProgram().pushU(7).pushU(5).pushU(3).op(vm.MULMOD).pushU(11).pushU(4).pushU(2).op(vm.MULMOD).op(vm.ADD).returnTop()
	tr := traceOf(t, prog.bytes(), nil, nil)
	accepts(t, s, mustAssign(t, tr, s))
	second := 0
	for i, st := range tr.Steps {
		if st.Op == vm.MULMOD {
			second = i
		}
	}
	k := second + 1
	pos := len(tr.Steps[k].Stack) - 1
	eight := tr.Steps[k].Stack[pos]
	forgedTrace := forgeAt(t, tr, k, pos, &eight, uint256.NewInt(4))
	add := stepOf(t, forgedTrace, vm.ADD) + 1
	nine := forgedTrace.Steps[add].Stack[len(forgedTrace.Steps[add].Stack)-1]
	forgedTrace = forgeAt(t, forgedTrace, add, len(forgedTrace.Steps[add].Stack)-1, &nine, uint256.NewInt(5)) // 1 + 4
	w := mustAssign(t, forgedTrace, s)
	l1, l2 := w.Mod[0].L.(int), w.Mod[1].L.(int)
	e1, m1, _ := modEntry(true, uint256.NewInt(3), uint256.NewInt(5), uint256.NewInt(11), l1)
	e2, m2, _ := modEntry(true, uint256.NewInt(2), uint256.NewInt(4), uint256.NewInt(7), l2)
	w.Mod[0], w.Mod[1] = e1, e2
	for i, m := range append(m1, m2...) {
		w.Mul[i] = m
	}
	w.Rows[l1+1].J = l2 // the first MULMOD's second row now claims the second's first
	w.Rows[l2+1].J = l1
	rejects(t, s, w)
}

// TestSoundnessMsize forges the value MSIZE pushes, a memory row whose
// growth is not recorded, and growth beyond what a memory row asks for or
// on a row that touches no memory.
func TestSoundnessMsize(t *testing.T) {
	s := tiny
	s.Msize = true
	prog := newProgram().pushU(1).pushU(0x20).op(vm.MSTORE).pushU(0).op(vm.POP, vm.MSIZE).returnTop()
	tr := traceOf(t, prog.bytes(), nil, nil)
	accepts(t, s, mustAssign(t, tr, s))
	rejects(t, s, mustAssign(t, forgeResult(t, tr, vm.MSIZE, 32), s))
	k := stepOf(t, tr, vm.MSTORE)
	m := stepOf(t, tr, vm.MSIZE)
	// size claims the MSIZE row's memory size from row from on, and MSIZE
	// pushes it.
	size := func(from int, words int) *Circuit {
		w := mustAssign(t, tr, s)
		for i := from; i < len(w.Rows); i++ {
			w.Rows[i].MSz = words
		}
		v := 32 * words
		w.Rows[m].W0.Lo = v
		w.Rows[m+2].R1.Lo = v // returnTop's MSTORE reads it
		w.Rows[m+2].Data.Lo = v
		w.MemEnd[0].Lo = v
		w.Return[0].Lo = v
		w.Rows[m+3].W0.OldLo = v // PUSH1 32 overwrites its cell
		recommit(w)
		return w
	}
	t.Run("the store's growth not recorded", func(t *testing.T) { rejects(t, s, size(k+1, 0)) })
	t.Run("a store growing memory too far", func(t *testing.T) { rejects(t, s, size(k+1, 5)) })
	t.Run("a PUSH growing memory", func(t *testing.T) { rejects(t, s, size(k+2, 5)) })
}

// TestSoundnessUnalignedReturn changes the spliced head of a returned word
// (and the return data with it): the shift through the multiplication
// table refuses it.
func TestSoundnessUnalignedReturn(t *testing.T) {
	s := Shape{Steps: 24, Code: 128, Calldata: 8, Stack: 8, Memory: 4, Storage: 1, Return: 2, Add: 1, Mul: 4, Bit: 1, Splice: 1, UnalignedReturn: true}
	prog := newProgram().pushU(0x4e487b71).pushU(0).op(vm.MSTORE).pushU(4).pushU(0x1c).op(vm.REVERT)
	tr := traceOf(t, prog.bytes(), nil, nil)
	if !tr.Reverted || len(tr.ReturnData) != 4 {
		t.Fatalf("reverted %v with %x", tr.Reverted, tr.ReturnData)
	}
	accepts(t, s, mustAssign(t, tr, s))
	w := mustAssign(t, tr, s)
	w.RetShl[0].Hi = new(big.Int).Add(w.RetShl[0].Hi.(*big.Int), new(big.Int).Lsh(big.NewInt(1), 120)) // the first returned byte + 1
	w.RetPart[0] = w.RetPart[0].(int) + 1
	w.Return[0].Hi = new(big.Int).Add(w.Return[0].Hi.(*big.Int), new(big.Int).Lsh(big.NewInt(1), 120))
	recommit(w)
	rejects(t, s, w)
}
