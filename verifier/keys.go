package verifier

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/boosterkit/go-booster/verifier/keycache"
	"github.com/boosterkit/go-booster/verifier/trace"
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
	if err := batchOnly(s); err != nil {
		return nil, err
	}
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
	pk, vk, err := keycache.LoadOrSetup(dir, s.Name(), cs)
	if err != nil {
		return nil, err
	}
	return &Keys{shape: s, cs: cs, pk: pk, vk: vk}, nil
}

// PruneKeys removes from dir every key set whose shape is none of keep
// (by Shape.Name: a shape whose capacities changed has another name, and
// its old keys would stay forever), and returns the sets it removed. A
// set being set up by another process is waited for, then removed. Old
// digests of a kept shape go when that shape's new keys are made
// (LoadOrSetup). Files that are not key files, and folders (the batch
// prover's keys are in one), are left alone.
func PruneKeys(dir string, keep ...Shape) ([]string, error) {
	names := map[string]bool{}
	for _, s := range keep {
		names[s.Name()] = true
	}
	return keycache.Prune(dir, func(name string) bool { return names[name] })
}

// Shape returns the keys' circuit shape.
func (k *Keys) Shape() Shape { return k.shape }

// Constraints returns the number of R1CS constraints of the circuit.
func (k *Keys) Constraints() int { return k.cs.GetNbConstraints() }

// Prove proves a trace. It refuses, before proving, a trace the circuit
// cannot express (ErrUnsupported naming the opcode and pc, ErrCapacity).
// The proof is made for the Solidity verifier (keccak256 hash to field).
func (k *Keys) Prove(t *trace.Trace) (*Proof, error) {
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
