package verifier

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
)

// Keys are the compiled circuit and Groth16 keys of one shape.
type Keys struct {
	shape Shape
	cs    constraint.ConstraintSystem
	pk    groth16.ProvingKey
	vk    groth16.VerifyingKey
}

// Proof is a Groth16 proof of one trace and the public commitment it
// proves.
type Proof struct {
	Proof      groth16.Proof
	Commitment *big.Int
}

// Compile compiles the circuit of a shape to R1CS.
func Compile(s Shape) (constraint.ConstraintSystem, error) {
	c, err := NewCircuit(s)
	if err != nil {
		return nil, err
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return nil, fmt.Errorf("verifier: compile %s: %w", s.Name(), err)
	}
	return cs, nil
}

// DefaultKeyDir is where LoadOrSetup keeps keys when given no directory:
// go-booster/keys under the user's cache directory.
func DefaultKeyDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "go-booster", "keys")
}

// LoadOrSetup returns the keys of shape s. It compiles the circuit, and
// reads the keys from dir if they were made for exactly this constraint
// system (their files are named by the shape and the digest of the
// compiled circuit); otherwise it runs the Groth16 setup, which takes
// minutes for large shapes, and writes the keys to dir. The setup is a
// single-party development setup: whoever ran it could forge proofs.
//
// Keys read from dir are checked before they are used: the proving and
// verifying key must be the files the setup wrote (their SHA-256 sums are
// kept beside them) and must come from the same setup. A truncated,
// corrupted or mismatched key fails with an error wrapping ErrKeyCache;
// the files are left as they are, never overwritten by a new setup, since
// a Solidity verifier exported from them would stop matching new proofs.
// Remove them to run a new setup.
//
// After a new setup, the key sets of older circuits of the same shape
// (same name, another digest: made by an earlier version of this package)
// are removed from dir, each under its own lock.
//
// LoadOrSetup is safe for concurrent use, also across processes sharing
// dir: the setup of one key set runs once, under a lock, and every caller
// gets the keys that end on disk. Files are written under unique temporary
// names and renamed into place.
func LoadOrSetup(dir string, s Shape) (*Keys, error) {
	if dir == "" {
		dir = DefaultKeyDir()
	}
	cs, err := Compile(s)
	if err != nil {
		return nil, err
	}
	digest, err := csDigest(cs)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeys, err)
	}
	base := filepath.Join(dir, s.Name()+"-"+digest)
	unlock, err := lockKeys(base)
	if err != nil {
		return nil, err
	}
	defer unlock()
	k := &Keys{shape: s, cs: cs}
	switch found, err := k.load(base); {
	case err != nil:
		return nil, err
	case found:
		return k, nil
	}
	if k.pk, k.vk, err = groth16.Setup(cs); err != nil {
		return nil, fmt.Errorf("%w: setup %s: %w", ErrKeys, s.Name(), err)
	}
	if err := k.store(base); err != nil {
		return nil, err
	}
	pruneStale(dir, s.Name(), digest)
	return k, nil
}

// pruneStale removes the key sets in dir of the shape named name whose
// digest is not keep. It is best effort: a file it cannot remove stays.
func pruneStale(dir, name, keep string) {
	removeSets(dir, func(setName, digest string) bool { return setName == name && digest != keep })
}

// PruneKeys removes from dir every key set whose shape is none of keep
// (by Shape.Name: a shape whose capacities changed has another name, and
// its old keys would stay forever), and returns the sets it removed. A
// set being set up by another process is waited for, then removed. Old
// digests of a kept shape go when that shape's new keys are made
// (LoadOrSetup). Files that are not key files are left alone.
func PruneKeys(dir string, keep ...Shape) ([]string, error) {
	names := map[string]bool{}
	for _, s := range keep {
		names[s.Name()] = true
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyCache, err)
	}
	return removeSets(dir, func(setName, _ string) bool { return !names[setName] }), nil
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
		os.Remove(base + ".lock")
		removed = append(removed, set)
	}
	slices.Sort(removed)
	return removed
}

