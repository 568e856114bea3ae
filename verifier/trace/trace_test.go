package trace_test

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// code assembles opcodes and PUSH1 immediates: a byte below 0x100 given
// as an int after vm.PUSH1.
func code(parts ...any) []byte {
	var out []byte
	for _, p := range parts {
		switch v := p.(type) {
		case vm.OpCode:
			out = append(out, byte(v))
		case int:
			out = append(out, byte(v))
		}
	}
	return out
}

var (
	contract = common.HexToAddress("0xc0de")
	caller   = common.HexToAddress("0xca11")
	callee   = common.HexToAddress("0xca1ee")
)

func TestRun(t *testing.T) {
	tests := []struct {
		name  string
		call  trace.Call
		check func(t *testing.T, tr *trace.Trace)
	}{
		{"storage: a slot read and one written", trace.Call{
			// SSTORE(1, SLOAD(0) + 2)
			Code:    code(vm.PUSH1, 2, vm.PUSH1, 0, vm.SLOAD, vm.ADD, vm.PUSH1, 1, vm.SSTORE, vm.STOP),
			Storage: map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(40))},
		}, func(t *testing.T, tr *trace.Trace) {
			require.Len(t, tr.Steps, 7)
			require.Equal(t, []trace.StorageSlot{
				{Key: common.Hash{}, Initial: common.BigToHash(big.NewInt(40)), Final: common.BigToHash(big.NewInt(40))},
				{Key: common.BigToHash(big.NewInt(1)), Final: common.BigToHash(big.NewInt(42))},
			}, tr.Storage)
			require.False(t, tr.Reverted)
		}},
		{"a log with a topic and data", trace.Call{
			// MSTORE(0, 7); LOG1(0, 32, topic 9)
			Code: code(vm.PUSH1, 7, vm.PUSH1, 0, vm.MSTORE, vm.PUSH1, 9, vm.PUSH1, 32, vm.PUSH1, 0, vm.LOG1, vm.STOP),
		}, func(t *testing.T, tr *trace.Trace) {
			require.Len(t, tr.Logs, 1)
			require.Equal(t, []common.Hash{common.BigToHash(big.NewInt(9))}, tr.Logs[0].Topics)
			require.Equal(t, common.BigToHash(big.NewInt(7)).Bytes(), tr.Logs[0].Data)
		}},
		{"a call and what it got back", trace.Call{
			// CALL(gas, callee, 0, in 0..0, out 0..32), then RETURN(0, 32)
			Code: code(vm.PUSH1, 32, vm.PUSH1, 0, vm.PUSH1, 0, vm.PUSH1, 0, vm.PUSH1, 0,
				vm.PUSH3, 0x0c, 0xa1, 0xee, vm.GAS, vm.CALL, vm.POP, vm.PUSH1, 32, vm.PUSH1, 0, vm.RETURN),
			// The callee returns the word 5.
			Contracts: map[common.Address][]byte{callee: code(vm.PUSH1, 5, vm.PUSH1, 0, vm.MSTORE, vm.PUSH1, 32, vm.PUSH1, 0, vm.RETURN)},
		}, func(t *testing.T, tr *trace.Trace) {
			require.Len(t, tr.Calls, 1)
			c := tr.Calls[0]
			require.Equal(t, vm.CALL, c.Op)
			require.Equal(t, callee, c.Callee())
			require.True(t, c.Success)
			require.Equal(t, common.BigToHash(big.NewInt(5)).Bytes(), c.ReturnData)
			require.Equal(t, c.ReturnData, tr.ReturnData)
		}},
		{"a state read", trace.Call{
			// EXTCODESIZE(callee)
			Code:      code(vm.PUSH3, 0x0c, 0xa1, 0xee, vm.EXTCODESIZE, vm.STOP),
			Contracts: map[common.Address][]byte{callee: {byte(vm.STOP), byte(vm.STOP)}},
		}, func(t *testing.T, tr *trace.Trace) {
			require.Equal(t, []trace.StateRead{{Op: vm.EXTCODESIZE, Key: *new(uint256.Int).SetBytes(callee[:]), Value: *uint256.NewInt(2)}}, tr.Reads)
		}},
		{"transient slots: one written, one only read", trace.Call{
			// TSTORE(1, 5); TLOAD(2)
			Code: code(vm.PUSH1, 5, vm.PUSH1, 1, vm.TSTORE, vm.PUSH1, 2, vm.TLOAD, vm.STOP),
		}, func(t *testing.T, tr *trace.Trace) {
			require.Equal(t, []trace.StorageSlot{
				{Key: common.BigToHash(big.NewInt(1)), Final: common.BigToHash(big.NewInt(5))},
				{Key: common.BigToHash(big.NewInt(2))},
			}, tr.Transient)
			require.Empty(t, tr.Storage)
		}},
		{"a revert", trace.Call{Code: code(vm.PUSH1, 0, vm.PUSH1, 0, vm.REVERT)}, func(t *testing.T, tr *trace.Trace) {
			require.True(t, tr.Reverted)
			require.Empty(t, tr.ReturnData)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.call.Address, tt.call.Caller = contract, caller
			tr, err := trace.Run(tt.call)
			require.NoError(t, err)
			require.Equal(t, contract, tr.Address)
			require.Equal(t, caller, tr.Caller)
			require.Equal(t, tt.call.Code, tr.Code)
			tt.check(t, tr)
		})
	}
}

