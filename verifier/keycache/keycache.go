package keycache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	groth16bls12377 "github.com/consensys/gnark/backend/groth16/bls12-377"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	groth16bw6761 "github.com/consensys/gnark/backend/groth16/bw6-761"
	"github.com/consensys/gnark/constraint"
)

// Errors of the key cache.
var (
	// ErrKeys means keys could not be made, read or written.
	ErrKeys = errors.New("keycache: keys")
	// ErrKeyCache means keys found on disk are truncated, corrupted, or
	// not one setup's pair; they are left in place, not replaced.
	ErrKeyCache = errors.New("keycache: damaged key set")
)

// Key file suffixes: the proving key, the verifying key, and the SHA-256
// sums of both, written last so that its presence marks a complete set.
const (
	pkSuffix   = ".pk"
	vkSuffix   = ".vk"
	sumSuffix  = ".sum"
	lockSuffix = ".lock"
)

// Digest is the circuit digest that names a key set: the first 8 bytes of
// the SHA-256 of the compiled constraint system, in hex.
func Digest(cs constraint.ConstraintSystem) (string, error) {
	h := sha256.New()
	if _, err := cs.WriteTo(h); err != nil {
		return "", fmt.Errorf("keycache: digest circuit: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// LoadOrSetup returns the keys of the circuit cs called name, read from
// dir (created if missing) if a set of its digest is there, else made by
// groth16.Setup and written there, removing the sets of name with other
// digests. Keys read back are checked as the package says.
func LoadOrSetup(dir, name string, cs constraint.ConstraintSystem) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	digest, err := Digest(cs)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrKeys, err)
	}
	base := filepath.Join(dir, name+"-"+digest)
	unlock, err := lockKeys(base)
	if err != nil {
		return nil, nil, err
	}
	defer unlock()
	curve, err := curveOf(cs)
	if err != nil {
		return nil, nil, err
	}
	pk, vk := groth16.NewProvingKey(curve), groth16.NewVerifyingKey(curve)
	switch found, err := load(base, pk, vk); {
	case err != nil:
		return nil, nil, err
	case found:
		return pk, vk, nil
	}
	if pk, vk, err = groth16.Setup(cs); err != nil {
		return nil, nil, fmt.Errorf("%w: setup %s: %w", ErrKeys, name, err)
	}
	if err := store(base, pk, vk); err != nil {
		return nil, nil, err
	}
	removeSets(dir, func(setName, d string) bool { return setName == name && d != digest })
	return pk, vk, nil
}

// curveOf is the curve whose scalar field cs is over, among those the
// cache checks.
func curveOf(cs constraint.ConstraintSystem) (ecc.ID, error) {
	for _, c := range []ecc.ID{ecc.BN254, ecc.BLS12_377, ecc.BW6_761} {
		if cs.Field().Cmp(c.ScalarField()) == 0 {
			return c, nil
		}
	}
	return ecc.UNKNOWN, fmt.Errorf("%w: a circuit over a field of none of BN254, BLS12-377, BW6-761", ErrKeys)
}

// Prune removes from dir every key set whose name keep refuses, and
// returns the sets it removed. A set being set up by another process is
// waited for, then removed. Files that are not key files are left alone.
func Prune(dir string, keep func(name string) bool) ([]string, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyCache, err)
	}
	return removeSets(dir, func(name, _ string) bool { return !keep(name) }), nil
}

// removeSets removes the key sets in dir (name-digest.pk, .vk, .sum and
// .lock) that drop selects, each under its lock, and returns their base
// names.
func removeSets(dir string, drop func(name, digest string) bool) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	stale := map[string]bool{}
	for _, e := range entries {
		name, digest, ok := parseKeyFile(e.Name())
		if ok && drop(name, digest) {
			stale[name+"-"+digest] = true
		}
	}
	var removed []string
	for set := range stale {
		base := filepath.Join(dir, set)
		unlock, err := lockKeys(base)
		if err != nil {
			continue
		}
		// The sums first: without them a set is incomplete, never loaded.
		for _, suffix := range []string{sumSuffix, pkSuffix, vkSuffix} {
			os.Remove(base + suffix)
		}
		unlock()
		os.Remove(base + lockSuffix)
		removed = append(removed, set)
	}
	slices.Sort(removed)
	return removed
}

