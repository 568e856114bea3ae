package aggregate

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/consensys/gnark/std/algebra/native/sw_bls12377"
	"github.com/consensys/gnark/std/math/emulated"
	stdgroth16 "github.com/consensys/gnark/std/recursion/groth16"

	"github.com/boosterkit/go-booster/verifier/keycache"
)

type (
	segProof   = stdgroth16.Proof[sw_bls12377.G1Affine, sw_bls12377.G2Affine]
	segVK      = stdgroth16.VerifyingKey[sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT]
	segWitness = stdgroth16.Witness[sw_bls12377.ScalarField]
)

// SegmentKind is one kind of segment circuit an aggregation circuit
// accepts: its compiled constraint system (BLS12-377) and its verifying
// key. All kinds of one aggregation have the same number of commitments.
type SegmentKind struct {
	CCS constraint.ConstraintSystem
	VK  groth16.VerifyingKey
}

// SegmentProof is the proof of one segment: which kind (an index into the
// aggregation's kinds), its public values and the proof, made with
// [SegmentProverOptions].
type SegmentProof struct {
	Kind    int
	Segment Segment
	Proof   groth16.Proof
}

// SegmentProverOptions is the prover option segment proofs need: it
// derives their commitment challenge with the hash the aggregation circuit
// can check natively.
func SegmentProverOptions() backend.ProverOption {
	return stdgroth16.GetNativeProverOptions(ecc.BW6_761.ScalarField(), ecc.BLS12_377.ScalarField())
}

// SegmentVerifierOptions is the verifier option that checks a segment
// proof made with [SegmentProverOptions] outside a circuit.
func SegmentVerifierOptions() backend.VerifierOption {
	return stdgroth16.GetNativeVerifierOptions(ecc.BW6_761.ScalarField(), ecc.BLS12_377.ScalarField())
}

// aggregationCircuit verifies len(Proofs) segment proofs and checks that
// the active ones (a prefix of the slots, at least one) form one run of
// one batch. Inactive slots hold a copy of an active proof, verified but
// otherwise ignored.
type aggregationCircuit struct {
	BatchHi frontend.Variable `gnark:",public"`
	BatchLo frontend.Variable `gnark:",public"`

	Active []frontend.Variable
	Kind   []frontend.Variable
	Proofs []segProof
	Inputs []segWitness

	kinds []segVK `gnark:"-"`
}

// Define implements frontend.Circuit.
func (c *aggregationCircuit) Define(api frontend.API) error {
	v, err := stdgroth16.NewVerifier[sw_bls12377.ScalarField, sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](api)
	if err != nil {
		return fmt.Errorf("aggregate: verifier: %w", err)
	}
	fr, err := emulated.NewField[sw_bls12377.ScalarField](api)
	if err != nil {
		return fmt.Errorf("aggregate: scalar field: %w", err)
	}
	n := len(c.Proofs)
	api.AssertIsEqual(c.Active[0], 1)
	var prevOut frontend.Variable = 0
	for i := range n {
		active := c.Active[i]
		api.AssertIsBoolean(active)
		var next frontend.Variable = 0
		if i+1 < n {
			next = c.Active[i+1]
			// The active slots are a prefix: a slot after an inactive one
			// is inactive.
			api.AssertIsEqual(api.Mul(next, api.Sub(1, active)), 0)
		}
		vk, err := v.SwitchVerificationKey(c.Kind[i], c.kinds)
		if err != nil {
			return fmt.Errorf("aggregate: slot %d: %w", i, err)
		}
		if err := v.AssertProof(vk, c.Proofs[i], c.Inputs[i]); err != nil {
			return fmt.Errorf("aggregate: slot %d: %w", i, err)
		}
		pub := make([]frontend.Variable, NbSegmentInputs)
		for j := range pub {
			// Canonical bits, so that an unreduced limb representation of
			// an input cannot pass for another value.
			pub[j] = api.FromBinary(fr.ToBitsCanonical(&c.Inputs[i].Public[j])...)
		}
		equalIfActive := func(a, b frontend.Variable) {
			api.AssertIsEqual(api.Mul(active, api.Sub(a, b)), 0)
		}
		equalIfActive(pub[0], c.BatchHi)
		equalIfActive(pub[1], c.BatchLo)
		equalIfActive(pub[2], i)
		equalIfActive(pub[3], prevOut)
		// The last active segment ends at 0.
		api.AssertIsEqual(api.Mul(api.Sub(active, next), pub[4]), 0)
		prevOut = pub[4]
	}
	return nil
}

