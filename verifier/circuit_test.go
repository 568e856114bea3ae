package verifier

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
)

// tiny is the shape of the constraint-solver tests.
var tiny = Shape{Steps: 24, Code: 48, Calldata: 40, Stack: 8, Memory: 4, Storage: 2, Return: 2, Alu: 8}

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