// parseKeyFile splits a key file's name, name-digest.suffix, with a
// 16-hex-digit digest and a key set's suffix.
func parseKeyFile(file string) (name, digest string, ok bool) {
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix, lockSuffix} {
		base, found := strings.CutSuffix(file, suffix)
		if !found {
			continue
		}
		i := strings.LastIndex(base, "-")
		if i <= 0 {
			return "", "", false
		}
		name, digest = base[:i], base[i+1:]
		if len(digest) != 16 || strings.Trim(digest, "0123456789abcdef") != "" {
			return "", "", false
		}
		return name, digest, true
	}
	return "", "", false
}

// load reads the key set at base into pk and vk. It reports false, with
// no error, when none of its files exist; any other state that is not a
// complete, consistent key set is an error wrapping ErrKeyCache.
func load(base string, pk groth16.ProvingKey, vk groth16.VerifyingKey) (bool, error) {
	present := 0
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix} {
		if _, err := os.Stat(base + suffix); err == nil {
			present++
		} else if !errors.Is(err, fs.ErrNotExist) {
			return false, fmt.Errorf("%w: %w", ErrKeys, err)
		}
	}
	if present == 0 {
		return false, nil
	}
	sums, err := os.ReadFile(base + sumSuffix)
	if err != nil {
		return false, fmt.Errorf("%w: %s: incomplete key set (%w); remove its files to run a new setup", ErrKeyCache, base, err)
	}
	// The proving key is checked by its sum before it is parsed, and
	// parsed without gnark's curve and subgroup checks of each point,
	// which take minutes for a large key: a proving key only makes this
	// prover's own proofs, which the verifying key (parsed with every
	// check) and sameSetup then judge.
	pkSum, err := hashFile(base + pkSuffix)
	if err != nil {
		return false, fmt.Errorf("%w: %w; remove its files to run a new setup", ErrKeyCache, err)
	}
	if !bytes.HasPrefix(sums, fmt.Appendf(nil, "pk sha256 %x\n", pkSum)) {
		return false, fmt.Errorf("%w: %s: key files do not match their sums (corrupted or replaced); remove them to run a new setup", ErrKeyCache, base)
	}
	if err := parseKey(base+pkSuffix, unsafeReader{pk}); err != nil {
		return false, fmt.Errorf("%w: %w; remove its files to run a new setup", ErrKeyCache, err)
	}
	vkSum, err := readKey(base+vkSuffix, vk)
	if err != nil {
		return false, fmt.Errorf("%w: %w; remove its files to run a new setup", ErrKeyCache, err)
	}
	if want := formatSums(pkSum, vkSum); !bytes.Equal(sums, want) {
		return false, fmt.Errorf("%w: %s: key files do not match their sums (corrupted or replaced); remove them to run a new setup", ErrKeyCache, base)
	}
	if err := sameSetup(pk, vk); err != nil {
		return false, fmt.Errorf("%w: %s: %w", ErrKeyCache, base, err)
	}
	return true, nil
}

// store writes the key set at base: both keys, then their sums.
func store(base string, pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
	pkSum, err := writeFile(base+pkSuffix, pk)
	if err != nil {
		return err
	}
	vkSum, err := writeFile(base+vkSuffix, vk)
	if err != nil {
		return err
	}
	_, err = writeFile(base+sumSuffix, bytesWriter(formatSums(pkSum, vkSum)))
	return err
}

func formatSums(pk, vk []byte) []byte {
	return fmt.Appendf(nil, "pk sha256 %x\nvk sha256 %x\n", pk, vk)
}

