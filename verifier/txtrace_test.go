package verifier

import (
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

var (
	callerAddr = common.HexToAddress("0xc0de")
	storeAddr  = common.HexToAddress("0x5703")
)

func traceTx(t *testing.T, code []byte, contracts map[common.Address][]byte) *trace.Transaction {
	t.Helper()
	tx, err := trace.RunTransaction(trace.Call{Code: code, Address: callerAddr, Caller: common.HexToAddress("0xca11"), Contracts: contracts})
	require.NoError(t, err)
	return tx
}

// TestTransactionFrames records every frame of the call program (the
// caller, the echo contract, the reverting one and the account without
// code), links them, and proves each frame that ran code.
func TestTransactionFrames(t *testing.T) {
	tx := traceTx(t, callProgram(), calleeContracts())
	require.Len(t, tx.Frames, 4)
	want := []struct {
		addr   common.Address
		parent int
		steps  bool
	}{{callerAddr, -1, true}, {echoAddr, 0, true}, {revertAddr, 0, true}, {emptyAddr, 0, false}}
	for i, w := range want {
		f := tx.Frames[i]
		require.Equal(t, w.addr, f.Trace.Address, "frame %d", i)
		require.Equal(t, w.parent, f.Parent, "frame %d", i)
		require.Equal(t, w.steps, len(f.Trace.Steps) > 0, "frame %d", i)
		if i > 0 {
			require.Equal(t, i-1, f.Call)
		}
	}
	// The delegate call ran in the caller's context.
	require.Equal(t, callerAddr, tx.Frames[3].Trace.Caller)
	writes, err := tx.Check(nil)
	require.NoError(t, err)
	require.Empty(t, writes)
	accepts(t, callShape, mustAssign(t, tx.Frames[0].Trace, callShape))
	for _, f := range tx.Frames[1:3] {
		accepts(t, Shapes[1], mustAssign(t, f.Trace, Shapes[1]))
	}
}

// storeProgram is a contract that writes its first input word to slot 0
// and then reverts if its second word is not zero.
func storeProgram() []byte {
	p := newProgram().op(vm.PUSH0, vm.CALLDATALOAD, vm.PUSH0, vm.SSTORE).pushU(32).op(vm.CALLDATALOAD).pushLabel("revert").op(vm.JUMPI, vm.STOP)
	return p.label("revert").op(vm.PUSH0, vm.PUSH0, vm.REVERT).bytes()
}

// storeCalls calls the store contract three times: it writes 5; it
// writes 7 and reverts; it writes 9 and reverts, the caller then
// reverting too unless keep (0: the caller stops).
func storeCalls(keep bool) []byte {
	p := newProgram()
	for _, c := range []struct{ v, rev uint64 }{{5, 0}, {7, 1}} {
		p.pushU(c.v).pushU(0).op(vm.MSTORE).pushU(c.rev).pushU(32).op(vm.MSTORE)
		callArgs(p, vm.CALL, 0, storeAddr, 0, 0, 64, 0, 0).op(vm.POP)
	}
	// The caller's own slot, written after the calls.
	p.pushU(1).pushU(3).op(vm.SSTORE)
	if keep {
		return p.op(vm.STOP).bytes()
	}
	return p.op(vm.PUSH0, vm.PUSH0, vm.REVERT).bytes()
}

// TestTransactionStorage: a callee's writes stay, a reverted callee's are
// undone, and a later frame starts from what the earlier ones left; a
// reverted top frame leaves nothing.
func TestTransactionStorage(t *testing.T) {
	contracts := map[common.Address][]byte{storeAddr: storeProgram()}
	tx := traceTx(t, storeCalls(true), contracts)
	require.Len(t, tx.Frames, 3)
	require.True(t, tx.Frames[2].Trace.Reverted)
	// The second store frame starts from the first one's 5.
	require.Equal(t, common.BigToHash(big.NewInt(5)), tx.Frames[2].Trace.Storage[0].Initial)
	writes, err := tx.Check(nil)
	require.NoError(t, err)
	require.Equal(t, []trace.SlotWrite{
		{Address: storeAddr, Key: common.Hash{}, Value: common.BigToHash(big.NewInt(5)), Final: common.BigToHash(big.NewInt(5))},
		{Address: callerAddr, Key: common.BigToHash(big.NewInt(3)), Value: common.BigToHash(big.NewInt(1)), Final: common.BigToHash(big.NewInt(1))},
	}, sortedByAddress(writes))
	for _, f := range tx.Frames {
		s := Shapes[1]
		if len(f.Trace.Calls) > 0 {
			s = callShape
		}
		accepts(t, s, mustAssign(t, f.Trace, s))
	}

	tx = traceTx(t, storeCalls(false), contracts)
	writes, err = tx.Check(nil)
	require.NoError(t, err)
	require.Empty(t, writes)
}

func sortedByAddress(w []trace.SlotWrite) []trace.SlotWrite {
	if len(w) == 2 && w[0].Address.Cmp(w[1].Address) > 0 {
		w[0], w[1] = w[1], w[0]
	}
	return w
}

// delegateProgram runs the echo contract's code in the caller's context.
func delegateProgram() []byte {
	return callArgs(fillMemory(newProgram(), 1), vm.DELEGATECALL, 0, echoAddr, 0, 0, 32, 0, 0).op(vm.STOP).bytes()
}

// TestTransactionLinkRefusals changes the public values of one frame of a
// correct transaction: each change must break the link.
func TestTransactionLinkRefusals(t *testing.T) {
	cases := []struct {
		name   string
		code   []byte
		change func(tx *trace.Transaction)
	}{
		{"a callee's return data", callProgram(), func(tx *trace.Transaction) { tx.Frames[1].Trace.ReturnData = []byte{1} }},
		{"a callee's calldata", callProgram(), func(tx *trace.Transaction) { tx.Frames[1].Trace.Calldata = []byte{1} }},
		{"a callee's caller", callProgram(), func(tx *trace.Transaction) { tx.Frames[1].Trace.Caller = common.HexToAddress("0xbad") }},
		{"a callee's address", callProgram(), func(tx *trace.Transaction) { tx.Frames[1].Trace.Address = common.HexToAddress("0xbad") }},
		{"a reverted callee as a success", callProgram(), func(tx *trace.Transaction) { tx.Frames[2].Trace.Reverted = false }},
		{"a delegate callee for another caller", delegateProgram(), func(tx *trace.Transaction) { tx.Frames[1].Trace.Caller = common.HexToAddress("0xbad") }},
		{"a delegate callee at its own address", delegateProgram(), func(tx *trace.Transaction) { tx.Frames[1].Trace.Address = echoAddr }},
		{"an account without code that returned data", callProgram(), func(tx *trace.Transaction) { tx.Frames[0].Trace.Calls[2].ReturnData = []byte{1} }},
		{"a callee dropped", callProgram(), func(tx *trace.Transaction) { tx.Frames[1].Call = 5 }},
		{"a callee entered twice", callProgram(), func(tx *trace.Transaction) { tx.Frames[2].Call = 0 }},
		{"a parent after its child", callProgram(), func(tx *trace.Transaction) { tx.Frames[1].Parent = 2 }},
		{"a frame starting from storage the last one did not leave", storeCalls(true), func(tx *trace.Transaction) {
			tx.Frames[2].Trace.Storage[0].Initial = common.Hash{}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tx := traceTx(t, tc.code, map[common.Address][]byte{echoAddr: calleeContracts()[echoAddr],
				revertAddr: calleeContracts()[revertAddr], storeAddr: storeProgram()})
			_, err := tx.Check(nil)
			require.NoError(t, err)
			tc.change(tx)
			_, err = tx.Check(nil)
			require.ErrorIs(t, err, ErrLink)
			t.Log(err)
		})
	}
	t.Run("a value transfer", func(t *testing.T) {
		p := callArgs(newProgram(), vm.CALL, 0, echoAddr, 1, 0, 0, 0, 0).op(vm.STOP)
		tx, err := trace.RunTransaction(trace.Call{Code: p.bytes(), Address: callerAddr, Caller: common.HexToAddress("0xca11"),
			Value: big.NewInt(10), Contracts: calleeContracts()})
		require.NoError(t, err)
		require.True(t, tx.Frames[0].Trace.Calls[0].Value.Eq(uint256.NewInt(1)))
		_, err = tx.Check(nil)
		require.ErrorIs(t, err, ErrLink)
		require.ErrorContains(t, err, "value transfers")
	})
}

// precompileProgram calls ecrecover, sha256 and identity with the 128
// bytes of memory from 0 (an ecrecover input of hash, v, r and s), each
// returning into memory at 128.
func precompileProgram(t *testing.T) []byte {
	t.Helper()
	key, err := crypto.GenerateKey()
	require.NoError(t, err)
	hash := crypto.Keccak256([]byte("vote"))
	sig, err := crypto.Sign(hash, key)
	require.NoError(t, err)
	p := newProgram()
	for k, w := range [][]byte{hash, common.LeftPadBytes([]byte{sig[64] + 27}, 32), sig[:32], sig[32:64]} {
		p.push(new(uint256.Int).SetBytes(w)).pushU(uint64(32 * k)).op(vm.MSTORE)
	}
	for _, a := range []byte{1, 2, 4} {
		callArgs(p, vm.STATICCALL, 100_000, common.BytesToAddress([]byte{a}), 0, 0, 128, 128, 32).op(vm.POP)
	}
	return p.op(vm.STOP).bytes()
}

// TestTransactionPrecompiles: calls of ecrecover, sha256 and identity
// link when their return data is what the precompile computes from the
// input, and do not with one byte changed.
func TestTransactionPrecompiles(t *testing.T) {
	code := precompileProgram(t)
	tx := traceTx(t, code, nil)
	require.Len(t, tx.Frames, 4)
	calls := tx.Frames[0].Trace.Calls
	require.Len(t, calls, 3)
	for _, c := range calls {
		require.True(t, c.Success)
	}
	require.Len(t, calls[0].ReturnData, 32)
	require.Equal(t, calls[2].Input, calls[2].ReturnData)
	_, err := tx.Check(nil)
	require.NoError(t, err)
	s := callShape
	s.CallData, s.CallReturn = 4, 4
	accepts(t, s, mustAssign(t, tx.Frames[0].Trace, s))
	for i := range calls {
		tx := traceTx(t, code, nil)
		tx.Frames[0].Trace.Calls[i].ReturnData[31] ^= 1
		_, err := tx.Check(nil)
		require.ErrorIs(t, err, ErrLink)
		require.ErrorContains(t, err, "returns other data")
	}
	tx = traceTx(t, code, nil)
	tx.Frames[0].Trace.Calls[1].Success = false
	_, err = tx.Check(nil)
	require.ErrorIs(t, err, ErrLink)
}

// TestTransactionTransientAcrossFrames: a contract that uses transient
// storage, called twice in one transaction, would start its second
// frame from what the first left, which no proof binds: refused. Called
// once, it links.
func TestTransactionTransientAcrossFrames(t *testing.T) {
	// The callee bumps transient slot 0 and returns it.
	bump := newProgram().op(vm.PUSH0, vm.TLOAD).pushU(1).op(vm.ADD, vm.DUP1, vm.PUSH0, vm.TSTORE).returnTop().bytes()
	once := callArgs(newProgram(), vm.CALL, 0, storeAddr, 0, 0, 0, 0, 32).op(vm.STOP).bytes()
	twice := callArgs(callArgs(newProgram(), vm.CALL, 0, storeAddr, 0, 0, 0, 0, 32).op(vm.POP), vm.CALL, 0, storeAddr, 0, 0, 0, 0, 32).op(vm.STOP).bytes()
	contracts := map[common.Address][]byte{storeAddr: bump}
	tx := traceTx(t, once, contracts)
	_, err := tx.Check(nil)
	require.NoError(t, err)
	tx = traceTx(t, twice, contracts)
	require.Equal(t, common.BigToHash(big.NewInt(2)), common.BytesToHash(tx.Frames[2].Trace.ReturnData))
	_, err = tx.Check(nil)
	require.ErrorIs(t, err, ErrLink)
	require.ErrorContains(t, err, "transient storage")
}

// TestTxRecorderL1Context checks that an L1 frame's context is what its
// environment steps pushed (the L1 EVM's hooks give no block): a frame of
// code reading every block value and its balance, run by go-ethereum with
// the L1Hooks as its tracer (no transaction start), records the block it
// ran in, and its trace proves.
func TestTxRecorderL1Context(t *testing.T) {
	code := common.FromHex("41" + "42" + "43" + "44" + "45" + "46" + "48" + "3a" + "47" + "00")
	random := common.HexToHash("0x7a4d0")
	rec := trace.NewTxRecorder()
	hooks := rec.L1Hooks()
	c := &runtime.Config{Coinbase: common.HexToAddress("0xc0ffee"), Time: 1_750_000_000, BlockNumber: big.NewInt(21_000_000), Random: &random,
		GasLimit: 36_000_000, BaseFee: big.NewInt(7), GasPrice: big.NewInt(0), Value: big.NewInt(0),
		EVMConfig: vm.Config{Tracer: &tracing.Hooks{OnEnter: hooks.OnEnter, OnExit: hooks.OnExit, OnOpcode: hooks.OnOpcode}}}
	_, _, err := runtime.Execute(code, nil, c)
	require.NoError(t, err)
	tx, err := rec.Transaction()
	require.NoError(t, err)
	require.Len(t, tx.Frames, 1)
	got := tx.Frames[0].Trace.Context
	require.Equal(t, trace.Context{Coinbase: c.Coinbase, Timestamp: c.Time, Number: c.BlockNumber.Uint64(), PrevRandao: random, GasLimit: c.GasLimit,
		ChainID: *uint256.MustFromBig(c.ChainConfig.ChainID), BaseFee: *uint256.NewInt(7)}, got)
	w, err := Assign(tx.Frames[0].Trace, Shapes[0])
	require.NoError(t, err)
	require.NoError(t, solve(t, Shapes[0], w))
}

// TestTxRecorderEach checks that a transaction the recorder cannot give
// a provable trace for (here one that runs out of gas) has its own error
// in Each and leaves the transactions around it as they are, with its
// frames kept as they were entered; Transactions fails on it.
func TestTxRecorderEach(t *testing.T) {
	rec := trace.NewTxRecorder()
	hooks := rec.L1Hooks()
	run := func(code []byte, gas uint64) {
		c := &runtime.Config{GasLimit: gas, Value: big.NewInt(0),
			EVMConfig: vm.Config{Tracer: &tracing.Hooks{OnEnter: hooks.OnEnter, OnExit: hooks.OnExit, OnOpcode: hooks.OnOpcode}}}
		_, _, _ = runtime.Execute(code, []byte{0x42}, c)
	}
	stop := common.FromHex("600160020100") // 1 + 2, STOP
	loop := common.FromHex("5b600056")     // JUMPDEST, PUSH1 0, JUMP: until the gas runs out
	run(stop, 100_000)
	run(loop, 50_000)
	run(stop, 100_000)
	txs, errs := rec.Each()
	require.Len(t, txs, 3)
	require.Equal(t, 3, rec.Count())
	require.NoError(t, errs[0])
	require.ErrorIs(t, errs[1], trace.ErrExecution)
	require.NoError(t, errs[2])
	for _, i := range []int{0, 2} {
		require.Len(t, txs[i].Frames, 1)
		require.Len(t, txs[i].Frames[0].Trace.Steps, 4)
	}
	entered := txs[1].Frames[0].Trace
	require.Empty(t, entered.Steps)
	require.Equal(t, common.BytesToAddress([]byte("contract")), entered.Address) // runtime.Execute's
	require.Equal(t, []byte{0x42}, entered.Calldata)
	_, err := rec.Transactions()
	require.ErrorIs(t, err, trace.ErrExecution)
	require.ErrorContains(t, err, "transaction 1")
}
