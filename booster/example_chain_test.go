package booster_test

import (
	"context"
	"fmt"
	"log"
	"math/big"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
)

// Chain two rollups: rollup B runs against the L1 state rollup A's batch
// left, before A settles (Batch.L1State), so B sees A's write. B's read set
// then holds a value L1 has only once A is applied: B settles after A.
// Each rollup also answers read-only calls (Booster.Call).
func ExampleBatch_L1State() {
	ctx := context.Background()
	counter := solidity.MustLoad("Counter") // a plain L1 counter
	at := common.HexToAddress("0xc0c0")
	pinned := &types.Header{Number: big.NewInt(100), Time: 1_700_000_000, Difficulty: new(big.Int), BaseFee: new(big.Int), GasLimit: 30_000_000}
	src, err := l1.NewAllocSource(l1.OsakaConfig(), pinned, types.GenesisAlloc{at: {Code: counter.DeployedBytecode}})
	if err != nil {
		log.Fatal(err)
	}
	a, _ := booster.New(src, booster.WithChainID(big.NewInt(1001)))
	b, _ := booster.New(src, booster.WithChainID(big.NewInt(1002)))

	user, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example chained user")))
	increment, _ := counter.ABI.Pack("increment")
	tx := types.MustSignNewTx(user, types.LatestSignerForChainID(big.NewInt(1001)), &types.DynamicFeeTx{
		ChainID: big.NewInt(1001), Gas: 200_000, To: &precompiles.L1CallAddress, Data: append(at.Bytes(), increment...),
	})
	if err := a.Submit(tx); err != nil {
		log.Fatal(err)
	}
	batchA, err := a.ExecuteBatch(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rollup A writes count =", batchA.Writes[0].Value.Big())

	// Rollup B, pinned to the L1 state A left, reads the counter.
	if err := b.SetL1Source(batchA.L1State()); err != nil {
		log.Fatal(err)
	}
	count, _ := counter.ABI.Pack("count")
	res, err := b.Call(ctx, ethereum.CallMsg{To: &precompiles.L1SandboxCallAddress, Data: append(at.Bytes(), count...)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rollup B reads count =", new(big.Int).SetBytes(res.ReturnData))
	onL1, _ := src.Storage(ctx, at, common.Hash{})
	fmt.Println("the pinned L1 block still holds", onL1.Big())
	// Output:
	// rollup A writes count = 1
	// rollup B reads count = 1
	// the pinned L1 block still holds 0
}
