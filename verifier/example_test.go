package verifier_test

import (
	"errors"
	"fmt"
	"log"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/solidity"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/trace"
)

// Trace a Solidity call, see which shape it fits, and compute the public
// commitment a proof of it would bind; an opcode a shape cannot prove is
// refused with its name and pc. (Proving needs keys: LoadOrSetup, then Prove.)
func Example() {
	counter := solidity.MustLoad("PlainCounter")
	input, _ := counter.ABI.Pack("add", big.NewInt(1000))
	tr, err := trace.Run(trace.Call{
		Code:    counter.DeployedBytecode,
		Input:   input,
		Storage: map[common.Hash]common.Hash{{}: common.BigToHash(big.NewInt(41))},
		Address: common.HexToAddress("0xc0de"),
		Caller:  common.HexToAddress("0xca11"),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("steps:", len(tr.Steps), "returned:", new(big.Int).SetBytes(tr.ReturnData))
	fmt.Printf("slot 0: %d -> %d\n", tr.Storage[0].Initial.Big(), tr.Storage[0].Final.Big())
	if _, err := verifier.Assign(tr, verifier.Shapes[0]); err == nil {
		fmt.Println("fits the smallest shape:", verifier.Shapes[0].Steps, "steps")
	}
	if _, err := verifier.PublicOf(tr).Commitment(verifier.Shapes[0]); err == nil {
		fmt.Println("public commitment computed from the public values alone")
	}

	// A contract that emits an event uses LOG2: the smallest shape has no
	// log list and refuses it by name; the 2^10 ERC20 shape binds it.
	logging := solidity.MustLoad("Counter")
	increment, _ := logging.ABI.Pack("increment")
	withLog, err := trace.Run(trace.Call{
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
		fmt.Println("fits the 2^10 ERC20 shape, with", len(verifier.PublicOf(withLog).Logs), "log of", len(withLog.Logs[0].Topics), "topics")
	}
	// Output:
	// steps: 113 returned: 1041
	// slot 0: 41 -> 1041
	// fits the smallest shape: 256 steps
	// public commitment computed from the public values alone
	// true verifier: unsupported: opcode LOG2 (0xa2) at pc 259: shape steps256-code384-cd40-stack32-mem8-sto4-ret2-add40-mul6-bit4-spl2-exp0-mod0 has no table for it (a larger shape proves it)
	// fits the 2^10 ERC20 shape, with 1 log of 2 topics
}

// Record every frame of a call that calls another contract, prove each
// frame on its own (here: check that its witness fits a shape) and link
// them from their public values: the caller's call entry is the callee's
// frame, and the writes that stay are what the transaction left.
func ExampleTransaction_Check() {
	// The callee stores its input at slot 0 and returns it.
	callee := []byte{0x5f, 0x35, 0x80, 0x5f, 0x55, 0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3} // PUSH0 CALLDATALOAD DUP1 PUSH0 SSTORE PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
	// The caller stores 7 at memory 0, CALLs the callee with those 32
	// bytes and returns what it got back.
	caller := []byte{0x60, 0x07, 0x5f, 0x52, // PUSH1 7 PUSH0 MSTORE
		0x60, 0x20, 0x5f, 0x60, 0x20, 0x5f, 0x5f, 0x61, 0xca, 0x11, 0x5a, 0xf1, 0x50, // CALL(gas, 0xca11, 0, 0, 32, 0, 32) POP
		0x60, 0x20, 0x5f, 0xf3} // RETURN(0, 32)
	tx, err := trace.RunTransaction(trace.Call{
		Code: caller, Address: common.HexToAddress("0xc0de"), Caller: common.HexToAddress("0xa11ce"),
		Contracts: map[common.Address][]byte{common.HexToAddress("0xca11"): callee},
	})
	if err != nil {
		log.Fatal(err)
	}
	for i, f := range tx.Frames {
		_, err := verifier.Assign(f.Trace, verifier.Shapes[2])
		fmt.Printf("frame %d at %s: %d steps, %d calls, fits the ERC20 shape: %v\n", i, f.Trace.Address, len(f.Trace.Steps), len(f.Trace.Calls), err == nil)
	}
	writes, err := tx.Check(nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, w := range writes {
		fmt.Printf("%s slot %d: %d -> %d\n", w.Address, w.Key.Big(), w.Initial.Big(), w.Final.Big())
	}
	// A callee whose frame returned something else does not link.
	tx.Frames[1].Trace.ReturnData = common.LeftPadBytes([]byte{8}, 32)
	_, err = tx.Check(nil)
	fmt.Println(errors.Is(err, verifier.ErrLink))
	// Output:
	// frame 0 at 0x000000000000000000000000000000000000c0DE: 15 steps, 1 calls, fits the ERC20 shape: true
	// frame 1 at 0x000000000000000000000000000000000000cA11: 10 steps, 0 calls, fits the ERC20 shape: true
	// 0x000000000000000000000000000000000000cA11 slot 0: 0 -> 7
	// true
}
