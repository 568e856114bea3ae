package booster_test

import (
	"bytes"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/statechanges"
)

func requireSuccess(t *testing.T, r *evm.Receipt) {
	t.Helper()
	if r.Status != types.ReceiptStatusSuccessful {
		t.Fatalf("transaction failed: %v (return data %x)", r.Err, r.ReturnData)
	}
}

func TestL1CallWritesAreSeenAndRecorded(t *testing.T) {
	w := newWorld(t)
	batch := w.run(
		w.l1Tx(l1Call, w.counter, pack(t, "Counter", "increment")),
		w.l1Tx(l1Call, w.counter, pack(t, "Counter", "increment")),
		w.callerTx("l1Call", w.counter, pack(t, "Counter", "count")),
	)
	for _, r := range batch.Receipts {
		requireSuccess(t, r)
	}
	if got := unpack(t, "Counter", "increment", batch.Receipts[1].ReturnData)[0].(*big.Int); got.Uint64() != 2 {
		t.Fatalf("second increment returned %d, want 2 (did it see the first?)", got)
	}
	viaCaller := unpack(t, "Caller", "l1Call", batch.Receipts[2].ReturnData)[0].([]byte)
	if got := new(big.Int).SetBytes(viaCaller); got.Uint64() != 2 {
		t.Fatalf("count read through Caller = %d, want 2", got)
	}
	want := statechanges.WriteList{{Contract: w.counter, Slot: word(0), Value: word(2)}}
	if !equalWrites(batch.Writes, want) {
		t.Fatalf("writes = %v, want %v", batch.Writes, want)
	}
	if len(batch.Reads.Storage) != 1 || batch.Reads.Storage[0].Value != word(0) {
		t.Fatalf("read set storage = %v, want the counter slot with its pinned value 0", batch.Reads.Storage)
	}
	if len(batch.Receipts[0].L1Logs) != 1 || batch.Receipts[0].L1Logs[0].Address != w.counter {
		t.Fatalf("L1 logs = %v, want the Incremented event", batch.Receipts[0].L1Logs)
	}
	updates := batch.Updates()
	if len(updates) != 1 || updates[0].Contract != w.counter {
		t.Fatalf("updates = %v", updates)
	}
	changes, err := statechanges.DecodeApplyStateUpdates(updates[0].Calldata())
	if err != nil || len(changes) != 1 || changes[0].Value != word(2) {
		t.Fatalf("calldata decodes to %v, %v", changes, err)
	}
}

func TestWriteListOrderOverwriteAndNoOp(t *testing.T) {
	w := newWorld(t)
	write := func(slot, value uint64) *types.Transaction {
		return w.l1Tx(l1Call, w.slots, pack(t, "Slots", "write", word(slot), word(value)))
	}
	batch := w.run(write(2, 5), write(1, 7), write(2, 9), write(3, 4), write(3, 0))
	want := statechanges.WriteList{
		{Contract: w.slots, Slot: word(2), Value: word(9)},
		{Contract: w.slots, Slot: word(1), Value: word(7)},
	}
	if !equalWrites(batch.Writes, want) {
		t.Fatalf("writes = %v, want %v", batch.Writes, want)
	}
	// Slot 3 was written back to its pinned value: no write, but settlement
	// must check L1 still holds that value.
	found := false
	for _, r := range batch.Reads.Storage {
		if r.Contract == w.slots && r.Slot == word(3) && r.Value == word(0) {
			found = true
		}
	}
	if !found {
		t.Fatalf("read set %v lacks the no-op slot 3", batch.Reads.Storage)
	}
}