func TestRunRefuses(t *testing.T) {
	tests := []struct {
		name string
		code []byte
		want error
		msg  string
	}{
		{"CREATE", code(vm.PUSH1, 0, vm.PUSH1, 0, vm.PUSH1, 0, vm.CREATE, vm.STOP), trace.ErrUnsupported, "CREATE"},
		{"an invalid jump", code(vm.PUSH1, 3, vm.JUMP), trace.ErrExecution, "invalid jump"},
		{"a stack underflow", code(vm.ADD), trace.ErrExecution, "stack underflow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := trace.Run(trace.Call{Code: tt.code, Address: contract, Caller: caller})
			require.ErrorIs(t, err, tt.want)
			require.ErrorContains(t, err, tt.msg)
		})
	}
}

// TestContextValues: the context's values in the order ContextIndex
// gives for each opcode that pushes one, checked against what the EVM
// pushed.
func TestContextValues(t *testing.T) {
	ctx := &trace.Context{Coinbase: common.HexToAddress("0xc01b"), Timestamp: 7, Number: 9, PrevRandao: common.HexToHash("0x0a"),
		GasLimit: 30_000_000, ChainID: *uint256.NewInt(5), BaseFee: *uint256.NewInt(3), GasPrice: *uint256.NewInt(4)}
	for _, op := range []vm.OpCode{vm.COINBASE, vm.TIMESTAMP, vm.NUMBER, vm.PREVRANDAO, vm.GASLIMIT, vm.CHAINID, vm.BASEFEE, vm.GASPRICE, vm.SELFBALANCE} {
		t.Run(op.String(), func(t *testing.T) {
			i, ok := trace.ContextIndex(op)
			require.True(t, ok)
			tr, err := trace.Run(trace.Call{Code: code(op, vm.STOP), Address: contract, Caller: caller, Context: ctx})
			require.NoError(t, err)
			got := tr.Steps[1].Stack[0]
			want := tr.Context.Values(&tr.Balance)[i]
			require.Equal(t, want, got)
		})
	}
	_, ok := trace.ContextIndex(vm.ADD)
	require.False(t, ok)
}

// TestRunTransaction: every frame of a call that calls another contract,
// linked by Check; a frame changed after the fact does not link.
func TestRunTransaction(t *testing.T) {
	// CALL(gas, callee, 0, 0, 0, 0, 0) to a callee that writes slot 0.
	caller := code(vm.PUSH1, 0, vm.PUSH1, 0, vm.PUSH1, 0, vm.PUSH1, 0, vm.PUSH1, 0,
		vm.PUSH3, 0x0c, 0xa1, 0xee, vm.GAS, vm.CALL, vm.STOP)
	writer := code(vm.PUSH1, 1, vm.PUSH1, 0, vm.SSTORE, vm.STOP)
	tx, err := trace.RunTransaction(trace.Call{Code: caller, Address: contract, Caller: common.HexToAddress("0xca11"),
		Contracts: map[common.Address][]byte{callee: writer}})
	require.NoError(t, err)
	require.Len(t, tx.Frames, 2)
	require.Equal(t, -1, tx.Frames[0].Parent)
	require.Equal(t, 0, tx.Frames[1].Parent)
	require.Equal(t, callee, tx.Frames[1].Trace.Address)
	require.Equal(t, contract, tx.Frames[1].Trace.Caller)
	writes, err := tx.Check(nil)
	require.NoError(t, err)
	require.Equal(t, []trace.SlotWrite{{Address: callee, Key: common.Hash{}, Value: common.BigToHash(big.NewInt(1)), Final: common.BigToHash(big.NewInt(1))}}, writes)

	// The call's success flag says the callee failed.
	tx.Frames[0].Trace.Calls[0].Success = false
	_, err = tx.Check(nil)
	require.ErrorIs(t, err, trace.ErrLink)
}
