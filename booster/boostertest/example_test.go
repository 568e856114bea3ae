package boostertest_test

import (
	"fmt"
	"log"
	"math/big"

	"github.com/boosterkit/go-booster/booster/boostertest"
)

// exampleTB runs the helpers outside a test: a failure stops the program.
type exampleTB struct{ cleanups []func() }

func (*exampleTB) Helper()                        {}
func (e *exampleTB) Cleanup(f func())             { e.cleanups = append(e.cleanups, f) }
func (*exampleTB) Errorf(format string, a ...any) { log.Fatalf(format, a...) }
func (*exampleTB) Fatal(a ...any)                 { log.Fatal(a...) }
func (*exampleTB) Fatalf(format string, a ...any) { log.Fatalf(format, a...) }
func (e *exampleTB) close() {
	for i := len(e.cleanups) - 1; i >= 0; i-- {
		e.cleanups[i]()
	}
}

// A vote end to end: a Voting contract on L1 that trusts an L2 ballot box,
// two votes on L2, one settlement, the tally read back from L1. In a test,
// pass the *testing.T instead of exampleTB.
func Example() {
	t := &exampleTB{}
	defer t.close()
	l1 := boostertest.NewL1(t)
	rollup := l1.NewRollup(t)
	deployer := rollup.Account(t, "deployer")
	ballot := deployer.NextContract()
	voting := l1.Deploy(t, "Voting", rollup.Contract, boostertest.L1Sender(ballot), big.NewInt(3))
	deployer.Deploy(t, "BallotBox", voting)
	rollup.Settle(t)

	rollup.Account(t, "alice").Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	rollup.Account(t, "bob").Transact(t, ballot, "BallotBox", "vote", big.NewInt(2))
	batch, _ := rollup.Settle(t)
	fmt.Println("batch", batch.Number(), "wrote", len(batch.Writes), "L1 slot")
	fmt.Println("tally of proposal 2 on L1:", l1.Call(t, voting, "Voting", "tally", big.NewInt(2))[0])
	// Output:
	// batch 2 wrote 1 L1 slot
	// tally of proposal 2 on L1: 2
}
