package keccak_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/test"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/keccak"
)

// sumCircuit checks that keccak256 of Data's first Length bytes is Digest.
type sumCircuit struct {
	Data   []frontend.Variable
	Length frontend.Variable
	Digest [keccak.Size]frontend.Variable
}

func (c *sumCircuit) Define(api frontend.API) error {
	got, err := keccak.New(api).Sum(c.Data, c.Length)
	if err != nil {
		return err
	}
	for i := range got {
		api.AssertIsEqual(got[i], c.Digest[i])
	}
	return nil
}

// sumAssignment hashes data's first n bytes into a circuit of capacity
// bytes, the bytes past n filled with garbage.
func sumAssignment(data []byte, n, capacity int) *sumCircuit {
	a := &sumCircuit{Data: make([]frontend.Variable, capacity), Length: n}
	for i := range a.Data {
		a.Data[i] = byte(i*7 + 3)
		if i < len(data) {
			a.Data[i] = data[i]
		}
	}
	d := crypto.Keccak256(data[:n])
	for i := range a.Digest {
		a.Digest[i] = d[i]
	}
	return a
}

func solve(capacity int, a *sumCircuit) error {
	return test.IsSolved(&sumCircuit{Data: make([]frontend.Variable, capacity)}, a, ecc.BLS12_377.ScalarField())
}

// TestSum checks the hash against go-ethereum's keccak256 at the sponge's
// edges (0, 1, 135, 136, 137 bytes, two blocks and more) and below the
// capacity, with garbage past the length.
func TestSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	data := make([]byte, 2100)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	cases := []struct{ n, capacity int }{
		{0, 0}, {0, 40}, {1, 1}, {31, 64}, {135, 135}, {136, 136}, {137, 137},
		{136, 300}, {271, 272}, {272, 272}, {300, 300}, {2048, 2048}, {137, 2100},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d of %d bytes", tc.n, tc.capacity), func(t *testing.T) {
			if testing.Short() && tc.capacity > 300 {
				t.Skip("long input")
			}
			require.NoError(t, solve(tc.capacity, sumAssignment(data, tc.n, tc.capacity)))
		})
	}
	t.Run("values past the length are not read", func(t *testing.T) {
		a := sumAssignment(data, 10, 20)
		a.Data[15] = 300
		require.NoError(t, solve(20, a))
	})
}

// TestSumRefuses checks what a wrong witness gets: another digest, a
// length above the capacity, an input value that is not a byte, and a
// byte changed before the length with the old digest.
func TestSumRefuses(t *testing.T) {
	data := []byte("the quick brown fox jumps over the lazy dog, twice over: the quick brown fox jumps over the lazy dog, and a third time for the block edge")
	const capacity = 150
	cases := []struct {
		name   string
		change func(a *sumCircuit)
	}{
		{"a digest byte changed", func(a *sumCircuit) { a.Digest[31] = a.Digest[31].(byte) ^ 1 }},
		{"the digest of one byte less", func(a *sumCircuit) { a.Length = len(data) - 1 }},
		{"a length above the capacity", func(a *sumCircuit) { a.Length = capacity + 1 }},
		{"a data value of 256", func(a *sumCircuit) { a.Data[3] = 256 }},
		{"a byte before the length changed", func(a *sumCircuit) { a.Data[0] = byte('T') }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := sumAssignment(data, len(data), capacity)
			require.NoError(t, solve(capacity, a), "control")
			tc.change(a)
			require.Error(t, solve(capacity, a))
		})
	}
}
