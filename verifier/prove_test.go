package verifier

import (
	"errors"
	"math/big"
	"os"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/verifier/trace"
)

// TestProveRealContracts makes real Groth16 proofs of real Solidity calls
// on the smallest shape that proves them (the counter and the arithmetic
// loop on 2^8 steps; the copies, the mappings' KECCAK256, the ERC20's
// event, the voting example's L2 and L1 frames and a transient lock, which that
// shape leaves out, on 2^10),
// verifies them, and checks that a changed public input fails. Keys are
// cached across runs (DefaultKeyDir, or GO_BOOSTER_KEYS).
func TestProveRealContracts(t *testing.T) {
	if testing.Short() {
		t.Skip("Groth16 setup and proving: skipped with -short")
	}
	slot0 := map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))}
	for _, batch := range []struct {
		shape  Shape
		traces []*trace.Trace
	}{
		{Shapes[0], []*trace.Trace{
			contractTrace(t, "PlainCounter", "increment", slot0),
			contractTrace(t, "PlainCounter", "add", slot0, big.NewInt(1000)),
			contractTrace(t, "Arith", "run", nil, big.NewInt(2)),
		}},
		{Shapes[1], []*trace.Trace{
			contractTrace(t, "Copier", "head", nil, []byte("a bytes argument, copied to memory by ABI decoding")),
			contractTrace(t, "Copier", "creationHead", nil),
		}},
		{Shapes[2], []*trace.Trace{
			contractTrace(t, "Ledger", "transfer", map[common.Hash]common.Hash{
				mappingSlot(common.BytesToHash(common.HexToAddress("0xca11").Bytes()), common.Hash{}): common.BigToHash(big.NewInt(100)),
			}, common.HexToAddress("0xb0b"), big.NewInt(30)),
			contractTrace(t, "Token", "transfer", map[common.Hash]common.Hash{
				mappingSlot(common.BytesToHash(common.HexToAddress("0xca11").Bytes()), common.BigToHash(big.NewInt(1))): common.BigToHash(big.NewInt(100)),
			}, common.HexToAddress("0xb0b"), big.NewInt(30)),
			// The voting example's two frames, and a transient-storage lock.
			recordVoteTrace(t, true),
			votingTransaction(t, true).Frames[0].Trace,
			contractTrace(t, "Locked", "bump", slot0, big.NewInt(1)),
		}},
	} {
		start := time.Now()
		keys, err := LoadOrSetup(os.Getenv("GO_BOOSTER_KEYS"), batch.shape)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("keys for %s (%d constraints) in %s", keys.Shape().Name(), keys.Constraints(), time.Since(start).Round(time.Millisecond))
		for _, tr := range batch.traces {
			start := time.Now()
			p, err := keys.Prove(tr)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d steps proven in %s", len(tr.Steps), time.Since(start).Round(time.Millisecond))
			if err := keys.Verify(p, p.Commitment); err != nil {
				t.Fatalf("valid proof rejected: %v", err)
			}
			wrong := new(big.Int).Add(p.Commitment, big.NewInt(1))
			if err := keys.Verify(p, wrong); !errors.Is(err, ErrProof) {
				t.Fatalf("proof accepted for a changed public input: %v", err)
			}
		}
	}
}
