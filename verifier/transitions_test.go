package verifier

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// stack builds a trace stack, bottom first.
func stack(vs ...uint64) []uint256.Int {
	out := make([]uint256.Int, len(vs))
	for i, v := range vs {
		out[i].SetUint64(v)
	}
	return out
}

// TestSoundnessTransitions forges where the trace starts, ends and goes
// from row to row, each witness consistent but for the one rule it
// breaks: the trace starts active at pc 0 with an empty stack, runs
// without gaps, ends with a halt and nothing after it, keeps the stack
// height each family gives, and has one family per row.
func TestSoundnessTransitions(t *testing.T) {
	s := tiny
	s.Mul, s.Splice = 6, 3 // an unaligned MSTORE, and one more first word
	slot0 := common.Hash{}
	forty1 := common.BigToHash(big.NewInt(41))
	cases := []struct {
		name  string
		trace *trace.Trace     // assigned as it is (not run on go-ethereum)
		code  []byte           // or run on go-ethereum
		forge func(w *Circuit) // then changed
		steps int              // the forged witness's steps, if not s's
	}{
		{name: "a trace that starts past pc 0", trace: &trace.Trace{
			// STOP at 0, skipped: the store after it runs.
			Code: []byte{0x00, 0x60, 0x01, 0x5f, 0x55, 0x00},
			Steps: []trace.Step{{PC: 1, Op: vm.PUSH1}, {PC: 3, Op: vm.PUSH0, Stack: stack(1)},
				{PC: 4, Op: vm.SSTORE, Stack: stack(1, 0)}, {PC: 5, Op: vm.STOP}},
			Storage: []trace.StorageSlot{{Key: slot0, Initial: forty1, Final: common.BigToHash(big.NewInt(1))}},
		}},
		{name: "a trace that starts with items on the stack", trace: &trace.Trace{
			// SSTORE with nothing pushed: it would underflow.
			Code:    []byte{0x55, 0x00},
			Steps:   []trace.Step{{PC: 0, Op: vm.SSTORE, Stack: stack(0, 0)}, {PC: 1, Op: vm.STOP}},
			Storage: []trace.StorageSlot{{Key: slot0, Initial: forty1, Final: common.Hash{}}},
		}},
		{name: "a trace that never starts", code: []byte{0x5f, 0x5f, 0xfd}, forge: func(w *Circuit) {
			// The code reverts; an all-inactive trace claims it returned.
			idle := &assigner{s: s}
			for i := range w.Rows {
				w.Rows[i] = idle.idleRow(i)
			}
			for i := range w.StackEnd {
				w.StackEnd[i] = Cell{Hi: 0, Lo: 0, T: 0}
			}
		}},
		{name: "an active row after the end", code: []byte{0x00, 0x00}, forge: func(w *Circuit) {
			// STOP at 0, a gap, then STOP at 1.
			r := &w.Rows[2]
			r.Active, r.PC, r.Op = 1, 1, int(vm.STOP)
			r.setFamily(s, famStop)
		}},
		{name: "a step after the halt", code: []byte{0x5f, 0x50, 0x00, 0x5b, 0x00}, forge: func(w *Circuit) {
			// PUSH0 POP STOP, then JUMPDEST and STOP after it.
			for k, op := range []vm.OpCode{vm.JUMPDEST, vm.STOP} {
				r := &w.Rows[3+k]
				r.Active, r.PC, r.Op = 1, 3+k, int(op)
				r.setFamily(s, opcodes[op].fam)
			}
		}},
		{name: "a trace that ends without a halt", code: []byte{0x5f, 0x50, 0x00}, forge: func(w *Circuit) {
			w.Rows[2] = (&assigner{s: s}).idleRow(2)
		}},
		{name: "a full trace whose last row does not halt", code: []byte{0x5f, 0x50, 0x5f, 0x50, 0x00}, forge: func(w *Circuit) {
			// Five steps assigned, the STOP cut: four rows of a 4-step shape.
			w.Rows = w.Rows[:4]
		}, steps: 4},
		{name: "an unaligned MSTORE's second word without its first", code: []byte{0x60, 0x05, 0x60, 0x04, 0x52, 0x00}, forge: func(w *Circuit) {
			// PUSH1 5 PUSH1 4 MSTORE STOP: rows 0, 1, the two words (2, 3),
			// STOP (4). The first word's row goes; the second and the STOP
			// move up, and word 0 keeps its old value.
			at, idle := portTime, &assigner{s: s}
			moved := func(from, to int) Row { return movedRow(w, s, from, to) }
			hi := moved(3, 2)
			hi.R0 = ReadPort{Hi: w.Rows[3].R0.Hi, Lo: w.Rows[3].R0.Lo, PrevT: at(1, portW0)}
			hi.R1 = ReadPort{Hi: w.Rows[3].R1.Hi, Lo: w.Rows[3].R1.Lo, PrevT: at(0, portW0)}
			hi.Data = w.Rows[3].Data // word 1's first access
			w.Rows[2], w.Rows[3], w.Rows[4] = hi, moved(4, 3), idle.idleRow(4)
			w.StackEnd[1].T, w.StackEnd[0].T = at(2, portR0), at(2, portR1)
			w.MemEnd[0] = Cell{Hi: 0, Lo: 0, T: 0}
			w.MemEnd[1].T = at(2, portData)
			// The first word's splice entry and its two products go unused.
			w.Splice[0] = unusedSplice()
			w.Mul[0], w.Mul[1] = mulEntry(0, new(uint256.Int), new(uint256.Int), new(uint256.Int)), mulEntry(0, new(uint256.Int), new(uint256.Int), new(uint256.Int))
		}},
		{name: "an unaligned MSTORE's first word twice", code: []byte{0x60, 0x05, 0x60, 0x04, 0x52, 0x00}, forge: func(w *Circuit) {
			// The first word's row again (it writes the same word), then
			// the second word and the STOP, moved down.
			at := portTime
			moved := func(from, to int) Row { return movedRow(w, s, from, to) }
			lo, hi, stop := moved(2, 3), moved(3, 4), moved(4, 5)
			first := w.Rows[2]
			lo.R0 = ReadPort{Hi: first.R0.Hi, Lo: first.R0.Lo, PrevT: at(2, portR0)}
			lo.R1 = ReadPort{Hi: first.R1.Hi, Lo: first.R1.Lo, PrevT: at(2, portR1)}
			lo.Data = WritePort{Hi: first.Data.Hi, Lo: first.Data.Lo, OldHi: first.Data.Hi, OldLo: first.Data.Lo, PrevT: at(2, portData)}
			hi.R0 = ReadPort{Hi: first.R0.Hi, Lo: first.R0.Lo, PrevT: at(3, portR0)}
			hi.R1 = ReadPort{Hi: first.R1.Hi, Lo: first.R1.Lo, PrevT: at(3, portR1)}
			hi.Data = w.Rows[3].Data
			w.Rows[3], w.Rows[4], w.Rows[5] = lo, hi, stop
			w.StackEnd[1].T, w.StackEnd[0].T = at(4, portR0), at(4, portR1)
			w.MemEnd[0].T, w.MemEnd[1].T = at(3, portData), at(4, portData)
			// Its splice entry: the first's, from the word the first wrote.
			e := w.Splice[0]
			nb := wordBytes(e.New)
			old := new(uint256.Int).SetBytes32(nb[:])
			t := new(uint256.Int).Lsh(uint256.NewInt(1), 256-8*4)
			a0 := new(uint256.Int).Mod(old, t)
			e.Old, e.A0 = word(old), word(a0)
			w.Splice[2] = e
			w.Mul[4], w.Mul[5] = mulEntry(aluMod, old, t, a0), w.Mul[1]
		}},
		{name: "the stack height jumps", code: []byte{0x5f, 0x50, 0x00}, forge: func(w *Circuit) {
			w.Rows[2].SP = 3 // the STOP after PUSH0 POP
		}},
		{name: "two families on one row", code: []byte{0x5f, 0x5f, 0x5b, 0x5f, 0x5f, 0xfd}, forge: func(w *Circuit) {
			// The JUMPDEST before a REVERT flagged STOP and JUMPI (1 + 9,
			// the JUMPDEST family's number): it pops the two zeros as a
			// jump not taken and stops, where the code reverts.
			r := &w.Rows[2]
			r.setFamily(s, famStop)
			r.Flags[s.flagColumn(famJumpi)] = 1
			r.R0 = ReadPort{Hi: 0, Lo: 0, PrevT: portsPerRow*1 + portW0}
			r.R1 = ReadPort{Hi: 0, Lo: 0, PrevT: portsPerRow*0 + portW0}
			idle := &assigner{s: s}
			for i := 3; i < len(w.Rows); i++ {
				w.Rows[i] = idle.idleRow(i)
			}
			w.StackEnd[0].T, w.StackEnd[1].T = portsPerRow*2+portR1, portsPerRow*2+portR0
			for i := 2; i < len(w.StackEnd); i++ {
				w.StackEnd[i] = Cell{Hi: 0, Lo: 0, T: 0}
			}
		}},
		{name: "a PUSH17 pushing another high limb", code: append(append([]byte{byte(vm.PUSH17)}, make([]byte, 16)...), 7, 0x00), forge: func(w *Circuit) {
			w.Rows[0].W0.Hi = big.NewInt(1)
			w.StackEnd[0].Hi = big.NewInt(1)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := tc.trace
			if tr == nil {
				tr = traceOf(t, tc.code, nil, map[common.Hash]common.Hash{slot0: forty1})
			}
			w := mustAssign(t, tr, s)
			if tc.trace == nil {
				accepts(t, s, w)
			}
			if tc.forge != nil {
				tc.forge(w)
			}
			recommit(w)
			ws := s
			if tc.steps > 0 {
				ws.Steps = tc.steps
			}
			rejects(t, ws, w)
		})
	}
}

// portTime is the time of a port of a row.
func portTime(row, port int) int { return portsPerRow*row + port }

// movedRow is row from of w as row to: its step, with idle ports at its new
// times (the caller sets the ports it uses).
func movedRow(w *Circuit, s Shape, from, to int) Row {
	old, r := w.Rows[from], (&assigner{s: s}).idleRow(to)
	r.Active, r.PC, r.Op, r.SP, r.Aux, r.J, r.Flags = old.Active, old.PC, old.Op, old.SP, old.Aux, old.J, old.Flags
	return r
}
