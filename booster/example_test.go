package booster_test

import (
	"context"
	"fmt"
	"log"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
)

// A booster over an L1 that holds a Counter: two L2 transactions increment
// it through L1CALL, and the batch says which L1 slot to write and how.
func Example() {
	ctx := context.Background()
	counter := solidity.MustLoad("Counter")
	counterAddr := common.HexToAddress("0xc0c0")

	// The L1 state, pinned at one block. On a live chain use
	// l1.NewClientSource or l1.NewSimulatedSource instead.
	pinned := &types.Header{Number: big.NewInt(100), Time: 1_700_000_000, Difficulty: new(big.Int), BaseFee: big.NewInt(params.GWei)}
	src, err := l1.NewAllocSource(params.AllDevChainProtocolChanges, pinned, types.GenesisAlloc{
		counterAddr: {Code: counter.DeployedBytecode},
	})
	if err != nil {
		log.Fatal(err)
	}
	b, err := booster.New(src, booster.WithChainID(big.NewInt(167_001)))
	if err != nil {
		log.Fatal(err)
	}

	// L2 transactions straight to the L1CALL precompile: the input is the
	// L1 target followed by the calldata.
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example user")))
	increment, _ := counter.ABI.Pack("increment")
	for nonce := range uint64(2) {
		tx := types.MustSignNewTx(key, types.LatestSignerForChainID(big.NewInt(167_001)), &types.DynamicFeeTx{
			ChainID: big.NewInt(167_001), Nonce: nonce, Gas: 500_000,
			To: &precompiles.L1CallAddress, Data: append(counterAddr.Bytes(), increment...),
		})
		if err := b.Submit(tx); err != nil {
			log.Fatal(err)
		}
	}

	batch, err := b.ExecuteBatch(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("batch", batch.Number(), "receipts", len(batch.Receipts), "status", batch.Receipts[1].Status)
	for _, w := range batch.Writes {
		fmt.Printf("write %s slot %d = %d\n", w.Contract, w.Slot.Big(), w.Value.Big())
	}
	fmt.Printf("read %s slot %d was %d\n", batch.Reads.Storage[0].Contract, batch.Reads.Storage[0].Slot.Big(), batch.Reads.Storage[0].Value.Big())
	for _, u := range batch.Updates() {
		fmt.Printf("settle with %s.applyStateUpdates: %d bytes of calldata\n", u.Contract, len(u.Calldata()))
	}
	// Output:
	// batch 1 receipts 2 status 1
	// write 0x000000000000000000000000000000000000C0C0 slot 0 = 2
	// read 0x000000000000000000000000000000000000C0C0 slot 0 was 0
	// settle with 0x000000000000000000000000000000000000C0C0.applyStateUpdates: 132 bytes of calldata
}
