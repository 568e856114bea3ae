package verifier

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

func count(t *testing.T, s Shape) int {
	c, _ := NewCircuit(s)
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		t.Fatal(err)
	}
	return cs.GetNbConstraints()
}

func TestMarginal(t *testing.T) {
	base := Shape{Steps: 256, Code: 512, Calldata: 128, Stack: 32, Memory: 16, Storage: 8, Return: 4, Add: 64, Mul: 16, Bit: 8}
	n0 := count(t, base)
	d := func(name string, f func(s *Shape), k int) {
		s := base
		f(&s)
		t.Logf("%s: %.1f per unit", name, float64(count(t, s)-n0)/float64(k))
	}
	t.Logf("base %d", n0)
	d("row", func(s *Shape) { s.Steps += 256 }, 256)
	d("add", func(s *Shape) { s.Add += 64 }, 64)
	d("mul", func(s *Shape) { s.Mul += 16 }, 16)
	d("bit", func(s *Shape) { s.Bit += 8 }, 8)
	d("code", func(s *Shape) { s.Code += 512 }, 512)
	d("calldata", func(s *Shape) { s.Calldata += 128 }, 128)
	d("storage", func(s *Shape) { s.Storage += 8 }, 8)
}
