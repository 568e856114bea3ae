package verifier_test

import (
	"errors"
	"fmt"
	"log"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
)

// Trace a Solidity call, see which shape it fits, and compute the public
// commitment a proof of it would bind; an unsupported opcode is refused
// with its name and pc. (Proving needs keys: LoadOrSetup, then Prove.)
func Example() {
	counter := solidity.MustLoad("PlainCounter")
	input, _ := counter.ABI.Pack("add", big.NewInt(1000))
	trace, err := verifier.TraceCall(verifier.Call{
		Code:    counter.DeployedBytecode,
		Input:   input,
		Storage: map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))},
		Address: common.HexToAddress("0xc0de"),
		Caller:  common.HexToAddress("0xca11"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("steps:", len(trace.Steps), "returned:", new(big.Int).SetBytes(trace.ReturnData))
	fmt.Printf("slot 0: %d -> %d\n", trace.Storage[0].Initial.Big(), trace.Storage[0].Final.Big())
	if _, err := verifier.Assign(trace, verifier.Shapes[0]); err == nil {
		fmt.Println("fits the smallest shape:", verifier.Shapes[0].Steps, "steps")
	}
	if _, err := trace.Public().Commitment(verifier.Shapes[0]); err == nil {
		fmt.Println("public commitment computed from the public values alone")
	}

	// A contract that emits an event uses LOG2, which the circuit cannot
	// prove yet.
	logging := solidity.MustLoad("Counter")
	increment, _ := logging.ABI.Pack("increment")
	withLog, err := verifier.TraceCall(verifier.Call{
		Code:    logging.DeployedBytecode,
		Input:   increment,
		Address: common.HexToAddress("0xc0de"),
		Caller:  common.HexToAddress("0xca11"),
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = verifier.Assign(withLog, verifier.Shapes[0])
	fmt.Println(errors.Is(err, verifier.ErrUnsupported), err)
	// Output:
	// steps: 113 returned: 1041
	// slot 0: 41 -> 1041
	// fits the smallest shape: 256 steps
	// public commitment computed from the public values alone
	// true verifier: unsupported: opcode LOG2 (0xa2) at pc 259
}
