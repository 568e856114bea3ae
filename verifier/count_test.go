package verifier

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

func TestCountConstraints(t *testing.T) {
	for _, s := range []Shape{tiny, {Steps: 256, Code: 512, Calldata: 128, Stack: 32, Memory: 16, Storage: 8, Return: 4, Alu: 96}, {Steps: 512, Code: 512, Calldata: 128, Stack: 32, Memory: 16, Storage: 8, Return: 4, Alu: 96}} {
		c, _ := NewCircuit(s)
		cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d constraints, %.1f per step", s.Name(), cs.GetNbConstraints(), float64(cs.GetNbConstraints())/float64(s.Steps))
	}
}
