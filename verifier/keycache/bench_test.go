package keycache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// chain is a circuit of n multiplications, to give a proving key some
// size.
type chain struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
	n int
}

func (c *chain) Define(api frontend.API) error {
	v := c.X
	for range c.n {
		v = api.Mul(v, v)
	}
	api.AssertIsEqual(v, c.Y)
	return nil
}

// BenchmarkLoad reads the key set of a BLS12-377 circuit of 2^16
// multiplications the way load does (the proving key checked by its
// SHA-256 sum, its points not checked) against gnark's checked ReadFrom
// of the same proving key in the same run:
//
//	go test -run XXX -bench BenchmarkLoad -benchtime 3x ./verifier/keycache
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, &chain{n: 1 << 16})
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := LoadOrSetup(dir, "chain", cs); err != nil {
		b.Fatal(err)
	}
	digest, err := Digest(cs)
	if err != nil {
		b.Fatal(err)
	}
	base := filepath.Join(dir, "chain-"+digest)
	var checked float64
	b.Run("checked", func(b *testing.B) {
		for range b.N {
			f, err := os.Open(base + pkSuffix)
			if err != nil {
				b.Fatal(err)
			}
			pk := groth16.NewProvingKey(ecc.BLS12_377)
			if _, err := pk.ReadFrom(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		checked = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("load", func(b *testing.B) {
		for range b.N {
			ok, err := load(base, groth16.NewProvingKey(ecc.BLS12_377), groth16.NewVerifyingKey(ecc.BLS12_377))
			if err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
		if checked > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/checked, "x-checked")
		}
	})
}
