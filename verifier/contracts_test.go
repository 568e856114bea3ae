package verifier

import (
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// contractTrace traces a call of a compiled fixture.
func contractTrace(t *testing.T, name, method string, storage map[common.Hash]common.Hash, args ...any) *trace.Trace {
	t.Helper()
	a := solidity.MustLoad(name)
	in, err := a.ABI.Pack(method, args...)
	if err != nil {
		t.Fatal(err)
	}
	return traceOf(t, a.DeployedBytecode, in, storage)
}

// TestRealContractsSolve runs real Solidity calls (the counter, the
// arithmetic loop, and the copies Solidity makes for a bytes argument, a
// new memory array and a contract's creation code) through the circuit of
// the smallest shape that proves them, and checks the first word each
// returns.
func TestRealContractsSolve(t *testing.T) {
	slot0 := map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))}
	data := []byte("a bytes argument of 49 bytes, copied to memory...")
	tests := []struct {
		name   string
		trace  func(t *testing.T) *trace.Trace
		shape  Shape
		result int64
	}{
		{"PlainCounter.increment", func(t *testing.T) *trace.Trace { return contractTrace(t, "PlainCounter", "increment", slot0) }, Shapes[0], 42},
		{"PlainCounter.add", func(t *testing.T) *trace.Trace {
			return contractTrace(t, "PlainCounter", "add", slot0, big.NewInt(1000))
		}, Shapes[0], 1041},
		{"Arith.run(4)", func(t *testing.T) *trace.Trace { return contractTrace(t, "Arith", "run", nil, big.NewInt(4)) }, Shapes[1], 99},
		{"Copier.head", func(t *testing.T) *trace.Trace { return contractTrace(t, "Copier", "head", nil, data) }, Shapes[1], int64(len(data))},
		{"Copier.zeros(5)", func(t *testing.T) *trace.Trace { return contractTrace(t, "Copier", "zeros", nil, big.NewInt(5)) }, Shapes[1], 7},
		{"Copier.creationHead", func(t *testing.T) *trace.Trace { return contractTrace(t, "Copier", "creationHead", nil) }, Shapes[1],
			int64(len(solidity.MustLoad("Tiny").Bytecode))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tt.trace(t)
			t.Logf("%d steps", len(tr.Steps))
			if got := new(big.Int).SetBytes(tr.ReturnData[:32]); got.Cmp(big.NewInt(tt.result)) != 0 {
				t.Fatalf("returned %d, want %d", got, tt.result)
			}
			w, err := Assign(tr, tt.shape)
			if err != nil {
				t.Fatal(err)
			}
			if err := solve(t, tt.shape, w); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestCounterOverflowPanics proves the overflowing add: Solidity stores
// Panic(0x11)'s argument at offset 4 (an unaligned MSTORE over two words)
// and reverts with 36 bytes.
func TestCounterOverflowPanics(t *testing.T) {
	max := map[common.Hash]common.Hash{{}: common.MaxHash}
	tr := contractTrace(t, "PlainCounter", "add", max, big.NewInt(1))
	panic11 := common.FromHex("4e487b710000000000000000000000000000000000000000000000000000000000000011")
	if !tr.Reverted || string(tr.ReturnData) != string(panic11) {
		t.Fatalf("reverted %v with %x, want Panic(0x11)", tr.Reverted, tr.ReturnData)
	}
	w := mustAssign(t, tr, Shapes[0])
	accepts(t, Shapes[0], w)
	if w.Storage[0].FinalHi.(*big.Int).Cmp(w.Storage[0].InitHi.(*big.Int)) != 0 {
		t.Fatal("a reverted call changed storage")
	}
}

// TestCustomErrorRevert proves a Solidity custom error without arguments:
// REVERT of 4 bytes from an aligned offset.
func TestCustomErrorRevert(t *testing.T) {
	tr := contractTrace(t, "Guard", "check", nil, big.NewInt(0))
	zero := solidity.MustLoad("Guard").ABI.Errors["Zero"].ID
	if !tr.Reverted || len(tr.ReturnData) != 4 || [4]byte(tr.ReturnData) != [4]byte(zero[:4]) {
		t.Fatalf("reverted %v with %x, want Zero()", tr.Reverted, tr.ReturnData)
	}
	w := mustAssign(t, tr, Shapes[0])
	accepts(t, Shapes[0], w)
	// The bytes of the memory word past the 4 returned are not returned.
	w.Return[0].Lo = 1
	recommit(w)
	rejects(t, Shapes[0], w)
}

// TestRecorderWithoutState: a recorder that never saw OnTxStart cannot
// know the old value of a slot first written, and says so.
func TestRecorderWithoutState(t *testing.T) {
	rec := trace.NewRecorder()
	hooks := rec.Hooks()
	hooks.OnTxStart = nil
	code := newProgram().pushU(5).pushU(1).op(vm.SSTORE, vm.STOP).bytes()
	if err := trace.RunWithHooks(trace.Call{Code: code, Address: common.HexToAddress("0xc0de")}, hooks); err != nil {
		t.Fatal(err)
	}
	if _, err := rec.Trace(); !errors.Is(err, ErrExecution) {
		t.Fatalf("Trace = %v, want ErrExecution about the unknown old value", err)
	}
}