func TestSandboxSeesWritesAndLeavesNoTrace(t *testing.T) {
	w := newWorld(t)
	batch := w.run(
		w.l1Tx(l1Call, w.counter, pack(t, "Counter", "increment")),
		w.l1Tx(l1Sandbox, w.counter, pack(t, "Counter", "increment")),
		w.l1Tx(l1Call, w.counter, pack(t, "Counter", "count")),
	)
	for _, r := range batch.Receipts {
		requireSuccess(t, r)
	}
	if got := new(big.Int).SetBytes(batch.Receipts[1].ReturnData); got.Uint64() != 2 {
		t.Fatalf("sandbox increment returned %d, want 2 (it must see the earlier L1CALL)", got)
	}
	if got := new(big.Int).SetBytes(batch.Receipts[2].ReturnData); got.Uint64() != 1 {
		t.Fatalf("count after sandbox = %d, want 1", got)
	}
	if len(batch.Receipts[1].L1Logs) != 0 {
		t.Fatalf("sandbox left L1 logs: %v", batch.Receipts[1].L1Logs)
	}
	want := statechanges.WriteList{{Contract: w.counter, Slot: word(0), Value: word(1)}}
	if !equalWrites(batch.Writes, want) {
		t.Fatalf("writes = %v, want %v", batch.Writes, want)
	}

	only := w.run(w.l1Tx(l1Sandbox, w.counter, pack(t, "Counter", "increment")))
	requireSuccess(t, only.Receipts[0])
	if len(only.Writes) != 0 {
		t.Fatalf("a batch with only a sandbox call wrote %v", only.Writes)
	}
}

func TestDelegateCallChangesCallerL2StorageOnly(t *testing.T) {
	w := newWorld(t)
	batch := w.run(
		w.callerTx("delegate", w.slots, pack(t, "Slots", "write", word(0), word(77))),
		w.callerTx("delegate", w.probe, pack(t, "Probe", "whoami")),
	)
	for _, r := range batch.Receipts {
		requireSuccess(t, r)
	}
	if got := w.b.Chain().Storage(w.caller, word(0)); got != word(77) {
		t.Fatalf("Caller's L2 slot 0 = %s, want 77", got)
	}
	if len(batch.Writes) != 0 {
		t.Fatalf("L1DELEGATECALL wrote L1: %v", batch.Writes)
	}
	if got := w.l1.Storage(t, w.slots, word(0)); got != (common.Hash{}) {
		t.Fatalf("L1 slot changed: %s", got)
	}
	ret := unpack(t, "Caller", "delegate", batch.Receipts[1].ReturnData)[0].([]byte)
	who := unpack(t, "Probe", "whoami", ret)
	if who[0].(common.Address) != w.caller || who[1].(common.Address) != w.user.Addr {
		t.Fatalf("whoami in delegate = (this %s, sender %s), want (%s, %s)", who[0], who[1], w.caller, w.user.Addr)
	}
}

func TestRevertedL2FrameUndoesL1Write(t *testing.T) {
	w := newWorld(t)
	batch := w.run(
		w.callerTx("tryCallThenRevert", w.counter, pack(t, "Counter", "increment")),
		w.l1Tx(l1Call, w.counter, pack(t, "Counter", "count")),
	)
	requireSuccess(t, batch.Receipts[0])
	if ok := unpack(t, "Caller", "tryCallThenRevert", batch.Receipts[0].ReturnData)[0].(bool); ok {
		t.Fatal("inner frame did not revert")
	}
	if got := new(big.Int).SetBytes(batch.Receipts[1].ReturnData); got.Sign() != 0 {
		t.Fatalf("count after reverted frame = %d, want 0", got)
	}
	if len(batch.Writes) != 0 {
		t.Fatalf("writes after reverted frame = %v, want none", batch.Writes)
	}
	if len(batch.Receipts[0].L1Logs) != 0 {
		t.Fatalf("L1 logs of a reverted frame survived: %v", batch.Receipts[0].L1Logs)
	}
}

