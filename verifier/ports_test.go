package verifier

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// TestSoundnessPorts changes what a row writes, or the high limb of what
// it reads, where only the row's own family constraint ties it: loads that
// change the word they load, stores that write another value than the one
// they pop, SWAP's second write, offsets, sizes and jump targets of 2^128
// and more, and return data after STOP. Each change is carried to the
// final memory, storage and stack, so nothing else can catch it.
func TestSoundnessPorts(t *testing.T) {
	slots := map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))}
	x := Word{Hi: big.NewInt(0x77), Lo: big.NewInt(5)} // 5 with another high limb
	y := Word{Hi: big.NewInt(0), Lo: big.NewInt(0x78)} // 5 with another low limb
	wide := func(v uint64) *uint256.Int { return uint256.NewInt(v) }
	// setHi makes the PUSH17 at row k push 2^128·hi + its low limb.
	setHi := func(w *Circuit, k int, hi int64) {
		r := &w.Rows[k]
		w.Code[r.PC.(int)+1] = int(hi)
		r.W0.Hi = big.NewInt(hi)
	}
	cases := []struct {
		name  string
		prog  *program
		op    vm.OpCode
		forge func(w *Circuit, k int)
	}{
		{"an MLOAD writing another high limb", newProgram().pushU(5).pushU(0).op(vm.MSTORE).pushU(0).op(vm.MLOAD, vm.STOP), vm.MLOAD,
			func(w *Circuit, k int) { loadWrites(w, k, x, &w.MemEnd[0]) }},
		{"an MLOAD writing another low limb", newProgram().pushU(5).pushU(0).op(vm.MSTORE).pushU(0).op(vm.MLOAD, vm.STOP), vm.MLOAD,
			func(w *Circuit, k int) { loadWrites(w, k, y, &w.MemEnd[0]) }},
		{"an SLOAD writing its slot", newProgram().pushU(0).op(vm.SLOAD, vm.STOP), vm.SLOAD, func(w *Circuit, k int) {
			var end Cell
			loadWrites(w, k, y, &end)
			w.Storage[0].FinalHi, w.Storage[0].FinalLo = end.Hi, end.Lo
		}},
		{"an MSTORE writing another high limb", newProgram().pushU(5).pushU(0).op(vm.MSTORE, vm.STOP), vm.MSTORE, func(w *Circuit, k int) {
			w.Rows[k].Data.Hi, w.Rows[k].Data.Lo = x.Hi, x.Lo
			w.MemEnd[0].Hi, w.MemEnd[0].Lo = x.Hi, x.Lo
		}},
		{"an SSTORE writing another low limb", newProgram().pushU(5).pushU(0).op(vm.SSTORE, vm.STOP), vm.SSTORE, func(w *Circuit, k int) {
			w.Rows[k].Data.Hi, w.Rows[k].Data.Lo = y.Hi, y.Lo
			w.Storage[0].FinalHi, w.Storage[0].FinalLo = y.Hi, y.Lo
		}},
		{"SWAP's second write, high limb", newProgram().pushU(1).pushU(5).op(vm.SWAP1, vm.STOP), vm.SWAP1, func(w *Circuit, k int) {
			w.Rows[k].W1.Hi = x.Hi
			w.StackEnd[0].Hi = x.Hi
		}},
		{"SWAP's second write, low limb", newProgram().pushU(1).pushU(5).op(vm.SWAP1, vm.STOP), vm.SWAP1, func(w *Circuit, k int) {
			w.Rows[k].W1.Lo = y.Lo
			w.StackEnd[0].Lo = y.Lo
		}},
		{"CALLDATALOAD at 2^128 + 3 reading from 3", newProgram().pushN(17, wide(3)).op(vm.CALLDATALOAD, vm.STOP), vm.CALLDATALOAD, func(w *Circuit, k int) {
			setHi(w, k-1, 1)
			w.Rows[k].R0.Hi = big.NewInt(1)
			w.Rows[k].W0.OldHi = big.NewInt(1) // the result replaces the offset
		}},
		{"RETURN from 2^128", newProgram().pushU(5).pushU(0).op(vm.MSTORE).pushN(17, wide(32)).pushN(17, wide(0)).op(vm.RETURN), vm.RETURN, func(w *Circuit, k int) {
			setHi(w, k-1, 1)
			w.Rows[k].R0.Hi = big.NewInt(1)
			w.StackEnd[1].Hi = big.NewInt(1)
		}},
		{"JUMP to 2^128 + a JUMPDEST", newProgram().pushN(17, wide(19)).op(vm.JUMP, vm.JUMPDEST, vm.STOP), vm.JUMP, func(w *Circuit, k int) {
			setHi(w, k-1, 1)
			w.Rows[k].R0.Hi = big.NewInt(1)
			w.StackEnd[0].Hi = big.NewInt(1)
		}},
		{"RETURN of 32 bytes claiming none", newProgram().pushU(5).pushU(0).op(vm.MSTORE).pushU(32).pushU(0).op(vm.RETURN), vm.RETURN, func(w *Circuit, k int) {
			w.RetLen, w.RetFull = 0, 0
			w.Return[0] = Word{Hi: 0, Lo: 0}
		}},
		{"an aligned MLOAD reading the word before (J = 32)", newProgram().pushU(5).pushU(32).op(vm.MSTORE).pushU(7).pushU(64).op(vm.MSTORE).pushU(64).op(vm.MLOAD, vm.STOP), vm.MLOAD, func(w *Circuit, k int) {
			// Word 1 (5) is read where word 2 (7) should be.
			r, store1 := &w.Rows[k], &w.Rows[rowsOf(w, vm.MSTORE)[0]]
			w.MemEnd[2].T = r.Data.PrevT
			r.J = uint64(32)
			five := Word{Hi: store1.Data.Hi, Lo: store1.Data.Lo}
			r.Data = WritePort{Hi: five.Hi, Lo: five.Lo, OldHi: five.Hi, OldLo: five.Lo, PrevT: w.MemEnd[1].T}
			w.MemEnd[1].T = portsPerRow*k + portData
			r.W0.Hi, r.W0.Lo = five.Hi, five.Lo
			w.StackEnd[r.SP.(int)-1].Hi, w.StackEnd[r.SP.(int)-1].Lo = five.Hi, five.Lo
		}},
		{"STOP with return data", newProgram().pushU(5).pushU(0).op(vm.MSTORE, vm.STOP), vm.STOP, func(w *Circuit, k int) {
			w.RetLen, w.RetFull = 32, 1
			w.Return[0] = Word{Hi: w.MemEnd[0].Hi, Lo: w.MemEnd[0].Lo}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr := traceOf(t, tc.prog.bytes(), []byte("calldata"), slots)
			w := mustAssign(t, tr, tiny)
			accepts(t, tiny, w)
			k := rowsOf(w, tc.op)[0]
			tc.forge(w, k)
			recommit(w)
			rejects(t, tiny, w)
		})
	}
}

// loadWrites makes load row k write v over the word it loads (and push
// it), with end the word's final cell.
func loadWrites(w *Circuit, k int, v Word, end *Cell) {
	r := &w.Rows[k]
	r.Data.Hi, r.Data.Lo = v.Hi, v.Lo
	r.W0.Hi, r.W0.Lo = v.Hi, v.Lo
	end.Hi, end.Lo = v.Hi, v.Lo
	w.StackEnd[r.SP.(int)-1].Hi, w.StackEnd[r.SP.(int)-1].Lo = v.Hi, v.Lo
}
