package verifier

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/ethereum/go-ethereum/common"
	"github.com/stretchr/testify/require"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// Key file suffixes of keycache.
const (
	pkSuffix  = ".pk"
	vkSuffix  = ".vk"
	sumSuffix = ".sum"
)

// The key cache tests run several setups of the tiny shape (a second or
// two each).

// tinyTrace returns 42 from a five-instruction program that fits tiny.
func tinyTrace(t *testing.T) *trace.Trace {
	t.Helper()
	// PUSH1 42 PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
	code := []byte{0x60, 42, 0x60, 0, 0x52, 0x60, 32, 0x60, 0, 0xf3}
	tr, err := trace.Run(trace.Call{Code: code, Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xca11")})
	require.NoError(t, err)
	return tr
}

// keyFiles returns the contents of every key file in dir, by name.
func keyFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix} {
		matches, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
		require.NoError(t, err)
		for _, m := range matches {
			b, err := os.ReadFile(m)
			require.NoError(t, err)
			out[filepath.Base(m)] = b
		}
	}
	return out
}

func vkBytes(t *testing.T, k *Keys) []byte {
	t.Helper()
	var buf bytes.Buffer
	_, err := k.vk.WriteTo(&buf)
	require.NoError(t, err)
	return buf.Bytes()
}

func onlyFile(t *testing.T, dir, suffix string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+suffix))
	require.NoError(t, err)
	require.Len(t, m, 1)
	return m[0]
}

func TestKeyCacheReload(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup: skipped with -short")
	}
	dir := t.TempDir()
	first, err := LoadOrSetup(dir, tiny)
	require.NoError(t, err)
	files := keyFiles(t, dir)
	require.Len(t, files, 3, "proving key, verifying key and sums")
	again, err := LoadOrSetup(dir, tiny)
	require.NoError(t, err)
	require.Equal(t, vkBytes(t, first), vkBytes(t, again), "second call must load the first call's keys")
	require.Equal(t, files, keyFiles(t, dir), "loading rewrote the key files")
	p, err := again.Prove(tinyTrace(t))
	require.NoError(t, err)
	require.NoError(t, first.Verify(p, p.Commitment))
}

// TestKeyCacheRefusesBadFiles damages a cached key set in each way a disk,
// a crash or a careless copy can, and checks that LoadOrSetup fails with
// ErrKeyCache and leaves every file as it found it.
func TestKeyCacheRefusesBadFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup: skipped with -short")
	}
	good := t.TempDir()
	_, err := LoadOrSetup(good, tiny)
	require.NoError(t, err)
	other := t.TempDir() // a second, independent setup of the same circuit
	_, err = LoadOrSetup(other, tiny)
	require.NoError(t, err)
	otherPK, err := os.ReadFile(onlyFile(t, other, pkSuffix))
	require.NoError(t, err)
	otherSums, err := os.ReadFile(onlyFile(t, other, sumSuffix))
	require.NoError(t, err)

	for _, c := range []struct {
		name   string
		damage func(t *testing.T, dir string)
	}{
		{"truncated proving key", func(t *testing.T, dir string) {
			p := onlyFile(t, dir, pkSuffix)
			b, _ := os.ReadFile(p)
			require.NoError(t, os.WriteFile(p, b[:len(b)/2], 0o644))
		}},
		{"proving key with bytes appended", func(t *testing.T, dir string) {
			p := onlyFile(t, dir, pkSuffix)
			b, _ := os.ReadFile(p)
			require.NoError(t, os.WriteFile(p, append(b, 0), 0o644))
		}},
		{"flipped byte in the proving key", func(t *testing.T, dir string) {
			p := onlyFile(t, dir, pkSuffix)
			b, _ := os.ReadFile(p)
			b[len(b)-1] ^= 1
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}},
		{"flipped byte in the verifying key", func(t *testing.T, dir string) {
			p := onlyFile(t, dir, vkSuffix)
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 1
			require.NoError(t, os.WriteFile(p, b, 0o644))
		}},
		{"sums missing", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(onlyFile(t, dir, sumSuffix)))
		}},
		{"verifying key missing", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(onlyFile(t, dir, vkSuffix)))
		}},
		{"proving key of another setup", func(t *testing.T, dir string) {
			require.NoError(t, os.WriteFile(onlyFile(t, dir, pkSuffix), otherPK, 0o644))
		}},
		{"proving key and sums of another setup", func(t *testing.T, dir string) {
			// The sums match the files, so only the setup check can tell.
			require.NoError(t, os.WriteFile(onlyFile(t, dir, pkSuffix), otherPK, 0o644))
			lines := bytes.SplitAfter(otherSums, []byte("\n"))
			ownSums, err := os.ReadFile(onlyFile(t, dir, sumSuffix))
			require.NoError(t, err)
			own := bytes.SplitAfter(ownSums, []byte("\n"))
			require.NoError(t, os.WriteFile(onlyFile(t, dir, sumSuffix), append(lines[0], own[1]...), 0o644))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, b := range keyFiles(t, good) {
				require.NoError(t, os.WriteFile(filepath.Join(dir, name), b, 0o644))
			}
			c.damage(t, dir)
			before := keyFiles(t, dir)
			_, err := LoadOrSetup(dir, tiny)
			require.ErrorIs(t, err, ErrKeyCache)
			require.Equal(t, before, keyFiles(t, dir), "the damaged files were replaced")
		})
	}
}