func TestL1RevertReachesCallerWithDataAndGas(t *testing.T) {
	w := newWorld(t)
	const gasGiven = 1_000_000
	batch := w.run(w.callerTx("raw", l1Call, input(w.slots, pack(t, "Slots", "writeThenFail", word(1), word(1))), big.NewInt(gasGiven)))
	requireSuccess(t, batch.Receipts[0])
	ok, ret, gasUsed := rawResult(t, batch.Receipts[0].ReturnData)
	if ok {
		t.Fatal("precompile call succeeded, want revert")
	}
	failed := solidityError(t, "Slots", "Failed")
	args, err := failed.Inputs.Unpack(ret[4:])
	if !bytes.Equal(ret[:4], failed.ID[:4]) || err != nil || args[0].(string) != "on purpose" || args[1].(*big.Int).Uint64() != 42 {
		t.Fatalf("revert data %x is not Failed(\"on purpose\", 42): %v", ret, err)
	}
	if gasUsed > gasGiven/10 {
		t.Fatalf("caller used %d of %d gas; the unused gas must come back on revert", gasUsed, gasGiven)
	}
	if len(batch.Writes) != 0 {
		t.Fatalf("reverted L1 call wrote %v", batch.Writes)
	}
}

func TestL1InfiniteLoopStopsAtCallerGas(t *testing.T) {
	w := newWorld(t)
	const gasGiven = 300_000
	batch := w.run(w.callerTx("raw", l1Call, input(w.slots, pack(t, "Slots", "loop")), big.NewInt(gasGiven)))
	requireSuccess(t, batch.Receipts[0])
	ok, _, gasUsed := rawResult(t, batch.Receipts[0].ReturnData)
	if ok {
		t.Fatal("infinite loop returned successfully")
	}
	if gasUsed < gasGiven {
		t.Fatalf("caller used %d gas, want all %d it gave", gasUsed, gasGiven)
	}
}

func TestCustomErrors(t *testing.T) {
	w := newWorld(t)
	rawCall := func(to common.Address, in []byte) *types.Transaction {
		return w.callerTx("raw", to, in, big.NewInt(2_000_000))
	}
	cases := []struct {
		name   string
		tx     *types.Transaction
		decode func([]byte) callResult
		check  func(t *testing.T, r callResult)
	}{
		{
			name: "input shorter than an address",
			tx:   rawCall(l1Call, make([]byte, 19)),
			check: func(t *testing.T, r callResult) {
				if r.ok || !bytes.Equal(r.ret, precompiles.ErrInvalidInput.Encode()) {
					t.Fatalf("got ok=%v %x, want L1CallInvalidInput()", r.ok, r.ret)
				}
			},
		},
		{
			name: "value sent to the precompile",
			tx:   w.user.Tx(t, &w.caller, big.NewInt(5), pack(t, "Caller", "rawWithValue", l1Call, input(w.counter, pack(t, "Counter", "count"))), 2_000_000),
			decode: func(b []byte) callResult {
				out := unpack(t, "Caller", "rawWithValue", b)
				return callResult{out[0].(bool), out[1].([]byte)}
			},
			check: func(t *testing.T, r callResult) {
				if r.ok || !bytes.Equal(r.ret, precompiles.ErrValueNotAllowed.Encode()) {
					t.Fatalf("got ok=%v %x, want L1CallValueNotAllowed()", r.ok, r.ret)
				}
			},
		},
		{name: "CREATE", tx: rawCall(l1Call, input(w.probe, pack(t, "Probe", "create"))), check: wantUnsupported(vm.CREATE, w.probe)},
		{name: "CREATE2", tx: rawCall(l1Call, input(w.probe, pack(t, "Probe", "create2"))), check: wantUnsupported(vm.CREATE2, w.probe)},
		{name: "SELFDESTRUCT", tx: rawCall(l1Call, input(w.probe, pack(t, "Probe", "destroy"))), check: wantUnsupported(vm.SELFDESTRUCT, w.probe)},
		{name: "value transfer", tx: rawCall(l1Call, input(w.probe, pack(t, "Probe", "sendValue", w.user.Addr))), check: wantUnsupported(vm.CALL, w.probe)},
		{name: "CREATE in a sandbox", tx: rawCall(l1Sandbox, input(w.probe, pack(t, "Probe", "create"))), check: wantUnsupported(vm.CREATE, w.probe)},
		{
			name: "L1CALL writing from a static context",
			tx:   w.callerTx("staticL1Call", w.counter, pack(t, "Counter", "increment")),
			decode: func(b []byte) callResult {
				out := unpack(t, "Caller", "staticL1Call", b)
				return callResult{out[0].(bool), out[1].([]byte)}
			},
			check: func(t *testing.T, r callResult) {
				if r.ok || !bytes.Equal(r.ret, precompiles.ErrStaticViolation.Encode()) {
					t.Fatalf("got ok=%v %x, want L1CallStaticViolation()", r.ok, r.ret)
				}
			},
		},
		{
			name: "L1CALL reading from a static context",
			tx:   w.callerTx("staticL1Call", w.counter, pack(t, "Counter", "count")),
			decode: func(b []byte) callResult {
				out := unpack(t, "Caller", "staticL1Call", b)
				return callResult{out[0].(bool), out[1].([]byte)}
			},
			check: func(t *testing.T, r callResult) {
				if !r.ok {
					t.Fatalf("static read failed: %x", r.ret)
				}
			},
		},
		{
			name: "L1SANDBOXCALL writing from a static context",
			tx:   w.callerTx("staticSandbox", w.counter, pack(t, "Counter", "increment")),
			decode: func(b []byte) callResult {
				out := unpack(t, "Caller", "staticSandbox", b)
				return callResult{out[0].(bool), out[1].([]byte)}
			},
			check: func(t *testing.T, r callResult) {
				if !r.ok {
					t.Fatalf("static sandbox failed: %x", r.ret)
				}
			},
		},
	}
	var txs []*types.Transaction
	for _, c := range cases {
		txs = append(txs, c.tx)
	}
	batch := w.run(txs...)
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := batch.Receipts[i]
			requireSuccess(t, r)
			decode := c.decode
			if decode == nil {
				decode = func(b []byte) callResult {
					ok, ret, _ := rawResult(t, b)
					return callResult{ok, ret}
				}
			}
			c.check(t, decode(r.ReturnData))
		})
	}
	if len(batch.Writes) != 0 {
		t.Fatalf("failed calls left writes: %v", batch.Writes)
	}
}