// Aggregator proves that up to its arity of segment proofs form one run
// of a batch, on BW6-761. It is safe for concurrent use.
type Aggregator struct {
	arity int
	kinds []SegmentKind
	ccs   constraint.ConstraintSystem
	pk    groth16.ProvingKey
	vk    groth16.VerifyingKey
}

// compileAggregation compiles the aggregation circuit of arity slots over
// the given segment kinds.
func compileAggregation(arity int, kinds []SegmentKind) (constraint.ConstraintSystem, error) {
	c, err := newAggregationCircuit(arity, kinds)
	if err != nil {
		return nil, err
	}
	cs, err := frontend.Compile(ecc.BW6_761.ScalarField(), r1cs.NewBuilder, c)
	if err != nil {
		return nil, fmt.Errorf("aggregate: compile aggregation circuit: %w", err)
	}
	return cs, nil
}

func newAggregationCircuit(arity int, kinds []SegmentKind) (*aggregationCircuit, error) {
	if arity < 1 {
		return nil, segmentsError("arity %d", arity)
	}
	if len(kinds) == 0 {
		return nil, segmentsError("no segment kinds")
	}
	c := &aggregationCircuit{
		Active: make([]frontend.Variable, arity),
		Kind:   make([]frontend.Variable, arity),
		Proofs: make([]segProof, arity),
		Inputs: make([]segWitness, arity),
	}
	for k, kind := range kinds {
		if kind.CCS == nil || kind.VK == nil {
			return nil, segmentsError("kind %d has no constraint system or key", k)
		}
		if kind.CCS.Field().Cmp(ecc.BLS12_377.ScalarField()) != 0 {
			return nil, fmt.Errorf("%w: kind %d is not a BLS12-377 circuit", ErrKeys, k)
		}
		if n := kind.CCS.GetNbPublicVariables() - 1; n != NbSegmentInputs {
			return nil, segmentsError("kind %d has %d public inputs, not %d", k, n, NbSegmentInputs)
		}
		vk, err := stdgroth16.ValueOfVerifyingKeyFixed[sw_bls12377.G1Affine, sw_bls12377.G2Affine, sw_bls12377.GT](kind.VK)
		if err != nil {
			return nil, fmt.Errorf("%w: kind %d: %w", ErrKeys, k, err)
		}
		c.kinds = append(c.kinds, vk)
	}
	for i := range arity {
		c.Proofs[i] = stdgroth16.PlaceholderProof[sw_bls12377.G1Affine, sw_bls12377.G2Affine](kinds[0].CCS)
		c.Inputs[i] = stdgroth16.PlaceholderWitness[sw_bls12377.ScalarField](kinds[0].CCS)
	}
	return c, nil
}

// NewAggregator compiles the aggregation circuit of arity slots over the
// given segment kinds and runs its (single-party) setup, or, if keyDir is
// not empty, loads its keys from there (keycache, named
// aggregation-arityN) or makes and keeps them there.
func NewAggregator(keyDir string, arity int, kinds ...SegmentKind) (*Aggregator, error) {
	cs, err := compileAggregation(arity, kinds)
	if err != nil {
		return nil, err
	}
	pk, vk, err := setup(keyDir, fmt.Sprintf("aggregation-arity%d", arity), cs)
	if err != nil {
		return nil, fmt.Errorf("aggregate: setup aggregation circuit: %w", err)
	}
	return &Aggregator{arity: arity, kinds: kinds, ccs: cs, pk: pk, vk: vk}, nil
}

// Arity is the most segments one aggregation proof takes.
func (a *Aggregator) Arity() int { return a.arity }

// NbConstraints is the size of the aggregation circuit.
func (a *Aggregator) NbConstraints() int { return a.ccs.GetNbConstraints() }