// TestKeyCacheConcurrentSetup starts several LoadOrSetup calls at once on
// an empty directory: the setup runs once, and every caller gets the keys
// that end on disk.
func TestKeyCacheConcurrentSetup(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup: skipped with -short")
	}
	dir := t.TempDir()
	const callers = 3
	keys := make([]*Keys, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() { keys[i], errs[i] = LoadOrSetup(dir, tiny) })
	}
	wg.Wait()
	onDisk, err := os.ReadFile(onlyFile(t, dir, vkSuffix))
	require.NoError(t, err)
	for i := range callers {
		require.NoError(t, errs[i])
		require.Equal(t, onDisk, vkBytes(t, keys[i]), "caller %d got keys that are not on disk", i)
	}
	leftovers, err := filepath.Glob(filepath.Join(dir, "*.tmp-*"))
	require.NoError(t, err)
	require.Empty(t, leftovers)
}

func TestProveVerifyRefuseBadInput(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup: skipped with -short")
	}
	keys, err := LoadOrSetup(t.TempDir(), tiny)
	require.NoError(t, err)
	_, err = keys.Prove(nil)
	require.ErrorIs(t, err, ErrInput)
	var nilKeys *Keys
	_, err = nilKeys.Prove(tinyTrace(t))
	require.ErrorIs(t, err, ErrInput)

	p, err := keys.Prove(tinyTrace(t))
	require.NoError(t, err)
	require.NoError(t, keys.Verify(p, p.Commitment))
	modulus := ecc.BN254.ScalarField()
	for _, c := range []struct {
		name       string
		proof      *Proof
		commitment *big.Int
	}{
		{"nil proof", nil, p.Commitment},
		{"empty proof", &Proof{}, p.Commitment},
		{"nil commitment", p, nil},
		{"commitment plus the modulus", p, new(big.Int).Add(p.Commitment, modulus)},
		{"the modulus", p, modulus},
		{"negative commitment", p, new(big.Int).Sub(p.Commitment, modulus)},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.ErrorIs(t, keys.Verify(c.proof, c.commitment), ErrInput)
		})
	}
}

// TestKeyCacheAcrossProcesses runs LoadOrSetup in two processes at once
// on an empty directory (this test binary, re-run as a helper): the file
// lock makes one set the keys up and the other load them, so both end
// with the verifying key that is on disk.
func TestKeyCacheAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("GO_BOOSTER_KEYCACHE_HELPER"); dir != "" {
		k, err := LoadOrSetup(dir, tiny)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var buf bytes.Buffer
		if _, err := k.vk.WriteTo(&buf); err != nil {
			os.Exit(1)
		}
		fmt.Printf("vk %x\n", sha256.Sum256(buf.Bytes()))
		os.Exit(0)
	}
	if testing.Short() {
		t.Skip("Groth16 setup: skipped with -short")
	}
	dir := t.TempDir()
	cmds := make([]*exec.Cmd, 2)
	outs := make([]*bytes.Buffer, 2)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestKeyCacheAcrossProcesses$")
		cmds[i].Env = append(os.Environ(), "GO_BOOSTER_KEYCACHE_HELPER="+dir)
		outs[i] = new(bytes.Buffer)
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		require.NoError(t, cmds[i].Start())
	}
	for i, c := range cmds {
		require.NoError(t, c.Wait(), "helper %d: %s", i, outs[i])
	}
	onDisk, err := os.ReadFile(onlyFile(t, dir, vkSuffix))
	require.NoError(t, err)
	want := fmt.Sprintf("vk %x\n", sha256.Sum256(onDisk))
	for i := range outs {
		require.Equal(t, want, outs[i].String(), "helper %d", i)
	}
}

// TestKeyCachePrunesStaleSets: a new setup removes the key sets an older
// circuit of the same shape left (same name, another digest), and leaves
// other shapes' keys and other files alone.
func TestKeyCachePrunesStaleSets(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup: skipped with -short")
	}
	dir := t.TempDir()
	write := func(name string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o600))
	}
	stale := tiny.Name() + "-0123456789abcdef"
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix, ".lock"} {
		write(stale + suffix)
	}
	kept := []string{
		Shapes[0].Name() + "-0123456789abcdef" + pkSuffix, // another shape
		tiny.Name() + "-notes.txt",                        // not a key set
		tiny.Name() + "-0123456789abcdef.pk.tmp-1",        // not a key file
	}
	for _, name := range kept {
		write(name)
	}
	_, err := LoadOrSetup(dir, tiny)
	require.NoError(t, err)
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix, ".lock"} {
		require.NoFileExists(t, filepath.Join(dir, stale+suffix))
	}
	for _, name := range kept {
		require.FileExists(t, filepath.Join(dir, name))
	}
	require.Len(t, keyFiles(t, dir), 4, "the new set and the other shape's file")
}

func TestPruneKeys(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o600))
	}
	renamed := "steps1024-code2048-old-capacities-0123456789abcdef" // a shape no longer among Shapes
	current := Shapes[0].Name() + "-fedcba9876543210"
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix, ".lock"} {
		write(renamed + suffix)
		write(current + suffix)
	}
	others := []string{"notes.txt", renamed + ".pk.tmp-1", "x-0123.pk"}
	for _, name := range others {
		write(name)
	}
	removed, err := PruneKeys(dir, Shapes...)
	require.NoError(t, err)
	require.Equal(t, []string{renamed}, removed)
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix, ".lock"} {
		require.NoFileExists(t, filepath.Join(dir, renamed+suffix))
		require.FileExists(t, filepath.Join(dir, current+suffix), "a kept shape's set stays")
	}
	for _, name := range others {
		require.FileExists(t, filepath.Join(dir, name), "not a key set")
	}
	_, err = PruneKeys(filepath.Join(dir, "missing"), Shapes...)
	require.ErrorIs(t, err, ErrKeyCache)
}