// callResult is the (ok, returned data) of a low-level call made on L2.
type callResult struct {
	ok  bool
	ret []byte
}

func wantUnsupported(op vm.OpCode, contract common.Address) func(*testing.T, callResult) {
	return func(t *testing.T, r callResult) {
		t.Helper()
		if r.ok {
			t.Fatal("call succeeded, want L1CallUnsupported")
		}
		gotOp, gotAddr, err := precompiles.DecodeUnsupported(r.ret)
		if err != nil {
			t.Fatal(err)
		}
		if gotOp != op || gotAddr != contract {
			t.Fatalf("L1CallUnsupported(%s, %s), want (%s, %s)", gotOp, gotAddr, op, contract)
		}
	}
}

func solidityError(t *testing.T, contract, name string) abi.Error {
	t.Helper()
	e, ok := solidity.MustLoad(contract).ABI.Errors[name]
	if !ok {
		t.Fatalf("%s has no error %s", contract, name)
	}
	return e
}

func equalWrites(a, b statechanges.WriteList) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCallerPaysForL1Execution(t *testing.T) {
	w := newWorld(t)
	batch := w.run(
		w.callerTx("raw", l1Call, input(w.counter, pack(t, "Counter", "increment")), big.NewInt(1_000_000)),
		w.callerTx("raw", l1Call, input(w.counter, pack(t, "Counter", "count")), big.NewInt(1_000_000)),
	)
	_, _, write := rawResult(t, batch.Receipts[0].ReturnData)
	_, _, read := rawResult(t, batch.Receipts[1].ReturnData)
	// A zero-to-nonzero SSTORE alone costs 22,100 gas on L1; a warm read of
	// the same slot about 100.
	if write < 22_100 || read > 5_000 || read < precompiles.BaseGas {
		t.Fatalf("L1CALL cost %d gas for increment and %d for count", write, read)
	}
}
