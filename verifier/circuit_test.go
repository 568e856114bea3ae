package verifier

import (
	"math/big"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/holiman/uint256"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// tiny is the shape of the constraint-solver tests.
var tiny = Shape{Steps: 24, Code: 96, Calldata: 40, Stack: 8, Memory: 4, Storage: 2, Return: 2, Add: 4, Mul: 2, Bit: 2, Splice: 2}

func traceOf(t *testing.T, code []byte, input []byte, storage map[common.Hash]common.Hash) *trace.Trace {
	t.Helper()
	tr, err := trace.Run(trace.Call{Code: code, Input: input, Storage: storage,
		Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11")})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func solve(t *testing.T, s Shape, w *Circuit, opts ...test.TestEngineOption) error {
	t.Helper()
	c, err := NewCircuit(s)
	if err != nil {
		t.Fatal(err)
	}
	return test.IsSolved(c, w, ecc.BN254.ScalarField(), opts...)
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

// TestPublicCommitment: the commitment computed from the public values
// alone equals the witness's, and changes with any of them.
func TestPublicCommitment(t *testing.T) {
	tr := contractTrace(t, "PlainCounter", "add", map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))}, big.NewInt(1000))
	w, err := Assign(tr, Shapes[0])
	if err != nil {
		t.Fatal(err)
	}
	pub := PublicOf(tr)
	got, err := pub.Commitment(Shapes[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Cmp(w.Commitment.(*big.Int)) != 0 {
		t.Fatalf("public commitment %s, witness %s", got, w.Commitment)
	}
	changes := []func(p *Public){
		func(p *Public) { p.Code = append(append([]byte{}, p.Code...), 0) },
		func(p *Public) { p.Calldata = append([]byte{}, p.Calldata...); p.Calldata[35]++ },
		func(p *Public) { p.Caller[19]++ },
		func(p *Public) { p.Origin[0]++ },
		func(p *Public) { p.Address[5]++ },
		func(p *Public) { p.Value.SetUint64(1) },
		func(p *Public) {
			p.Storage = []trace.StorageSlot{{Key: p.Storage[0].Key, Initial: p.Storage[0].Initial, Final: common.Hash{1}}}
		},
		func(p *Public) { p.ReturnData = append([]byte{}, p.ReturnData...); p.ReturnData[31]++ },
		func(p *Public) { p.Reverted = true },
	}
	for i, change := range changes {
		p := PublicOf(tr)
		change(&p)
		c, err := p.Commitment(Shapes[0])
		if err != nil {
			t.Fatal(err)
		}
		if c.Cmp(got) == 0 {
			t.Errorf("change %d leaves the commitment unchanged", i)
		}
	}
}
