package txsig

import (
	"fmt"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/evmprecompiles"
	"github.com/consensys/gnark/std/hash/sha3"
	"github.com/consensys/gnark/std/math/emulated"
	"github.com/consensys/gnark/std/math/uints"

	"github.com/boosterkit/go-booster/verifier/keccak"
)

// BenchmarkSignatureConstraints compiles the signature gadget on BLS12-377
// (the segment curve) for several calldata capacities and reports its
// R1CS size: the keccak permutations of the payload grow with the
// capacity (one per 136 bytes), the recovery and the address's keccak do
// not.
func BenchmarkSignatureConstraints(b *testing.B) {
	for _, dataCap := range []int{0, 128, 300, 1024} {
		b.Run(fmt.Sprintf("calldata=%d", dataCap), func(b *testing.B) {
			var n int
			for range b.N {
				cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, &txCircuit{Tx: NewTx(dataCap)})
				if err != nil {
					b.Fatal(err)
				}
				n = cs.GetNbConstraints()
			}
			b.ReportMetric(float64(n), "constraints")
			b.ReportMetric(float64((PayloadCap(dataCap)+136)/136), "payload-blocks")
		})
	}
}

// recoverOnly is gnark's ECRecover alone, the baseline of the gadget's
// cost.
type recoverOnly struct {
	Msg, R, S emulated.Element[emulated.Secp256k1Fr]
	V         frontend.Variable
}

func (c *recoverOnly) Define(api frontend.API) error {
	evmprecompiles.ECRecover(api, c.Msg, c.V, c.R, c.S, 1, 0)
	return nil
}

// keccakOnly is gnark's keccak256 of one block, fixed length.
type keccakOnly struct {
	In [64]frontend.Variable
}

func (c *keccakOnly) Define(api frontend.API) error {
	bf, err := uints.NewBytes(api)
	if err != nil {
		return err
	}
	h, err := sha3.NewLegacyKeccak256(api)
	if err != nil {
		return err
	}
	in := make([]uints.U8, len(c.In))
	for i := range in {
		in[i] = bf.ValueOf(c.In[i])
	}
	h.Write(in)
	h.Sum()
	return nil
}

// lookupKeccakOnly hashes one block with package keccak's gadget.
type lookupKeccakOnly struct {
	In [135]frontend.Variable
}

func (c *lookupKeccakOnly) Define(api frontend.API) error {
	_, err := keccak.New(api).Sum(c.In[:], len(c.In))
	return err
}

// BenchmarkSignatureBaselines reports the size of gnark's ECRecover and of
// one keccak256 block on BLS12-377 with gnark's std/hash/sha3 and with
// package keccak's lookup gadget (which the signature gadget uses), the
// parts the signature gadget is made of.
func BenchmarkSignatureBaselines(b *testing.B) {
	for _, c := range []struct {
		name string
		c    frontend.Circuit
	}{{"ecrecover", &recoverOnly{}}, {"keccak-block", &keccakOnly{}}, {"keccak-block-lookup", &lookupKeccakOnly{}}} {
		b.Run(c.name, func(b *testing.B) {
			var n int
			for range b.N {
				cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, c.c)
				if err != nil {
					b.Fatal(err)
				}
				n = cs.GetNbConstraints()
			}
			b.ReportMetric(float64(n), "constraints")
		})
	}
}
