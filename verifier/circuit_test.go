package verifier

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"
)

// tiny is the shape of the constraint-solver tests.
var tiny = Shape{Steps: 24, Code: 96, Calldata: 40, Stack: 8, Memory: 4, Storage: 2, Return: 2, Add: 4, Mul: 2, Bit: 2}

func traceOf(t *testing.T, code []byte, input []byte, storage map[common.Hash]common.Hash) *Trace {
	t.Helper()
	tr, err := TraceCall(Call{Code: code, Input: input, Storage: storage,
		Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11")})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func solve(t *testing.T, s Shape, w *Circuit) error {
	t.Helper()
	c, err := NewCircuit(s)
	if err != nil {
		t.Fatal(err)
	}
	return test.IsSolved(c, w, ecc.BN254.ScalarField())
}

func TestSimpleAdd(t *testing.T) {
	// PUSH1 2 PUSH1 3 ADD PUSH1 0 MSTORE PUSH1 0x20 PUSH1 0 RETURN
	code := common.FromHex("600260030160005260206000f3")
	tr := traceOf(t, code, nil, nil)
	w, err := Assign(tr, tiny)
	if err != nil {
		t.Fatal(err)
	}
	if err := solve(t, tiny, w); err != nil {
		t.Fatal(err)
	}
}

func TestSimpleAddTampered(t *testing.T) {
	code := common.FromHex("600260030160005260206000f3")
	tr := traceOf(t, code, nil, nil)
	w, err := Assign(tr, tiny)
	if err != nil {
		t.Fatal(err)
	}
	w.Rows[2].W0.Lo = 6
	if err := solve(t, tiny, w); err == nil {
		t.Fatal("tampered ADD result accepted")
	} else {
		t.Log(err)
	}
}

// binaryCode is PUSH32 b, PUSH32 a, op, then returns the result.
func binaryCode(op byte, a, b *uint256.Int) []byte {
	code := []byte{0x7f}
	bb := b.Bytes32()
	code = append(code, bb[:]...)
	code = append(code, 0x7f)
	ab := a.Bytes32()
	code = append(code, ab[:]...)
	return append(code, op, 0x60, 0, 0x52, 0x60, 0x20, 0x60, 0, 0xf3)
}

func TestDifferentialQuick(t *testing.T) {
	for _, op := range []vm.OpCode{vm.ADD, vm.SUB, vm.LT, vm.GT, vm.SLT, vm.SGT, vm.EQ, vm.MUL, vm.DIV, vm.MOD, vm.SHL, vm.SHR, vm.AND, vm.OR, vm.XOR} {
		a, b := uint256.NewInt(7), uint256.NewInt(300)
		tr := traceOf(t, binaryCode(byte(op), a, b), nil, nil)
		w, err := Assign(tr, tiny)
		if err != nil {
			t.Fatal(op, err)
		}
		if err := solve(t, tiny, w); err != nil {
			t.Fatal(op, err)
		}
	}
}
