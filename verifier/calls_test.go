package verifier

import (
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// callShape is the shape of the call tests: three calls of up to two
// words of input and two of return data.
var callShape = Shape{Steps: 160, Code: 400, Calldata: 8, Stack: 24, Memory: 8, Storage: 1, Return: 1,
	Add: 12, Mul: 2, Bit: 2, Splice: 1, Calls: 3, CallData: 2, CallReturn: 2}

var (
	echoAddr   = common.HexToAddress("0xec40")
	revertAddr = common.HexToAddress("0x4e7e")
	emptyAddr  = common.HexToAddress("0xdead")
)

// calleeContracts are the accounts the call programs call: one returns
// its first input word plus one and 0x77 (64 bytes), one reverts with
// four bytes.
func calleeContracts() map[common.Address][]byte {
	echo := newProgram().op(vm.PUSH0, vm.CALLDATALOAD).pushU(1).op(vm.ADD, vm.PUSH0, vm.MSTORE).
		pushU(0x77).pushU(32).op(vm.MSTORE).pushU(64).op(vm.PUSH0, vm.RETURN).bytes()
	rev := newProgram().pushU(0xdeadbeef).op(vm.PUSH0, vm.MSTORE).pushU(4).pushU(28).op(vm.REVERT).bytes()
	return map[common.Address][]byte{echoAddr: echo, revertAddr: rev}
}

// callArgs pushes a call's operands, last first: the return area, the
// input, the value (CALL only), the callee and the gas.
func callArgs(p *program, op vm.OpCode, gas uint64, to common.Address, value, argOff, argSize, retOff, retSize uint64) *program {
	p.pushU(retSize).pushU(retOff).pushU(argSize).pushU(argOff)
	if op == vm.CALL {
		p.pushU(value)
	}
	p.push(new(uint256.Int).SetBytes(to[:]))
	if gas == 0 {
		return p.op(vm.GAS, op)
	}
	return p.pushU(gas).op(op)
}

// callProgram makes three calls: CALL of the echo contract with 40
// bytes of input and a 32-byte return area, STATICCALL of the reverting
// one, DELEGATECALL of an account without code with 32 bytes of input
// from an unaligned offset; it adds up their success
// flags, RETURNDATASIZE after each and the returned word, and returns
// the sum.
func callProgram() []byte {
	p := fillMemory(newProgram(), 2)
	p.op(vm.RETURNDATASIZE) // 0 before any call
	callArgs(p, vm.CALL, 0, echoAddr, 0, 0, 40, 64, 32)
	p.op(vm.RETURNDATASIZE)
	callArgs(p, vm.STATICCALL, 50_000, revertAddr, 0, 0, 0, 0, 0)
	p.op(vm.RETURNDATASIZE)
	callArgs(p, vm.DELEGATECALL, 1_000, emptyAddr, 0, 5, 32, 0, 0)
	p.op(vm.RETURNDATASIZE)
	p.op(vm.ADD, vm.ADD, vm.ADD, vm.ADD, vm.ADD, vm.ADD).pushU(64).op(vm.MLOAD, vm.ADD)
	return p.returnTop().bytes()
}

func callTrace(t *testing.T, code []byte) *trace.Trace {
	t.Helper()
	tr, err := trace.Run(trace.Call{Code: code, Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11"),
		Contracts: calleeContracts()})
	require.NoError(t, err)
	return tr
}

// TestDifferentialCalls proves a frame's calls against go-ethereum's
// execution: a call that returns more than its return area takes, a
// static call that reverts, a delegate call of an account without code
// with its input at an unaligned offset,
// RETURNDATASIZE before and after each, and GAS as a call's gas.
func TestDifferentialCalls(t *testing.T) {
	tr := callTrace(t, callProgram())
	require.False(t, tr.Reverted)
	require.Len(t, tr.Calls, 3)
	first := patternBytes(0, 40)
	require.Equal(t, vm.CALL, tr.Calls[0].Op)
	require.Equal(t, first, tr.Calls[0].Input)
	require.True(t, tr.Calls[0].Success)
	require.Len(t, tr.Calls[0].ReturnData, 64)
	require.Equal(t, echoAddr, tr.Calls[0].Callee())
	require.Equal(t, vm.STATICCALL, tr.Calls[1].Op)
	require.False(t, tr.Calls[1].Success)
	require.Equal(t, common.FromHex("deadbeef"), tr.Calls[1].ReturnData)
	require.Equal(t, vm.DELEGATECALL, tr.Calls[2].Op)
	require.True(t, tr.Calls[2].Success)
	require.Equal(t, patternBytes(5, 32), tr.Calls[2].Input)
	require.Empty(t, tr.Calls[2].ReturnData)

	// The sum: 1 + 64 + 0 + 4 + 1 + 0 flags and sizes, and the echoed
	// word (the first input word plus one).
	var want uint256.Int
	want.Add(memoryWord(0), uint256.NewInt(1+1+64+4+1))
	require.Equal(t, want.Bytes32(), [32]byte(tr.ReturnData))

	w := mustAssign(t, tr, callShape)
	// CALL with two input words and one return word: 3 + 2 + 1 + 1 + 1.
	require.Len(t, rowsOf(w, vm.CALL), 8)
	require.Len(t, rowsOf(w, vm.STATICCALL), 4)
	require.Len(t, rowsOf(w, vm.DELEGATECALL), 6)
	accepts(t, callShape, w)
	c, err := PublicOf(tr).Commitment(callShape)
	require.NoError(t, err)
	require.Equal(t, c, w.Commitment, "the commitment from the public values alone")
}

// TestSoundnessCalls changes the call list of a correct witness (and its
// commitment, so that only the call constraints can notice): every
// change must be rejected.
func TestSoundnessCalls(t *testing.T) {
	cases := []struct {
		name   string
		change func(w *Circuit)
	}{
		{"a returned word", func(w *Circuit) { w.Calls[0].Ret[0].Lo = 5 }},
		{"the success flag", func(w *Circuit) { w.Calls[1].Success = 1 }},
		{"a failed call's success", func(w *Circuit) { w.Calls[2].Success = 0 }},
		{"the return data size", func(w *Circuit) { w.Calls[1].RetLen = 5 }},
		{"an input word", func(w *Circuit) { w.Calls[0].Data[0].Lo = 5 }},
		{"a byte past the input", func(w *Circuit) { w.Calls[0].Data[1].Lo = 1 }},
		{"a shorter input", func(w *Circuit) { w.Calls[0].Len = 39; w.Calls[0].R = 7 }},
		{"an unaligned input word", func(w *Circuit) { w.Calls[2].Data[0].Hi = 5 }},
		{"the input's alignment", func(w *Circuit) { w.Calls[2].J = 4; w.Calls[2].R = 4 }},
		{"a memory byte of the input", func(w *Circuit) { w.Calls[2].Bytes[1][3] = 0 }},
		{"the callee", func(w *Circuit) { w.Calls[0].To.Lo = 0xbad }},
		{"the value", func(w *Circuit) { w.Calls[0].Value.Lo = 1 }},
		{"a value on a static call", func(w *Circuit) { w.Calls[1].Value.Lo = 1 }},
		{"the gas", func(w *Circuit) { w.Calls[1].Gas.Lo = 49_999 }},
		{"a static call as a call", func(w *Circuit) { w.Calls[1].Static = 0 }},
		{"a static call as a delegate call", func(w *Circuit) { w.Calls[1].Static = 0; w.Calls[1].Delegate = 1 }},
		{"static and delegate", func(w *Circuit) { w.Calls[2].Static = 1 }},
		{"the last call dropped", func(w *Circuit) { w.Calls[2] = newCallEntry(callShape) }},
		{"two calls swapped", func(w *Circuit) { w.Calls[1], w.Calls[2] = w.Calls[2], w.Calls[1] }},
		{"a call the frame did not make", func(w *Circuit) {
			w.Calls[2] = w.Calls[1]
			w.Calls[2].ID = 100
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := mustAssign(t, callTrace(t, callProgram()), callShape)
			accepts(t, callShape, w)
			tc.change(w)
			recommit(w)
			rejects(t, callShape, w)
		})
	}
	t.Run("another call list in the commitment", func(t *testing.T) {
		tr := callTrace(t, callProgram())
		w := mustAssign(t, tr, callShape)
		pub := PublicOf(tr)
		pub.Calls = append([]trace.FrameCall(nil), pub.Calls...)
		pub.Calls[0].ReturnData = common.CopyBytes(pub.Calls[0].ReturnData)
		pub.Calls[0].ReturnData[31] ^= 1 // in the word the frame reads
		c, err := pub.Commitment(callShape)
		require.NoError(t, err)
		w.Commitment = c
		rejects(t, callShape, w)
	})
}

// msizeCallShape is callShape with the memory size column.
var msizeCallShape = func() Shape {
	s := callShape
	s.Msize = true
	return s
}()

// areaProgram fills four words of memory, CALLs the echo contract (64
// bytes of return data) with a return area of three words at 0, and an
// account without code (no return data) with a return area of one word
// at 96, then returns the sum of the four words: the first two the
// echo's, the last two as they were.
func areaProgram() []byte {
	p := fillMemory(newProgram(), 4)
	callArgs(p, vm.CALL, 0, echoAddr, 0, 0, 40, 0, 96).op(vm.POP)
	callArgs(p, vm.CALL, 0, emptyAddr, 0, 0, 0, 96, 32).op(vm.POP)
	p.op(vm.PUSH0, vm.MLOAD).pushU(32).op(vm.MLOAD, vm.ADD).pushU(64).op(vm.MLOAD, vm.ADD).pushU(96).op(vm.MLOAD, vm.ADD)
	return p.returnTop().bytes()
}

// TestReturnAreas proves calls whose return area is larger than their
// return data against go-ethereum's execution: the return data's words
// are written, and the rest of the area keeps what memory held. A wrong
// count of words written, or another area than the one popped, is
// rejected.
func TestReturnAreas(t *testing.T) {
	tr := callTrace(t, areaProgram())
	require.False(t, tr.Reverted)
	require.Len(t, tr.Calls, 2)
	require.Len(t, tr.Calls[0].ReturnData, 64)
	require.Empty(t, tr.Calls[1].ReturnData)
	var want uint256.Int
	want.Add(memoryWord(0), uint256.NewInt(1+0x77))
	want.Add(&want, memoryWord(2))
	want.Add(&want, memoryWord(3))
	require.Equal(t, want.Bytes32(), [32]byte(tr.ReturnData))
	w := mustAssign(t, tr, callShape)
	require.Equal(t, uint64(96), w.Calls[0].RetArea)
	require.Equal(t, uint64(64), w.Calls[0].RetSize)
	require.Equal(t, uint64(32), w.Calls[1].RetArea)
	require.Equal(t, uint64(0), w.Calls[1].RetSize)
	accepts(t, callShape, w)
	for _, tc := range []struct {
		name   string
		change func(w *Circuit)
	}{
		{"one word written of two", func(w *Circuit) { w.Calls[0].RetSize = uint64(32) }},
		{"the area as the return data", func(w *Circuit) { w.Calls[0].RetArea = uint64(64) }},
		{"a word written with no return data", func(w *Circuit) { w.Calls[1].RetSize = uint64(32) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustAssign(t, tr, callShape)
			tc.change(w)
			recommit(w)
			rejects(t, callShape, w)
		})
	}
}

// rdcCallShape is callShape with a RETURNDATACOPY table, whose shapes
// write return areas from any offset and of any length.
var rdcCallShape = func() Shape {
	s := callShape
	s.Rdc, s.RdcWords = 1, 3
	return s
}()

// anywhereProgram fills five words of memory, CALLs the echo contract (64
// bytes of return data) with a return area of 64 bytes at 5, the
// reverting one (4 bytes) with an area of 32 at 100 and an account
// without code with an area of 32 at 7, then returns the sum of the five
// words.
func anywhereProgram() []byte {
	p := fillMemory(newProgram(), 5)
	callArgs(p, vm.CALL, 0, echoAddr, 0, 0, 40, 5, 64).op(vm.POP)
	callArgs(p, vm.CALL, 0, revertAddr, 0, 0, 0, 100, 32).op(vm.POP)
	callArgs(p, vm.CALL, 0, emptyAddr, 0, 0, 0, 7, 32).op(vm.POP)
	p.op(vm.PUSH0, vm.MLOAD)
	for k := 1; k < 5; k++ {
		p.pushU(uint64(32*k)).op(vm.MLOAD, vm.ADD)
	}
	return p.returnTop().bytes()
}

// TestReturnAreasAnywhere proves, in a shape with Rdc, calls whose return
// areas start at any offset and take part of a word, against
// go-ethereum's execution: 64 bytes written from offset 5 (three words),
// four bytes of a revert into an area of 32 at 100, and nothing from an
// account without code. A changed written word, old byte, offset or
// length is rejected.
func TestReturnAreasAnywhere(t *testing.T) {
	tr := callTrace(t, anywhereProgram())
	require.False(t, tr.Reverted)
	// The memory go-ethereum left, by hand.
	mem := patternBytes(0, 160)
	echo := append(common.LeftPadBytes(new(uint256.Int).Add(memoryWord(0), uint256.NewInt(1)).Bytes(), 32), common.LeftPadBytes([]byte{0x77}, 32)...)
	copy(mem[5:], echo)
	copy(mem[100:], common.FromHex("deadbeef"))
	var want uint256.Int
	for k := range 5 {
		var w uint256.Int
		w.SetBytes(mem[32*k : 32*k+32])
		want.Add(&want, &w)
	}
	require.Equal(t, want.Bytes32(), [32]byte(tr.ReturnData))
	w := mustAssign(t, tr, rdcCallShape)
	require.Equal(t, []any{uint64(5), uint64(0), uint64(5)}, []any{w.Calls[0].J, w.Calls[0].Q, w.Calls[0].Rd})
	require.Equal(t, []any{uint64(4), uint64(4), uint64(8)}, []any{w.Calls[1].RetSize, w.Calls[1].J, w.Calls[1].Rd})
	// Parameters, input words, size row, return words, last row.
	require.Len(t, rowsOf(w, vm.CALL), (3+2+1+3+1)+(3+0+1+1+1)+(3+0+1+0+1))
	accepts(t, rdcCallShape, w)
	for _, tc := range []struct {
		name   string
		change func(w *Circuit)
	}{
		{"a written word", func(w *Circuit) { w.Calls[0].New[1].Lo = 5 }},
		{"an old byte", func(w *Circuit) { w.Calls[0].OldBytes[0][0] = 0 }},
		{"the area's offset", func(w *Circuit) { w.Calls[0].J = uint64(4) }},
		{"the bytes written", func(w *Circuit) { w.Calls[1].RetSize = uint64(0); w.Calls[1].Rd = uint64(0) }},
		{"the whole area written", func(w *Circuit) { w.Calls[1].RetSize = uint64(32); w.Calls[1].Rd = uint64(32) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := mustAssign(t, tr, rdcCallShape)
			tc.change(w)
			recommit(w)
			rejects(t, rdcCallShape, w)
		})
	}
}

// TestCallRefusals: what the call list cannot bind is refused by name.
func TestCallRefusals(t *testing.T) {
	four := fillMemory(newProgram(), 1)
	for range 4 {
		callArgs(four, vm.STATICCALL, 100, emptyAddr, 0, 0, 0, 0, 0).op(vm.POP)
	}
	// A callee that reads a slot of its caller's storage the caller
	// reads too: the caller, called back.
	reenter := newProgram().op(vm.CALLDATASIZE).pushLabel("inner").op(vm.JUMPI).op(vm.PUSH0, vm.SLOAD, vm.POP)
	callArgs(reenter, vm.CALL, 0, common.HexToAddress("0xc0de"), 0, 0, 1, 0, 0).op(vm.STOP)
	reenter.label("inner").op(vm.PUSH0, vm.SLOAD, vm.STOP)
	cases := []struct {
		name string
		code []byte
		s    Shape
		want error
		text string
	}{
		{"more input than a call holds", callArgs(fillMemory(newProgram(), 3), vm.CALL, 0, echoAddr, 0, 0, 65, 0, 0).op(vm.STOP).bytes(), callShape, ErrCapacity, "input: 65 bytes, shape has 2 words"},
		{"a return area past return data of part of a word", callArgs(newProgram(), vm.CALL, 0, revertAddr, 0, 0, 0, 0, 32).op(vm.STOP).bytes(), callShape, ErrUnsupported, "return area"},
		{"a return area past return data with MSIZE", callArgs(newProgram(), vm.CALL, 0, emptyAddr, 0, 0, 0, 0, 32).op(vm.MSIZE, vm.STOP).bytes(), msizeCallShape, ErrUnsupported, "MSIZE"},
		{"a return area of part of a word", callArgs(newProgram(), vm.CALL, 0, echoAddr, 0, 0, 0, 0, 16).op(vm.STOP).bytes(), callShape, ErrUnsupported, "return area"},
		{"an unaligned return area", callArgs(newProgram(), vm.CALL, 0, echoAddr, 0, 0, 0, 8, 32).op(vm.STOP).bytes(), callShape, ErrUnsupported, "return offset"},
		{"more calls than the list holds", four.op(vm.STOP).bytes(), callShape, ErrCapacity, "4 calls"},
		{"shape without calls", callArgs(newProgram(), vm.CALL, 100, echoAddr, 0, 0, 0, 0, 0).op(vm.STOP).bytes(), logShape, ErrUnsupported, "CALL"},
		{"CALLCODE", callArgs(newProgram(), vm.CALL, 0, echoAddr, 0, 0, 0, 0, 0).op(vm.POP).pushU(0).pushU(0).pushU(0).pushU(0).pushU(0).pushU(0xec40).pushU(100).op(vm.CALLCODE, vm.STOP).bytes(), callShape, ErrUnsupported, "CALLCODE"},
		{"CREATE", newProgram().pushU(0).pushU(0).pushU(0).op(vm.CREATE, vm.STOP).bytes(), callShape, ErrUnsupported, "CREATE"},
		{"a callee in this frame's storage", reenter.bytes(), callShape, ErrUnsupported, "touches too"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tr, err := trace.Run(trace.Call{Code: tc.code, Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11"),
				Contracts: calleeContracts()})
			if err == nil {
				_, err = Assign(tr, tc.s)
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.text)
		})
	}
}
