package batch

import (
	"context"
	"fmt"
	"time"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/backend/groth16"
	"github.com/consensys/gnark/constraint"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/keycache"
	"github.com/boosterkit/go-booster/verifier/statetree"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// Progress reports a batch proof as it runs: which proof was just made
// (a segment, "aggregation" or "wrap"), how many proofs are done of how
// many, the time elapsed and an estimate of the time left (from the mean
// time of the proofs so far).
type Progress struct {
	Step        string
	Done, Total int
	Elapsed     time.Duration
	Left        time.Duration
}

// segmentKeys is one segment kind's circuit and keys.
type segmentKeys struct {
	ccs constraint.ConstraintSystem
	pk  groth16.ProvingKey
	vk  groth16.VerifyingKey
}

// Prover proves batches of up to arity segments (header, end, and per
// transaction one, plus one per frame it runs) within its Capacity: one proof per segment, their aggregation and its wrap, which
// GnarkBatchVerifier checks on L1. Its keys come from a single-party
// setup made by NewProver. It is safe for concurrent use.
type Prover struct {
	capacity Capacity
	kinds    []segmentKeys
	agg      *aggregate.Aggregator
	wrap     *aggregate.Wrapper
}

// NewProver compiles the segment circuits of capacity c, the aggregation
// circuit of arity segments and its wrap, and runs
// their setups, or, if keyDir is not empty, loads their keys from there
// (keycache: each circuit's keys named by kind and capacity, and by
// circuit digest) or makes and keeps them there. The wrap alone is 7.7
// million constraints: half an hour and about 14 GiB on 2 cores the
// first time.
func NewProver(keyDir string, c Capacity, arity int) (*Prover, error) {
	p := &Prover{capacity: c}
	var kinds []aggregate.SegmentKind
	names := []string{fmt.Sprintf("batch-header-l1slots%d", c.l1Slots()), fmt.Sprintf("batch-transaction-calldata%d", c.Calldata),
		fmt.Sprintf("batch-frame-calldata%d-%s", c.Calldata, c.Frame.Name()), fmt.Sprintf("batch-end-slots%d", c.slots()),
		fmt.Sprintf("batch-code-%d", c.codeCap()), fmt.Sprintf("batch-block-%d", c.l1Block())}
	if c.Frame.KeccakClaims {
		name := fmt.Sprintf("batch-keccak-inputs%d", c.keccakInputs())
		if m, n := c.keccakLong(); m > 0 {
			name += fmt.Sprintf("-long%dx%d", m, n)
		}
		names = append(names, name)
	}
	for _, s := range c.Frames {
		names = append(names, fmt.Sprintf("batch-frame-calldata%d-%s", c.Calldata, s.Name()))
	}
	for _, n := range c.Transactions {
		names = append(names, fmt.Sprintf("batch-transaction-calldata%d-of%d", n, c.Calldata))
	}
	circuits, err := Circuits(c)
	if err != nil {
		return nil, err
	}
	p.kinds = make([]segmentKeys, len(circuits))
	for k, c := range circuits {
		cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, c)
		if err != nil {
			return nil, fmt.Errorf("batch: compile segment kind %d: %w", k, err)
		}
		var pk groth16.ProvingKey
		var vk groth16.VerifyingKey
		if keyDir == "" {
			pk, vk, err = groth16.Setup(cs)
		} else {
			pk, vk, err = keycache.LoadOrSetup(keyDir, names[k], cs)
		}
		if err != nil {
			return nil, fmt.Errorf("batch: setup segment kind %d: %w", k, err)
		}
		p.kinds[k] = segmentKeys{cs, pk, vk}
		kinds = append(kinds, aggregate.SegmentKind{CCS: cs, VK: vk})
	}
	agg, err := aggregate.NewAggregator(keyDir, arity, kinds...)
	if err != nil {
		return nil, err
	}
	wrap, err := aggregate.NewWrapper(keyDir, agg)
	if err != nil {
		return nil, err
	}
	p.agg, p.wrap = agg, wrap
	return p, nil
}