// sameSetup checks that a proving and a verifying key share the elements
// one setup puts in both ([α]₁, [β]₁, [δ]₁, [β]₂, [δ]₂).
func sameSetup(pk groth16.ProvingKey, vk groth16.VerifyingKey) error {
	var same bool
	switch p := pk.(type) {
	case *groth16bn254.ProvingKey:
		v, ok := vk.(*groth16bn254.VerifyingKey)
		same = ok && p.G1.Alpha.Equal(&v.G1.Alpha) && p.G1.Beta.Equal(&v.G1.Beta) && p.G1.Delta.Equal(&v.G1.Delta) &&
			p.G2.Beta.Equal(&v.G2.Beta) && p.G2.Delta.Equal(&v.G2.Delta)
	case *groth16bls12377.ProvingKey:
		v, ok := vk.(*groth16bls12377.VerifyingKey)
		same = ok && p.G1.Alpha.Equal(&v.G1.Alpha) && p.G1.Beta.Equal(&v.G1.Beta) && p.G1.Delta.Equal(&v.G1.Delta) &&
			p.G2.Beta.Equal(&v.G2.Beta) && p.G2.Delta.Equal(&v.G2.Delta)
	case *groth16bw6761.ProvingKey:
		v, ok := vk.(*groth16bw6761.VerifyingKey)
		same = ok && p.G1.Alpha.Equal(&v.G1.Alpha) && p.G1.Beta.Equal(&v.G1.Beta) && p.G1.Delta.Equal(&v.G1.Delta) &&
			p.G2.Beta.Equal(&v.G2.Beta) && p.G2.Delta.Equal(&v.G2.Delta)
	default:
		return fmt.Errorf("keys of %T are not BN254, BLS12-377 or BW6-761 Groth16 keys", pk)
	}
	if !same {
		return errors.New("proving and verifying key come from different setups")
	}
	return nil
}

// readKey decodes the file at path into r and returns the file's SHA-256.
// A file with bytes left over after the key is refused.
func readKey(path string, r io.ReaderFrom) ([]byte, error) {
	h := sha256.New()
	if err := readFrom(path, r, h); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// parseKey reads the key at path into r, refusing bytes after it, without
// hashing it (load checked its sum first).
func parseKey(path string, r io.ReaderFrom) error { return readFrom(path, r, io.Discard) }

// readFrom reads the key at path into r, writing every byte read to w,
// and refuses bytes after the key.
func readFrom(path string, r io.ReaderFrom, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	br := bufio.NewReaderSize(io.TeeReader(f, w), 1<<20)
	if _, err := r.ReadFrom(br); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if n, _ := io.Copy(io.Discard, br); n != 0 {
		return fmt.Errorf("read %s: %d bytes after the key", path, n)
	}
	return nil
}

// unsafeReader reads a proving key without checking its points (see
// load).
type unsafeReader struct{ pk groth16.ProvingKey }

func (u unsafeReader) ReadFrom(r io.Reader) (int64, error) { return u.pk.UnsafeReadFrom(r) }

// hashFile is the SHA-256 of the file at path.
func hashFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return h.Sum(nil), nil
}

// writeFile writes through a temporary file with a unique name in the same
// directory, renamed into place once complete, so neither a crash nor a
// concurrent writer leaves a partial file under the final name. It returns
// the SHA-256 of what it wrote.
func writeFile(path string, w io.WriterTo) ([]byte, error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeys, err)
	}
	tmp := f.Name()
	fail := func(err error) ([]byte, error) {
		f.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("%w: write %s: %w", ErrKeys, path, err)
	}
	h := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	if _, err := w.WriteTo(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("%w: write %s: %w", ErrKeys, path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("%w: %w", ErrKeys, err)
	}
	return h.Sum(nil), nil
}

type bytesWriter []byte

func (b bytesWriter) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(b)
	return int64(n), err
}

// keyLocks serialises key setup within the process, one mutex per key set;
// lockFile (a file lock where the system has one) does it across processes.
var keyLocks sync.Map // base path -> *sync.Mutex

func lockKeys(base string) (func(), error) {
	m, _ := keyLocks.LoadOrStore(base, new(sync.Mutex))
	mu := m.(*sync.Mutex)
	mu.Lock()
	unlockFile, err := lockFile(base + lockSuffix)
	if err != nil {
		mu.Unlock()
		return nil, fmt.Errorf("%w: lock %s: %w", ErrKeys, base, err)
	}
	return func() {
		unlockFile()
		mu.Unlock()
	}, nil
}
