package verifier

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
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
	base := filepath.Join(dir, s.Name()+"-"+digest)
	k := &Keys{shape: s, cs: cs, pk: groth16.NewProvingKey(ecc.BN254), vk: groth16.NewVerifyingKey(ecc.BN254)}
	if readKey(base+".pk", k.pk) == nil && readKey(base+".vk", k.vk) == nil {
		return k, nil
	}
	if k.pk, k.vk, err = groth16.Setup(cs); err != nil {
		return nil, fmt.Errorf("%w: setup %s: %w", ErrKeys, s.Name(), err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeys, err)
	}
	if err := writeKey(base+".pk", k.pk); err != nil {
		return nil, err
	}
	if err := writeKey(base+".vk", k.vk); err != nil {
		return nil, err
	}
	return k, nil
}

func csDigest(cs constraint.ConstraintSystem) (string, error) {
	h := sha256.New()
	if _, err := cs.WriteTo(h); err != nil {
		return "", fmt.Errorf("verifier: digest circuit: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)[:8]), nil
}

func readKey(path string, r io.ReaderFrom) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = r.ReadFrom(bufio.NewReaderSize(f, 1<<20))
	return err
}

// writeKey writes through a temporary file, so a crash leaves no partial
// key under the final name.
func writeKey(path string, w io.WriterTo) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrKeys, err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if _, err := w.WriteTo(bw); err != nil {
		f.Close()
		return fmt.Errorf("%w: write %s: %w", ErrKeys, path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%w: write %s: %w", ErrKeys, path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("%w: %w", ErrKeys, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("%w: %w", ErrKeys, err)
	}
	return nil
}

// Shape returns the keys' circuit shape.
func (k *Keys) Shape() Shape { return k.shape }

// Constraints returns the number of R1CS constraints of the circuit.
func (k *Keys) Constraints() int { return k.cs.GetNbConstraints() }

// Prove proves a trace. It refuses, before proving, a trace the circuit
// cannot express (ErrUnsupported naming the opcode and pc, ErrCapacity).
// The proof is made for the Solidity verifier (keccak256 hash to field).
func (k *Keys) Prove(t *Trace) (*Proof, error) {
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
// ErrProof if the proof does not prove that commitment.
func (k *Keys) Verify(p *Proof, commitment *big.Int) error {
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
