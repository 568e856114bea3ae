package keycache

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/stretchr/testify/require"
)

type square struct {
	X frontend.Variable
	Y frontend.Variable `gnark:",public"`
}

func (c *square) Define(api frontend.API) error {
	api.AssertIsEqual(api.Mul(c.X, c.X), c.Y)
	return nil
}

// TestCurves checks, on each curve the cache handles, that a second
// LoadOrSetup loads the keys the first made (a proof of one verifies with
// the other), and that a set whose proving and verifying keys come from
// two setups is refused with ErrKeyCache and left in place.
func TestCurves(t *testing.T) {
	for _, curve := range []ecc.ID{ecc.BN254, ecc.BLS12_377, ecc.BW6_761} {
		t.Run(curve.String(), func(t *testing.T) {
			dir := t.TempDir()
			cs, err := frontend.Compile(curve.ScalarField(), r1cs.NewBuilder, &square{})
			require.NoError(t, err)
			pk, _, err := LoadOrSetup(dir, "square", cs)
			require.NoError(t, err)
			_, vk, err := LoadOrSetup(dir, "square", cs)
			require.NoError(t, err)
			w, err := frontend.NewWitness(&square{X: 3, Y: 9}, curve.ScalarField())
			require.NoError(t, err)
			proof, err := groth16.Prove(cs, pk, w)
			require.NoError(t, err)
			pub, err := w.Public()
			require.NoError(t, err)
			require.NoError(t, groth16.Verify(proof, vk, pub))

			// Another setup's verifying key, with sums that match.
			digest, err := Digest(cs)
			require.NoError(t, err)
			base := filepath.Join(dir, "square-"+digest)
			_, otherVK, err := groth16.Setup(cs)
			require.NoError(t, err)
			pkBefore, err := os.ReadFile(base + pkSuffix)
			require.NoError(t, err)
			require.NoError(t, store(base, pk, otherVK))
			_, _, err = LoadOrSetup(dir, "square", cs)
			require.ErrorIs(t, err, ErrKeyCache)
			pkAfter, err := os.ReadFile(base + pkSuffix)
			require.NoError(t, err)
			require.Equal(t, pkBefore, pkAfter, "a damaged set was replaced")
		})
	}
}

// TestPrune checks that Prune removes the sets keep refuses and leaves
// the others and every other file.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, &square{})
	require.NoError(t, err)
	for _, name := range []string{"keep", "drop"} {
		_, _, err := LoadOrSetup(dir, name, cs)
		require.NoError(t, err)
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "batch"), 0o755))
	removed, err := Prune(dir, func(name string) bool { return name == "keep" })
	require.NoError(t, err)
	require.Len(t, removed, 1)
	left, err := filepath.Glob(filepath.Join(dir, "*"))
	require.NoError(t, err)
	var names []string
	for _, l := range left {
		names = append(names, filepath.Base(l))
	}
	digest, err := Digest(cs)
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"batch", "notes.txt", "keep-" + digest + ".pk", "keep-" + digest + ".vk", "keep-" + digest + ".sum", "keep-" + digest + ".lock"}, names)
}

// TestParseKeyFile checks which file names are key files.
func TestParseKeyFile(t *testing.T) {
	cases := []struct {
		file, name, digest string
		ok                 bool
	}{
		{"steps256-code384-0123456789abcdef.pk", "steps256-code384", "0123456789abcdef", true},
		{"a-b-c-0123456789abcdef.lock", "a-b-c", "0123456789abcdef", true},
		{"steps256-0123456789ABCDEF.pk", "", "", false},
		{"steps256-0123.vk", "", "", false},
		{"-0123456789abcdef.sum", "", "", false},
		{"steps256-0123456789abcdef.pk.tmp-3", "", "", false},
	}
	for _, c := range cases {
		name, digest, ok := parseKeyFile(c.file)
		require.Equal(t, c.ok, ok, c.file)
		require.Equal(t, c.name, name, c.file)
		require.Equal(t, c.digest, digest, c.file)
	}
}
