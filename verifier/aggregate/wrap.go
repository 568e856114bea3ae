package aggregate

import (
	"fmt"
	"io"
	"math/big"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	groth16bn254 "github.com/consensys/gnark/backend/groth16/bn254"
	"github.com/consensys/gnark/backend/solidity"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/emulated/sw_bw6761"
	"github.com/consensys/gnark/std/math/emulated"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"
)

type (
	aggProof   = stdgroth16.Proof[sw_bw6761.G1Affine, sw_bw6761.G2Affine]
	aggVK      = stdgroth16.VerifyingKey[sw_bw6761.G1Affine, sw_bw6761.G2Affine, sw_bw6761.GTEl]
	aggWitness = stdgroth16.Witness[sw_bw6761.ScalarField]
)

// wrapCircuit verifies one aggregation proof (BW6-761, emulated in BN254)
// under a fixed key, and exposes its batch commitment as two native public
// inputs below 2^128 each.
type wrapCircuit struct {
	BatchHi frontend.Variable `gnark:",public"`
	BatchLo frontend.Variable `gnark:",public"`

	Proof  aggProof
	Inputs aggWitness

	vk aggVK `gnark:"-"`
}

// Define implements frontend.Circuit.
func (c *wrapCircuit) Define(api frontend.API) error {
	v, err := stdgroth16.NewVerifier[sw_bw6761.ScalarField, sw_bw6761.G1Affine, sw_bw6761.G2Affine, sw_bw6761.GTEl](api)
	if err != nil {
		return fmt.Errorf("aggregate: verifier: %w", err)
	}
	fr, err := emulated.NewField[sw_bw6761.ScalarField](api)
	if err != nil {
		return fmt.Errorf("aggregate: scalar field: %w", err)
	}
	if err := v.AssertProof(c.vk, c.Proof, c.Inputs); err != nil {
		return fmt.Errorf("aggregate: wrap: %w", err)
	}
	for j, want := range []frontend.Variable{c.BatchHi, c.BatchLo} {
		bits := fr.ToBitsCanonical(&c.Inputs.Public[j])
		for _, b := range bits[128:] {
			api.AssertIsEqual(b, 0)
		}
		api.AssertIsEqual(api.FromBinary(bits[:128]...), want)
	}
	return nil
}

// Wrapper proves, on BN254 for gnark's Solidity verifier, that an
// aggregation proof of one Aggregator verifies. It is safe for concurrent
// use.
type Wrapper struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

func newWrapCircuit(agg *Aggregator) (*wrapCircuit, error) {
	vk, err := stdgroth16.ValueOfVerifyingKeyFixed[sw_bw6761.G1Affine, sw_bw6761.G2Affine, sw_bw6761.GTEl](agg.vk)
	if err != nil {
		return nil, fmt.Errorf("%w: aggregation key: %w", ErrKeys, err)
	}
	return &wrapCircuit{
		Proof:  stdgroth16.PlaceholderProof[sw_bw6761.G1Affine, sw_bw6761.G2Affine](agg.ccs),
		Inputs: stdgroth16.PlaceholderWitness[sw_bw6761.ScalarField](agg.ccs),
		vk:     vk,
	}, nil
}

// compileWrap compiles the wrap circuit of an aggregator.
func compileWrap(agg *Aggregator) (constraint.ConstraintSystem, error) {
	c, err := newWrapCircuit(agg)
	if err != nil {
		return nil, err
	}
	cs, err := frontend.Compile(ecc.BN254.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return nil, fmt.Errorf("aggregate: compile wrap circuit: %w", err)
	}
	return cs, nil
}

// NewWrapper compiles the wrap circuit of agg and runs its (single-party)
// setup, or, if keyDir is not empty, loads its keys from there (keycache,
// named wrap) or makes and keeps them there. The circuit is 7.7 million
// constraints: half an hour of setup and about 14 GiB on 2 cores.
func NewWrapper(keyDir string, agg *Aggregator) (*Wrapper, error) {
	cs, err := compileWrap(agg)
	if err != nil {
		return nil, err
	}
	pk, vk, err := setup(keyDir, "wrap", cs)
	if err != nil {
		return nil, fmt.Errorf("aggregate: setup wrap circuit: %w", err)
	}
	return &Wrapper{ccs: cs, pk: pk, vk: vk}, nil
}

// NbConstraints is the size of the wrap circuit.
func (w *Wrapper) NbConstraints() int { return w.ccs.GetNbConstraints() }

// wrapAssignment is the wrap circuit's witness for an aggregation proof.
func wrapAssignment(batch [32]byte, proof groth16.Proof) (*wrapCircuit, error) {
	p, err := stdgroth16.ValueOfProof[sw_bw6761.G1Affine, sw_bw6761.G2Affine](proof)
	if err != nil {
		return nil, fmt.Errorf("%w: aggregation proof: %w", ErrKeys, err)
	}
	hi, lo := splitBatch(batch)
	pub, err := frontend.NewWitness(&aggregationCircuit{BatchHi: hi, BatchLo: lo}, ecc.BW6_761.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return nil, fmt.Errorf("aggregate: public witness: %w", err)
	}
	in, err := stdgroth16.ValueOfWitness[sw_bw6761.ScalarField](pub)
	if err != nil {
		return nil, fmt.Errorf("aggregate: public witness: %w", err)
	}
	return &wrapCircuit{BatchHi: hi, BatchLo: lo, Proof: p, Inputs: in}, nil
}

// Prove wraps an aggregation proof of the batch into the BN254 proof
// gnark's Solidity verifier checks.
func (w *Wrapper) Prove(batch [32]byte, aggregation groth16.Proof) (groth16.Proof, error) {
	c, err := wrapAssignment(batch, aggregation)
	if err != nil {
		return nil, err
	}
	wit, err := frontend.NewWitness(c, ecc.BN254.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("aggregate: witness: %w", err)
	}
	proof, err := groth16.Prove(w.ccs, w.pk, wit, solidity.WithProverTargetSolidityVerifier(backend.GROTH16))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProve, err)
	}
	return proof, nil
}

// Verify checks a wrap proof against the batch commitment, as the
// Solidity verifier does.
func (w *Wrapper) Verify(batch [32]byte, proof groth16.Proof) error {
	hi, lo := splitBatch(batch)
	pub, err := frontend.NewWitness(&wrapCircuit{BatchHi: hi, BatchLo: lo}, ecc.BN254.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return fmt.Errorf("aggregate: public witness: %w", err)
	}
	return groth16.Verify(proof, w.vk, pub, solidity.WithVerifierTargetSolidityVerifier(backend.GROTH16))
}

// ExportSolidity writes gnark's Solidity verifier of the wrap circuit: a
// contract named Verifier whose verifyProof(proof, [hi, lo]) reverts unless
// the proof is valid for the batch commitment's two halves.
// GnarkBatchVerifier (solidity/src) adapts it to IBatchVerifier.
func (w *Wrapper) ExportSolidity(out io.Writer) error {
	return w.vk.ExportSolidity(out)
}

// SolidityProof is a wrap proof as the Solidity verifier's proof argument
// takes it.
func SolidityProof(proof groth16.Proof) ([]byte, error) {
	p, ok := proof.(*groth16bn254.Proof)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not a BN254 proof", ErrKeys, proof)
	}
	return p.MarshalSolidity(), nil
}

// BatchInputs is the two public inputs of the wrap circuit for a batch
// commitment: its high and low 128 bits, as GnarkBatchVerifier derives
// them on L1.
func BatchInputs(batch [32]byte) [2]*big.Int {
	hi, lo := splitBatch(batch)
	return [2]*big.Int{hi, lo}
}
