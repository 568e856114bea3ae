package booster_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/internal/testenv"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/statechanges"
)

// fixedProof is a Prover that hands out a proof made earlier.
type fixedProof []byte

func (p fixedProof) Prove(context.Context, *booster.Batch) ([]byte, error) { return p, nil }

func (w *settleWorld) proof(batch *booster.Batch) []byte {
	w.t.Helper()
	p, err := w.prover().Prove(context.Background(), batch)
	if err != nil {
		w.t.Fatal(err)
	}
	return p
}

func (w *settleWorld) increment() *types.Transaction {
	return w.l1CallTx(w.counter, bindings.NewBoostedCounter().PackIncrement())
}

func (w *settleWorld) swap() *types.Transaction {
	return w.l1CallTx(w.pool, bindings.NewConstantProductPool().PackSwap(true, big.NewInt(1_000), big.NewInt(1)))
}

// TestApplyStateUpdatesOnlyFromBooster: an EOA on L1, and an L2 user
// through L1CALL, both fail to write a booster-aware contract's storage.
func TestApplyStateUpdatesOnlyFromBooster(t *testing.T) {
	w := newSettleWorld(t)
	data := bindings.NewBoostedCounter().PackApplyStateUpdates([]bindings.StateChange{{Slot: common.Hash{}, Value: word(999)}})
	for _, target := range []common.Address{w.counter, w.pool, w.voting} {
		r := w.l1.Send(t, &target, nil, data)
		if r.Status != types.ReceiptStatusFailed {
			t.Fatalf("applyStateUpdates on %s from an EOA succeeded", target)
		}
		if got := w.l1.Storage(t, target, common.Hash{}); got == word(999) {
			t.Fatalf("slot 0 of %s was overwritten", target)
		}
	}
	// From L2: the L1 execution reverts with NotBooster, nothing is recorded.
	if err := w.b.Submit(w.l1CallTx(w.counter, data)); err != nil {
		t.Fatal(err)
	}
	batch, err := w.b.ExecuteBatch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r := batch.Receipts[0]
	if r.Status != types.ReceiptStatusFailed || len(batch.Writes) != 0 {
		t.Fatalf("L1CALL applyStateUpdates: status %d, writes %v; want a revert and no writes", r.Status, batch.Writes)
	}
	notBooster := bindings.BoostedCounterNotBoosterErrorID()
	if len(r.ReturnData) < 4 || [4]byte(r.ReturnData[:4]) != [4]byte(notBooster[:4]) {
		t.Fatalf("revert data %x, want NotBooster", r.ReturnData)
	}
}

// TestSettlementAttacks: each refused settlement reverts on chain and
// leaves the booster contract and the written slots as they were.
func TestSettlementAttacks(t *testing.T) {
	tests := []struct {
		name    string
		wantErr string
		attack  func(w *settleWorld) (*booster.Batch, booster.Prover)
	}{
		{"replayed batch", "BatchOutOfOrder", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			w.settle(batch)
			return batch, w.prover()
		}},
		{"skipped batch", "BatchOutOfOrder", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			w.execute(w.increment())
			return w.execute(w.swap()), w.prover()
		}},
		{"parent is not the last settled batch", "BatchParentMismatch", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			batch.Parent = crypto.Keccak256Hash([]byte("another history"))
			return batch, w.prover()
		}},
		{"starts from another L2 state than the last settled batch left", "L2StateRootMismatch", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			batch.ParentL2StateRoot = crypto.Keccak256Hash([]byte("another L2 state"))
			return batch, w.prover()
		}},
		{"a new L2 state root under the proof of another", "InvalidProof", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			proof := w.proof(batch)
			batch.L2StateRoot = crypto.Keccak256Hash([]byte("another L2 state"))
			return batch, fixedProof(proof)
		}},
		{"stale read: L1 changed a slot the batch read", "StaleStorageRead", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			if r := w.l1.Send(w.t, &w.counter, nil, bindings.NewBoostedCounter().PackIncrement()); r.Status != types.ReceiptStatusSuccessful {
				w.t.Fatal("direct L1 increment failed")
			}
			return batch, w.prover()
		}},
		{"tampered write list", "InvalidProof", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			proof := w.proof(batch)
			batch.Writes[0].Value = word(1_000_000)
			return batch, fixedProof(proof)
		}},
		{"tampered read set", "InvalidProof", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			proof := w.proof(batch)
			batch.Reads.Code = batch.Reads.Code[1:]
			return batch, fixedProof(proof)
		}},
		{"signed by another key", "InvalidProof", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			return batch, booster.NewDevProver(testenv.Key(w.t, "mallory"), params.AllDevChainProtocolChanges.ChainID, w.verifier)
		}},
		{"signed for another verifier", "InvalidProof", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			return batch, booster.NewDevProver(w.devKey, params.AllDevChainProtocolChanges.ChainID, w.contract)
		}},
		{"pinned block hash is not the block's", "L1BlockHashMismatch", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			batch.L1Block.Extra = []byte("forged")
			return batch, w.prover()
		}},
		{"pinned block in the future", "L1BlockUnavailable", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			batch := w.execute(w.increment())
			batch.L1Block.Number = big.NewInt(1_000_000)
			return batch, w.prover()
		}},
		// The booster refuses such a read at execution time
		// (TestPoisonedTransactions); an operator that puts one in the
		// read set anyway is refused by L1.
		{"read of a contract without extsload", "ReadUnverifiable", func(w *settleWorld) (*booster.Batch, booster.Prover) {
			plain := w.l1.Deploy(w.t, "Counter", nil)
			w.repin()
			batch := w.execute(w.increment())
			batch.Reads.Storage = append(batch.Reads.Storage, statechanges.StorageRead{Contract: plain, Slot: common.Hash{}, Value: common.Hash{}})
			return batch, w.prover()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newSettleWorld(t)
			batch, prover := tt.attack(w)
			w.expectRefused(batch, prover, tt.wantErr, written(batch))
		})
	}
}

