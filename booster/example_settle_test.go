package booster_test

import (
	"context"
	"fmt"
	"log"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity/bindings"
)

// Settle a batch on L1: deploy the booster contract with the development
// verifier and a booster-aware counter, increment the counter three times
// on L2, and apply the result on L1 in one transaction.
func ExampleSettle() {
	ctx := context.Background()
	l1Key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example l1 deployer")))
	devKey, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example dev signer")))
	config := l1.OsakaConfig()
	backend := simulated.NewBackend(types.GenesisAlloc{
		crypto.PubkeyToAddress(l1Key.PublicKey): {Balance: big.NewInt(params.Ether)},
	}, l1.SimulatedConfig(config))
	defer backend.Close()
	client := backend.Client()
	opts := bind.NewKeyedTransactor(l1Key, config.ChainID)
	l2ChainID := big.NewInt(167_001)

	deploy := func(meta *bind.MetaData, args []byte) common.Address {
		addr, tx, err := bind.DeployContract(opts, common.FromHex(meta.Bin), client, args)
		if err != nil {
			log.Fatal(err)
		}
		backend.Commit()
		if _, err := waitMined(ctx, client, tx.Hash()); err != nil {
			log.Fatal(err)
		}
		return addr
	}
	verifier := deploy(&bindings.DevBatchVerifierMetaData, bindings.NewDevBatchVerifier().PackConstructor(crypto.PubkeyToAddress(devKey.PublicKey)))
	// The booster contract starts from the L2 genesis's state commitment.
	genesis, err := booster.GenesisStateRoot()
	if err != nil {
		log.Fatal(err)
	}
	contract := deploy(&bindings.BoosterMetaData, bindings.NewBooster().PackConstructor(verifier, l2ChainID, genesis))
	c := bindings.NewBoostedCounter()
	counter := deploy(&bindings.BoostedCounterMetaData, c.PackConstructor(contract))

	src, err := l1.NewSimulatedSourceConfig(ctx, backend, config)
	if err != nil {
		log.Fatal(err)
	}
	b, err := booster.New(src, booster.WithChainID(l2ChainID), booster.WithL1Contract(contract))
	if err != nil {
		log.Fatal(err)
	}
	user, _ := crypto.ToECDSA(crypto.Keccak256([]byte("example l2 user")))
	for nonce := range uint64(3) {
		tx := types.MustSignNewTx(user, types.LatestSignerForChainID(l2ChainID), &types.DynamicFeeTx{
			ChainID: l2ChainID, Nonce: nonce, Gas: 500_000,
			To: &precompiles.L1CallAddress, Data: append(counter.Bytes(), c.PackIncrement()...),
		})
		if err := b.Submit(tx); err != nil {
			log.Fatal(err)
		}
	}
	batch, err := b.ExecuteBatch(ctx)
	if err != nil {
		log.Fatal(err)
	}

	// The pinned L1 block must be older than the head.
	backend.Commit()
	// The development prover signs the batch commitment: it proves nothing.
	prover := booster.NewDevProver(devKey, config.ChainID, verifier)
	tx, err := booster.Settle(ctx, client, opts, contract, batch, prover)
	if err != nil {
		log.Fatal(err)
	}
	backend.Commit()
	if _, err := waitMined(ctx, client, tx.Hash()); err != nil {
		log.Fatal(err)
	}
	count, err := bind.Call(c.Instance(client, counter), nil, c.PackCount(), c.UnpackCount)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("batch", batch.Number(), "settled; L1 count =", count)
	// Output:
	// batch 1 settled; L1 count = 3
}

// waitMined polls for a receipt: the simulated backend indexes mined
// transactions in the background.
func waitMined(ctx context.Context, client simulated.Client, hash common.Hash) (*types.Receipt, error) {
	for range 1000 {
		if r, err := client.TransactionReceipt(ctx, hash); err == nil {
			if r.Status != types.ReceiptStatusSuccessful {
				return r, fmt.Errorf("transaction %s reverted", hash)
			}
			return r, nil
		}
		time.Sleep(2 * time.Millisecond)
	}
	return nil, fmt.Errorf("no receipt for %s", hash)
}
