package node_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/node"
)

// Example starts a node on the embedded L1, sends it a signed transfer
// through JSON-RPC as a wallet would, and waits for the receipt and for
// the batch to settle on L1.
func Example() {
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example wallet")))
	from := crypto.PubkeyToAddress(key.PublicKey)
	n, err := node.New(context.Background(), node.Config{
		ChainID:       big.NewInt(167001),
		Genesis:       types.GenesisAlloc{from: {Balance: big.NewInt(params.Ether)}},
		ListenAddr:    "127.0.0.1:0",
		BatchInterval: 50 * time.Millisecond,
		L1Period:      50 * time.Millisecond,
		Logger:        slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		panic(err)
	}
	if err := n.Start(); err != nil {
		panic(err)
	}
	defer n.Close()

	client, err := ethclient.Dial("http://" + n.Addr())
	if err != nil {
		panic(err)
	}
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	chainID, _ := client.ChainID(ctx)
	to := common.HexToAddress("0x000000000000000000000000000000000000b0b0")
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{
		ChainID: chainID, Nonce: 0, GasFeeCap: big.NewInt(params.GWei), Gas: 21_000, To: &to, Value: big.NewInt(1000),
	})
	if err := client.SendTransaction(ctx, tx); err != nil {
		panic(err)
	}
	receipt, err := bind.WaitMined(ctx, client, tx.Hash())
	if err != nil {
		panic(err)
	}
	balance, _ := client.BalanceAt(ctx, to, nil)
	fmt.Println("status", receipt.Status, "in block", receipt.BlockNumber, "balance", balance)
	for {
		st, err := n.Status(receipt.BlockNumber.Uint64())
		if err == nil && st.State == node.StateSettled {
			fmt.Println("batch", receipt.BlockNumber, st.State)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Output:
	// status 1 in block 1 balance 1000
	// batch 1 settled
}