// parseKeyFile splits a key file's name, shape-name-digest.suffix, with
// a 16-hex-digit digest and a key set's suffix.
func parseKeyFile(file string) (name, digest string, ok bool) {
	for _, suffix := range []string{pkSuffix, vkSuffix, sumSuffix, ".lock"} {
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

// Key file suffixes: the proving key, the verifying key, and the SHA-256
// sums of both, written last so that its presence marks a complete set.
const (
	pkSuffix  = ".pk"
	vkSuffix  = ".vk"
	sumSuffix = ".sum"
)

// load reads the key set at base. It reports false, with no error, when
// none of its files exist; any other state that is not a complete,
// consistent key set is an error wrapping ErrKeyCache.
func (k *Keys) load(base string) (bool, error) {
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
	k.pk, k.vk = groth16.NewProvingKey(ecc.BN254), groth16.NewVerifyingKey(ecc.BN254)
	pkSum, err := readKey(base+pkSuffix, k.pk)
	if err != nil {
		return false, fmt.Errorf("%w: %w; remove its files to run a new setup", ErrKeyCache, err)
	}
	vkSum, err := readKey(base+vkSuffix, k.vk)
	if err != nil {
		return false, fmt.Errorf("%w: %w; remove its files to run a new setup", ErrKeyCache, err)
	}
	if want := formatSums(pkSum, vkSum); !bytes.Equal(sums, want) {
		return false, fmt.Errorf("%w: %s: key files do not match their sums (corrupted or replaced); remove them to run a new setup", ErrKeyCache, base)
	}
	if err := sameSetup(k.pk, k.vk); err != nil {
		return false, fmt.Errorf("%w: %s: %w", ErrKeyCache, base, err)
	}
	return true, nil
}

// store writes the key set at base: both keys, then their sums.
func (k *Keys) store(base string) error {
	pkSum, err := writeFile(base+pkSuffix, k.pk)
	if err != nil {
		return err
	}
	vkSum, err := writeFile(base+vkSuffix, k.vk)
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
	p, ok1 := pk.(*groth16bn254.ProvingKey)
	v, ok2 := vk.(*groth16bn254.VerifyingKey)
	if !ok1 || !ok2 {
		return fmt.Errorf("keys are not BN254 Groth16 keys")
	}
	if !p.G1.Alpha.Equal(&v.G1.Alpha) || !p.G1.Beta.Equal(&v.G1.Beta) || !p.G1.Delta.Equal(&v.G1.Delta) ||
		!p.G2.Beta.Equal(&v.G2.Beta) || !p.G2.Delta.Equal(&v.G2.Delta) {
		return fmt.Errorf("proving and verifying key come from different setups")
	}
	return nil
}

func csDigest(cs constraint.ConstraintSystem) (string, error) {
	h := sha256.New()
	if _, err := cs.WriteTo(h); err != nil {
		return "", fmt.Errorf("verifier: digest circuit: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

// readKey decodes the file at path into r and returns the file's SHA-256.
// A file with bytes left over after the key is refused.
func readKey(path string, r io.ReaderFrom) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	br := bufio.NewReaderSize(io.TeeReader(f, h), 1<<20)
	if _, err := r.ReadFrom(br); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if n, _ := io.Copy(io.Discard, br); n != 0 {
		return nil, fmt.Errorf("read %s: %d bytes after the key", path, n)
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
	unlockFile, err := lockFile(base + ".lock")
	if err != nil {
		mu.Unlock()
		return nil, fmt.Errorf("%w: lock %s: %w", ErrKeys, base, err)
	}
	return func() {
		unlockFile()
		mu.Unlock()
	}, nil
}

// Shape returns the keys' circuit shape.
func (k *Keys) Shape() Shape { return k.shape }

// Constraints returns the number of R1CS constraints of the circuit.
func (k *Keys) Constraints() int { return k.cs.GetNbConstraints() }

// Prove proves a trace. It refuses, before proving, a trace the circuit
// cannot express (ErrUnsupported naming the opcode and pc, ErrCapacity).
// The proof is made for the Solidity verifier (keccak256 hash to field).
func (k *Keys) Prove(t *Trace) (*Proof, error) {
	if k == nil || t == nil {
		return nil, fmt.Errorf("%w: nil keys or trace", ErrInput)
	}
	w, err := Assign(t, k.shape)
	if err != nil {
		return nil, err
	}
	wit, err := frontend.NewWitness(w, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("verifier: witness: %w", err)
	}
	p, err := groth16.Prove(k.cs, k.pk, wit, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))
	if err != nil {
		return nil, fmt.Errorf("verifier: prove: %w", err)
	}
	return &Proof{Proof: p, Commitment: w.Commitment.(*big.Int)}, nil
}

// Verify checks a proof against a public commitment (from Commitment, or
// computed independently of the prover). It returns an error wrapping
// ErrProof if the proof does not prove that commitment, and an error
// wrapping ErrInput for a nil or empty proof, or a commitment that is not a
// reduced element of the BN254 scalar field (negative, or the field modulus
// or more: the Solidity verifier refuses those too).
func (k *Keys) Verify(p *Proof, commitment *big.Int) error {
	switch {
	case k == nil:
		return fmt.Errorf("%w: nil keys", ErrInput)
	case p == nil || p.Proof == nil:
		return fmt.Errorf("%w: nil proof", ErrInput)
	case commitment == nil:
		return fmt.Errorf("%w: nil commitment", ErrInput)
	case commitment.Sign() < 0 || commitment.Cmp(ecc.BN254.ScalarField()) >= 0:
		return fmt.Errorf("%w: commitment %#x is not reduced modulo the BN254 scalar field", ErrInput, commitment)
	}
	pub, err := frontend.NewWitness(&Circuit{Commitment: commitment}, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return fmt.Errorf("verifier: public witness: %w", err)
	}
	if err := groth16.Verify(p.Proof, k.vk, pub, solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16)); err != nil {
		return fmt.Errorf("%w: %w", ErrProof, err)
	}
	return nil
}

// ExportSolidity writes gnark's Solidity verifier for these keys.
func (k *Keys) ExportSolidity(w io.Writer) error {
	var buf bytes.Buffer
	if err := k.vk.ExportSolidity(&buf); err != nil {
		return fmt.Errorf("verifier: export Solidity: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
