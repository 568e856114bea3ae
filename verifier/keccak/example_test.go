package keccak_test

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/boosterkit/go-booster/verifier/keccak"
)

// digestCircuit proves that Digest is keccak256 of the first Length of
// up to 64 bytes of Data.
type digestCircuit struct {
	Data   [64]frontend.Variable
	Length frontend.Variable
	Digest [32]frontend.Variable `gnark:",public"`
}

func (c *digestCircuit) Define(api frontend.API) error {
	sum, err := keccak.New(api).Sum(c.Data[:], c.Length)
	if err != nil {
		return err
	}
	for i := range sum {
		api.AssertIsEqual(sum[i], c.Digest[i])
	}
	return nil
}

// A circuit hashes a variable-length input with one Hasher; the
// constraint solver checks the digest against go-ethereum's.
func ExampleHasher_Sum() {
	msg := []byte("booster")
	var a digestCircuit
	for i := range a.Data {
		a.Data[i] = 0
		if i < len(msg) {
			a.Data[i] = msg[i]
		}
	}
	a.Length = len(msg)
	for i, b := range crypto.Keccak256(msg) {
		a.Digest[i] = b
	}
	err := test.IsSolved(&digestCircuit{}, &a, ecc.BLS12_377.ScalarField())
	fmt.Println("keccak256(\"booster\") proven:", err == nil)
	// Output: keccak256("booster") proven: true
}
