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
// commitment a proof of it would bind; an opcode a shape cannot prove is
// refused with its name and pc. (Proving needs keys: LoadOrSetup, then Prove.)
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

	// A contract that emits an event uses LOG2: the smallest shape has no
	// log list and refuses it by name; the 2^10 ERC20 shape binds it.
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
	if _, err := verifier.Assign(withLog, verifier.Shapes[2]); err == nil {
		fmt.Println("fits the 2^10 ERC20 shape, with", len(withLog.Public().Logs), "log of", len(withLog.Logs[0].Topics), "topics")
	}
	// Output:
	// steps: 113 returned: 1041
	// slot 0: 41 -> 1041
	// fits the smallest shape: 256 steps
	// public commitment computed from the public values alone
	// true verifier: unsupported: opcode LOG2 (0xa2) at pc 259: shape steps256-code384-cd40-stack32-mem8-sto4-ret2-add40-mul6-bit4-spl2-exp0-mod0 has no table for it (a larger shape proves it)
	// fits the 2^10 ERC20 shape, with 1 log of 2 topics
}