// assignment returns the aggregation circuit's witness for the segments
// in arity slots, the slots after the last segment filled with copies of
// it.
func assignment(arity, kinds int, batch [32]byte, segs []SegmentProof) (*aggregationCircuit, error) {
	if len(segs) == 0 || len(segs) > arity {
		return nil, segmentsError("%d segments for arity %d", len(segs), arity)
	}
	hi, lo := splitBatch(batch)
	c := &aggregationCircuit{
		BatchHi: hi, BatchLo: lo,
		Active: make([]frontend.Variable, arity),
		Kind:   make([]frontend.Variable, arity),
		Proofs: make([]segProof, arity),
		Inputs: make([]segWitness, arity),
	}
	for i := range arity {
		s, active := segs[min(i, len(segs)-1)], i < len(segs)
		if s.Kind < 0 || s.Kind >= kinds || s.Proof == nil {
			return nil, segmentsError("segment %d: kind %d of %d, or no proof", i, s.Kind, kinds)
		}
		p, err := stdgroth16.ValueOfProof[sw_bls12377.G1Affine, sw_bls12377.G2Affine](s.Proof)
		if err != nil {
			return nil, segmentsError("segment %d: %v", i, err)
		}
		w, err := segmentWitness(s.Segment)
		if err != nil {
			return nil, err
		}
		c.Active[i], c.Kind[i], c.Proofs[i], c.Inputs[i] = boolInt(active), s.Kind, p, w
	}
	return c, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// segmentPublic makes SegmentInputs a circuit, for its public witness.
type segmentPublic struct{ SegmentInputs }

// Define implements frontend.Circuit; nothing is constrained.
func (*segmentPublic) Define(frontend.API) error { return nil }

// segmentWitness is a segment's public values as the in-circuit verifier's
// witness.
func segmentWitness(s Segment) (segWitness, error) {
	full, err := frontend.NewWitness(&segmentPublic{s.Inputs()}, ecc.BLS12_377.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return segWitness{}, segmentsError("segment %d: %v", s.Index, err)
	}
	w, err := stdgroth16.ValueOfWitness[sw_bls12377.ScalarField](full)
	if err != nil {
		return segWitness{}, segmentsError("segment %d: %v", s.Index, err)
	}
	return w, nil
}

// Prove proves that the segments, in order, form one run of the batch
// committed to by batch. The proof is made for the wrap circuit to verify.
func (a *Aggregator) Prove(batch [32]byte, segs []SegmentProof) (groth16.Proof, error) {
	c, err := assignment(a.arity, len(a.kinds), batch, segs)
	if err != nil {
		return nil, err
	}
	w, err := frontend.NewWitness(c, ecc.BW6_761.ScalarField())
	if err != nil {
		return nil, fmt.Errorf("aggregate: witness: %w", err)
	}
	proof, err := groth16.Prove(a.ccs, a.pk, w, stdgroth16.GetNativeProverOptions(ecc.BN254.ScalarField(), ecc.BW6_761.ScalarField()))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrProve, err)
	}
	return proof, nil
}

// Verify checks an aggregation proof against the batch commitment.
func (a *Aggregator) Verify(batch [32]byte, proof groth16.Proof) error {
	hi, lo := splitBatch(batch)
	pub, err := frontend.NewWitness(&aggregationCircuit{BatchHi: hi, BatchLo: lo}, ecc.BW6_761.ScalarField(), frontend.PublicOnly())
	if err != nil {
		return fmt.Errorf("aggregate: public witness: %w", err)
	}
	return groth16.Verify(proof, a.vk, pub, stdgroth16.GetNativeVerifierOptions(ecc.BN254.ScalarField(), ecc.BW6_761.ScalarField()))
}

// setup makes a circuit's keys, through the key cache in keyDir if it is
// not empty.
func setup(keyDir, name string, cs constraint.ConstraintSystem) (groth16.ProvingKey, groth16.VerifyingKey, error) {
	if keyDir == "" {
		return groth16.Setup(cs)
	}
	return keycache.LoadOrSetup(keyDir, name, cs)
}