// TestSettlementAllOrNothing: a batch writing three contracts whose third
// refuses applyStateUpdates (it trusts another booster) leaves the first
// two unapplied. The booster refuses such a write at execution time
// (TestPoisonedTransactions); here an operator adds it to the write list
// and signs the batch.
func TestSettlementAllOrNothing(t *testing.T) {
	w := newSettleWorld(t)
	foreign := w.l1.Deploy(t, "BoostedCounter", nil, w.l1.From)
	w.repin()
	batch := w.execute(w.increment(), w.swap())
	batch.Writes = append(batch.Writes, statechanges.Write{Contract: foreign, Slot: common.Hash{}, Value: word(1)})
	updates := batch.Updates()
	if len(updates) != 3 || updates[0].Contract != w.counter || updates[1].Contract != w.pool || updates[2].Contract != foreign {
		t.Fatalf("updates go to %v, want counter, pool, foreign", updates)
	}
	w.expectRefused(batch, w.prover(), "UpdateFailed("+foreign.Hex()+": NotBooster", written(batch))
	for _, wr := range batch.Writes {
		if got := w.l1.Storage(t, wr.Contract, wr.Slot); got == wr.Value {
			t.Fatalf("slot %s of %s was applied", wr.Slot, wr.Contract)
		}
	}
}

// TestSettleOldPinnedBlock: a batch pinned more than 256 blocks back is
// checked through the EIP-2935 history contract and settles.
func TestSettleOldPinnedBlock(t *testing.T) {
	w := newSettleWorld(t)
	batch := w.execute(w.increment())
	for range 300 {
		w.l1.Backend.Commit()
	}
	w.settle(batch)
	if got := w.l1.Storage(t, w.counter, common.Hash{}); got != word(1) {
		t.Fatalf("count = %s after settlement", got)
	}
}

// TestDevVerifierRejects checks the development verifier's own rules on
// the signature it is given.
func TestDevVerifierRejects(t *testing.T) {
	w := newSettleWorld(t)
	batch := w.execute(w.increment())
	h, err := batch.Commitment()
	if err != nil {
		t.Fatal(err)
	}
	good := w.proof(batch)
	// The same signature with s replaced by n - s and v flipped recovers
	// the same key: the verifier must refuse the high-s form.
	n := crypto.S256().Params().N
	s := new(big.Int).SetBytes(good[32:64])
	highS := common.CopyBytes(good)
	new(big.Int).Sub(n, s).FillBytes(highS[32:64])
	highS[64] ^= 1 // 27 <-> 28
	badV := common.CopyBytes(good)
	badV[64] = 1
	v := bindings.NewDevBatchVerifier()
	inst := v.Instance(w.l1.Client, w.verifier)
	tests := []struct {
		name  string
		proof []byte
		want  bool
	}{
		{"valid", good, true},
		{"high s", highS, false},
		{"v not 27 or 28", badV, false},
		{"short", good[:64], false},
		{"long", append(common.CopyBytes(good), 0), false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bind.Call(inst, nil, v.PackVerifyBatch(h, tt.proof), v.UnpackVerifyBatch)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("verifyBatch = %v, want %v", got, tt.want)
			}
		})
	}
}
