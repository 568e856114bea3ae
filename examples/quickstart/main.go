// Command quickstart runs go-booster end to end on the embedded simulated
// L1: it deploys a Counter on L1, sends L2 transactions that increment it
// through L1CALL, executes them as one batch, and prints the write list, the
// read set and the applyStateUpdates calldata that settle the batch on L1.
//
//	go run ./examples/quickstart [-n 100]
package main

import (
	"context"
	"crypto/ecdsa"
	"flag"
	"fmt"
	"log"
	"math/big"
	"os"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
)

func main() {
	n := flag.Int("n", 100, "number of L2 transactions")
	flag.Parse()
	if err := run(context.Background(), *n); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, n int) error {
	if n < 1 {
		return fmt.Errorf("-n must be at least 1")
	}
	start := time.Now()
	deployer, _ := crypto.GenerateKey()
	deployerAddr := crypto.PubkeyToAddress(deployer.PublicKey)
	backend := simulated.NewBackend(types.GenesisAlloc{deployerAddr: {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}})
	defer backend.Close()

	counter := solidity.MustLoad("Counter")
	counterAddr, err := deploy(ctx, backend, deployer, counter.Bytecode)
	if err != nil {
		return err
	}
	fmt.Printf("L1: simulated chain, Counter deployed at %s\n", counterAddr)

	src, err := l1.NewSimulatedSource(ctx, backend)
	if err != nil {
		return err
	}
	fmt.Printf("L1: pinned block %d (%s)\n", src.Header().Number, src.Header().Hash())
	l2ChainID := big.NewInt(167_001)
	b, err := booster.New(src, booster.WithChainID(l2ChainID))
	if err != nil {
		return err
	}

	user, _ := crypto.GenerateKey()
	increment, _ := counter.ABI.Pack("increment")
	signer := types.LatestSignerForChainID(l2ChainID)
	for i := range n {
		tx := types.MustSignNewTx(user, signer, &types.DynamicFeeTx{
			ChainID: l2ChainID,
			Nonce:   uint64(i),
			Gas:     500_000,
			To:      &precompiles.L1CallAddress,
			Data:    append(counterAddr.Bytes(), increment...),
		})
		if err := b.Submit(tx); err != nil {
			return err
		}
		if (i+1)%max(1, n/4) == 0 || i+1 == n {
			fmt.Printf("L2: %d/%d transactions submitted\n", i+1, n)
		}
	}

	batch, err := b.ExecuteBatch(ctx)
	if err != nil {
		return err
	}
	var l2Gas uint64
	for _, r := range batch.Receipts {
		if r.Status != types.ReceiptStatusSuccessful {
			return fmt.Errorf("L2 transaction %s failed: %v", r.TxHash, r.Err)
		}
		l2Gas += r.GasUsed
	}
	fmt.Printf("L2: batch %d executed: %d transactions, %d rejected, %d L2 gas\n",
		batch.Number(), len(batch.Receipts), len(batch.Rejected), l2Gas)

	fmt.Printf("write list (%d entries):\n", len(batch.Writes))
	for _, w := range batch.Writes {
		fmt.Printf("  %s slot %s = %s\n", w.Contract, w.Slot, w.Value)
	}
	fmt.Printf("read set: %d storage slots, %d code hashes, %d balances\n",
		len(batch.Reads.Storage), len(batch.Reads.Code), len(batch.Reads.Balances))
	for _, u := range batch.Updates() {
		fmt.Printf("settle: call %s with %d bytes: %x\n", u.Contract, len(u.Calldata()), u.Calldata())
	}
	readCommit, err := batch.Reads.Commitment()
	if err != nil {
		return err
	}
	fmt.Printf("commitments: writes %s, reads %s\n", batch.Writes.Commitment(), readCommit)

	if len(batch.Writes) != 1 || batch.Writes[0].Value.Big().Int64() != int64(n) {
		return fmt.Errorf("write list %v does not set the counter to %d", batch.Writes, n)
	}
	fmt.Printf("summary: %d L1CALLs left Counter.count = %d in the L1 view, one slot to write on L1; %s\n",
		n, n, time.Since(start).Round(time.Millisecond))
	return nil
}

// deploy sends a contract creation on the simulated L1 and waits for it.
func deploy(ctx context.Context, backend *simulated.Backend, key *ecdsa.PrivateKey, code []byte) (common.Address, error) {
	client := backend.Client()
	from := crypto.PubkeyToAddress(key.PublicKey)
	nonce, err := client.PendingNonceAt(ctx, from)
	if err != nil {
		return common.Address{}, err
	}
	chainID := params.AllDevChainProtocolChanges.ChainID
	tx := types.MustSignNewTx(key, types.LatestSignerForChainID(chainID), &types.DynamicFeeTx{
		ChainID: chainID, Nonce: nonce, GasTipCap: big.NewInt(params.GWei), GasFeeCap: big.NewInt(20 * params.GWei),
		Gas: 3_000_000, Data: code,
	})
	if err := client.SendTransaction(ctx, tx); err != nil {
		return common.Address{}, err
	}
	backend.Commit()
	for range 1000 {
		r, err := client.TransactionReceipt(ctx, tx.Hash())
		if err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				return common.Address{}, fmt.Errorf("deployment failed")
			}
			return r.ContractAddress, nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "no receipt")
	return common.Address{}, fmt.Errorf("no receipt for deployment %s", tx.Hash())
}
