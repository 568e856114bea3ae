package l1_test

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/evm/l1"
)

// A view over a fixed L1 state: reads come from the source, and what the
// view read is recorded for the read set.
func ExampleNewView() {
	token := common.HexToAddress("0x70")
	pinned := &types.Header{Number: big.NewInt(42), Difficulty: new(big.Int)}
	src, _ := l1.NewAllocSource(params.AllDevChainProtocolChanges, pinned, types.GenesisAlloc{
		token: {Code: []byte{0x00}, Storage: map[common.Hash]common.Hash{{31: 1}: {31: 7}}},
	})
	view, _ := l1.NewView(context.Background(), src)
	fmt.Println(view.Storage(token, common.Hash{31: 1}).Big())
	_, reads := view.Result()
	fmt.Println(len(reads.Storage), "storage read recorded, pinned block", view.Header().Number)
	// Output:
	// 7
	// 1 storage read recorded, pinned block 42
}