// Wrapper is the prover's wrap circuit, whose Solidity verifier
// (Wrapper.ExportSolidity) GnarkBatchVerifier adapts.
func (p *Prover) Wrapper() *aggregate.Wrapper { return p.wrap }

// Constraints reports the size of each circuit: the segment kinds, by
// Capacity.KindName, the aggregation and the wrap.
func (p *Prover) Constraints() map[string]int {
	out := map[string]int{"aggregation": p.agg.NbConstraints(), "wrap": p.wrap.NbConstraints()}
	for k, keys := range p.kinds {
		out[p.capacity.KindName(k)] = keys.ccs.GetNbConstraints()
	}
	return out
}

// Check reports whether Prove could prove the batch with header h, L1
// lists l1, L2 state l2 before it, applied transactions txs and their
// executions, without proving it: it builds the segments' witnesses
// (Witnesses' errors, a *TransactionError where one transaction is the
// cause) and checks that the aggregation holds them
// (aggregate.ErrSegments otherwise). It is what the booster's prover
// runs on each batch before the batch is sealed, so that a transaction
// the segments cannot prove is left out instead of stopping every
// settlement after it.
func (p *Prover) Check(h *Header, l1 *L1Lists, l2 *statetree.Tree, txs []*types.Transaction, executions []*trace.Transaction) error {
	_, err := p.segments(h, l1, l2, txs, executions)
	return err
}

// segments returns the batch's segment witnesses, checked against the
// aggregation's arity.
func (p *Prover) segments(h *Header, l1 *L1Lists, l2 *statetree.Tree, txs []*types.Transaction, executions []*trace.Transaction) ([]SegmentWitness, error) {
	segs, err := Witnesses(h, l1, l2, txs, executions, p.capacity)
	if err != nil {
		return nil, err
	}
	if len(segs) > p.agg.Arity() {
		return nil, fmt.Errorf("%w: %d segments (%d transactions), the aggregation holds %d", aggregate.ErrSegments, len(segs), len(txs), p.agg.Arity())
	}
	return segs, nil
}

// Prove proves the batch with header h, L1 lists l1, L2 state l2 before it, applied
// transactions txs and their executions (as Witnesses takes them) and returns the wrap proof
// as GnarkBatchVerifier takes it. ctx is checked between proofs;
// progress, if not nil, is called after each.
func (p *Prover) Prove(ctx context.Context, h *Header, l1 *L1Lists, l2 *statetree.Tree, txs []*types.Transaction, executions []*trace.Transaction, progress func(Progress)) ([]byte, error) {
	segs, err := p.segments(h, l1, l2, txs, executions)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	total := len(segs) + 2
	done := 0
	report := func(step string) {
		done++
		if progress == nil {
			return
		}
		el := time.Since(start)
		progress(Progress{Step: step, Done: done, Total: total, Elapsed: el, Left: el / time.Duration(done) * time.Duration(total-done)})
	}
	proofs := make([]aggregate.SegmentProof, len(segs))
	for i, s := range segs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		k := p.kinds[s.Kind]
		w, err := frontend.NewWitness(s.Assignment, ecc.BLS12_377.ScalarField())
		if err != nil {
			return nil, fmt.Errorf("batch: segment %d witness: %w", i, err)
		}
		proof, err := groth16.Prove(k.ccs, k.pk, w, aggregate.SegmentProverOptions())
		if err != nil {
			return nil, fmt.Errorf("%w: segment %d: %w", aggregate.ErrProve, i, err)
		}
		proofs[i] = aggregate.SegmentProof{Kind: s.Kind, Segment: s.Segment, Proof: proof}
		report(fmt.Sprintf("segment %d (%s)", i, p.capacity.KindName(s.Kind)))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	batch := [32]byte(h.Hash())
	aggProof, err := p.agg.Prove(batch, proofs)
	if err != nil {
		return nil, err
	}
	report("aggregation")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	wrapProof, err := p.wrap.Prove(batch, aggProof)
	if err != nil {
		return nil, err
	}
	report("wrap")
	return aggregate.SolidityProof(wrapProof)
}
