package boostertest_test

import (
	"context"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/booster/boostertest"
)

// TestVoteEndToEnd is written with boostertest alone: a Voting contract on
// L1 that trusts an L2 BallotBox, three votes on L2, one settlement, the
// tally read back from L1.
func TestVoteEndToEnd(t *testing.T) {
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t)
	deployer := rollup.Account(t, "deployer")
	ballot := deployer.NextContract()
	voting := l1.Deploy(t, "Voting", rollup.Contract, boostertest.L1Sender(ballot), big.NewInt(3))
	if got := deployer.Deploy(t, "BallotBox", voting); got != ballot {
		t.Fatalf("ballot box at %s, want %s", got, ballot)
	}
	rollup.Settle(t) // the deployment: no L1 effect

	for i, proposal := range []int64{2, 0, 2} {
		voter := rollup.Account(t, "voter "+string(rune('a'+i)))
		voter.Transact(t, ballot, "BallotBox", "vote", big.NewInt(proposal))
	}
	batch, receipt := rollup.Settle(t)
	if len(batch.Writes) == 0 || receipt.GasUsed == 0 {
		t.Fatalf("batch %d wrote %d slots for %d gas", batch.Number(), len(batch.Writes), receipt.GasUsed)
	}
	for p, want := range []int64{1, 0, 2} {
		got := l1.Call(t, voting, "Voting", "tally", big.NewInt(int64(p)))[0].(*big.Int)
		if got.Int64() != want {
			t.Errorf("tally[%d] = %s on L1, want %d", p, got, want)
		}
	}
}

// TestTwoRollups: two rollups on one L1, each with its own booster
// contract and chain id, settle independently; a rollup's L1CALL writes
// land on L1.
func TestTwoRollups(t *testing.T) {
	l1 := boostertest.NewL1(t)
	a, b := l1.NewRollup(t), l1.NewRollup(t)
	if a.Contract == b.Contract || a.ChainID.Cmp(b.ChainID) == 0 {
		t.Fatal("the rollups share a booster contract or a chain id")
	}
	counterA := l1.Deploy(t, "BoostedCounter", a.Contract)
	counterB := l1.Deploy(t, "BoostedCounter", b.Contract)
	if err := a.Booster.SetL1Source(l1.Source(t)); err != nil {
		t.Fatal(err)
	}
	if err := b.Booster.SetL1Source(l1.Source(t)); err != nil {
		t.Fatal(err)
	}
	user := a.Account(t, "user")
	user.L1Call(t, counterA, "BoostedCounter", "increment")
	user.L1Call(t, counterA, "BoostedCounter", "add", big.NewInt(9))
	b.Account(t, "user").L1Call(t, counterB, "BoostedCounter", "increment")
	a.Settle(t)
	b.Settle(t)
	for i, c := range []struct {
		counter common.Address
		want    int64
	}{{counterA, 10}, {counterB, 1}} {
		if got := l1.Call(t, c.counter, "BoostedCounter", "count")[0].(*big.Int); got.Int64() != c.want {
			t.Errorf("counter %d = %s, want %d", i, got, c.want)
		}
	}
}

// TestAdvance: Advance mines blocks, and a batch pinned before them still
// executes and settles. (go-ethereum keeps the state of the last 128
// blocks only: a pin older than that cannot be executed against.)
func TestAdvance(t *testing.T) {
	l1 := boostertest.NewL1(t)
	r := l1.NewRollup(t)
	counter := l1.Deploy(t, "BoostedCounter", r.Contract)
	if err := r.Booster.SetL1Source(l1.Source(t)); err != nil {
		t.Fatal(err)
	}
	before, err := l1.Client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	r.Account(t, "user").L1Call(t, counter, "BoostedCounter", "increment")
	l1.Advance(100)
	after, err := l1.Client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if after != before+100 {
		t.Fatalf("head %d after Advance(100) from %d", after, before)
	}
	r.Settle(t)
	if got := l1.Storage(t, counter, common.Hash{}); got.Big().Int64() != 1 {
		t.Fatalf("count = %s", got.Big())
	}
}

// TestNewFunded: one call gives an L1 and rollups; Funded accounts hold
// their balance on every rollup and can move value.
func TestNewFunded(t *testing.T) {
	l1, rollups := boostertest.New(t, 2, boostertest.Funded(t, boostertest.Ether, "rich"))
	if len(rollups) != 2 || rollups[0].Contract == rollups[1].Contract {
		t.Fatalf("rollups %v", rollups)
	}
	for _, r := range rollups {
		rich := r.Account(t, "rich")
		if got := r.Booster.Chain().Balance(rich.Address); got.ToBig().Cmp(boostertest.Ether) != 0 {
			t.Fatalf("balance %s, want one ether", got)
		}
		to := r.Account(t, "poor").Address
		rich.Send(t, &to, big.NewInt(1_000), nil, 21_000)
		r.Settle(t)
		if got := r.Booster.Chain().Balance(to).Uint64(); got != 1_000 {
			t.Fatalf("poor holds %d", got)
		}
	}
	if l1.Verifier == (common.Address{}) {
		t.Fatal("no verifier")
	}
}
