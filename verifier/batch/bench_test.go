package batch

import (
	"testing"

	"github.com/consensys/gnark-crypto/ecc"
	"github.com/consensys/gnark/frontend"
	"github.com/consensys/gnark/frontend/cs/r1cs"

	"github.com/boosterkit/go-booster/verifier"
)

// BenchmarkSegmentConstraints compiles the segment circuits of the ERC20
// frame shape and 128 bytes of calldata over BLS12-377 and reports each
// kind's size, with the EVM circuit of the same shape on BN254 (the
// single-frame prover's) as the baseline of the frame segment, the
// header segment's list capacity, the end segment's slot capacity and
// the code segment's cost per code byte; then the frame segment of the
// same shape with KeccakClaims and the keccak segment that proves its
// claims, with its cost per input; then the frame segment of a capacity
// with ecrecover segments (Capacity.Ecrecover), which reads the claims
// of its calls of the ecrecover precompile, and the ecrecover segment of
// two inputs that writes them, with its cost per input; and the same for
// the sha256 precompile (Capacity.Sha256):
//
//	go test -run XXX -bench BenchmarkSegmentConstraints -benchtime 1x ./verifier/batch
func BenchmarkSegmentConstraints(b *testing.B) {
	c := Capacity{Calldata: 128, Frame: verifier.Shapes[2]}
	evm, err := verifier.Compile(c.Frame)
	if err != nil {
		b.Fatal(err)
	}
	base := evm.GetNbConstraints()
	// The default capacity's kinds, then the same frame shape with
	// KeccakClaims and the keccak segment that proves its claims, and
	// with TransientCarried too.
	claims := c
	claims.Frame.KeccakClaims = true
	// The claims shape carrying transient storage (TransientCarried).
	carried := claims
	carried.Frame.TransientCarried = true
	// The default capacity with ecrecover segments of two inputs: its
	// frame segment reads the claims of ecrecover calls.
	ecrec := c
	ecrec.Ecrecover = 2
	// And with sha256 segments of two inputs (of the shape's four words
	// of call input each).
	sha := c
	sha.Sha256 = 2
	// And with undo segments of 8 slots: its frames journal the storage
	// of frames whose changes a frame above them throws away.
	undo := c
	undo.Undo = 8
	type run struct {
		name string
		c    Capacity
		kind int
	}
	var runs []run
	for kind := range KindKeccak {
		runs = append(runs, run{c.KindName(kind), c, kind})
	}
	runs = append(runs, run{"claims-frame", claims, KindFrame}, run{"claims-keccak", claims, KindKeccak}, run{"carried-frame", carried, KindFrame},
		run{"ecrecover-frame", ecrec, KindFrame}, run{"ecrecover", ecrec, ecrec.EcrecoverKind()},
		run{"sha256-frame", sha, KindFrame}, run{"sha256", sha, sha.Sha256Kind()},
		run{"undo-frame", undo, KindFrame}, run{"undo", undo, undo.UndoKind()})
	for _, r := range runs {
		b.Run(r.name, func(b *testing.B) {
			var n int
			for range b.N {
				circuits, err := Circuits(r.c)
				if err != nil {
					b.Fatal(err)
				}
				cs, err := frontend.Compile(ecc.BLS12_377.ScalarField(), r1cs.NewBuilder, circuits[r.kind])
				if err != nil {
					b.Fatal(err)
				}
				n = cs.GetNbConstraints()
			}
			b.ReportMetric(float64(n), "constraints")
			switch r.name {
			case "ecrecover":
				b.ReportMetric(float64(ecrec.Ecrecover), "inputs")
				b.ReportMetric(float64(n)/float64(ecrec.Ecrecover), "constraints/input")
				return
			case "undo":
				b.ReportMetric(float64(undo.Undo), "slots")
				b.ReportMetric(float64(n)/float64(undo.Undo), "constraints/slot")
				return
			case "sha256":
				b.ReportMetric(float64(sha.Sha256), "inputs")
				b.ReportMetric(float64(32*sha.sha256Words()), "input-bytes")
				b.ReportMetric(float64(n)/float64(sha.Sha256), "constraints/input")
				return
			}
			switch r.kind {
			case KindFrame:
				b.ReportMetric(float64(base), "evm-bn254-constraints")
				b.ReportMetric(float64(n)/float64(base), "x-evm-bn254")
			case KindHeader:
				b.ReportMetric(float64(c.l1Slots()), "l1slots")
			case KindEnd:
				b.ReportMetric(float64(c.slots()), "slots")
			case KindBlock:
				b.ReportMetric(float64(c.l1Block()), "header-bytes")
			case KindCode:
				b.ReportMetric(float64(c.Frame.Code), "code-bytes")
				b.ReportMetric(float64(n)/float64(c.Frame.Code), "constraints/byte")
			case KindKeccak:
				b.ReportMetric(float64(claims.keccakInputs()), "inputs")
				b.ReportMetric(float64(n)/float64(claims.keccakInputs()), "constraints/input")
			}
		})
	}
}
