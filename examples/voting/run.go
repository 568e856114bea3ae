package main

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math"
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

// l2ChainID is the booster rollup's chain id.
var l2ChainID = big.NewInt(167_001)

// groth16VerifyGas is the L1 gas of verifying one Groth16 proof with
// gnark's exported Solidity verifier (one public input, one commitment),
// as verifier.TestSolidityVerifier measures it on the simulated L1:
// 337,678 gas for the transaction, 316,678 without its 21,000 base. The
// projection column replaces the development verifier's cost with it.
const groth16VerifyGas = 316_678

type config struct {
	counts    []int
	proposals int
	out       io.Writer
	prove     *proveConfig // nil: the development verifier only
}

// row is one point of the case study.
type row struct {
	n          int
	directGas  uint64 // total L1 gas of n direct votes
	settlement booster.SettlementGas
	proven     *provenRow // the same votes proven, with -prove
}

func (r row) directPerVote() float64  { return float64(r.directGas) / float64(r.n) }
func (r row) boosterPerVote() float64 { return float64(r.settlement.Total) / float64(r.n) }

// provenPerVote is the L1 gas per vote of the proven rollup's settlement
// through GnarkBatchVerifier (NaN without -prove).
func (r row) provenPerVote() float64 {
	if r.proven == nil {
		return math.NaN()
	}
	return float64(r.proven.settlement.Total) / float64(r.n)
}

func (r row) projectedPerVote() float64 {
	return float64(int64(r.settlement.Total)-int64(r.settlement.Verify)+groth16VerifyGas) / float64(r.n)
}

// study is the outcome of a run.
type study struct {
	rows []row
}

// key derives a deterministic key, so runs are repeatable.
func key(name string) *ecdsa.PrivateKey {
	k, err := crypto.ToECDSA(crypto.Keccak256([]byte("go-booster voting example " + name)))
	if err != nil {
		panic(err)
	}
	return k
}

func run(ctx context.Context, cfg config) (*study, error) {
	if len(cfg.counts) == 0 || cfg.proposals < 1 {
		return nil, errors.New("voting: need at least one batch and one proposal")
	}
	start := time.Now()
	out := cfg.out
	total := 0
	for _, n := range cfg.counts {
		total += n
	}

	// L1: the simulated chain under mainnet's rules, with the deployer and
	// every direct voter funded.
	deployer := key("l1 deployer")
	devSigner := key("dev verifier signer")
	alloc := types.GenesisAlloc{crypto.PubkeyToAddress(deployer.PublicKey): {Balance: new(big.Int).Lsh(big.NewInt(1), 100)}}
	directVoters := make([]*ecdsa.PrivateKey, total)
	for i := range directVoters {
		directVoters[i] = key(fmt.Sprintf("direct voter %d", i))
		alloc[crypto.PubkeyToAddress(directVoters[i].PublicKey)] = types.Account{Balance: big.NewInt(params.Ether)}
	}
	l1Config := l1.OsakaConfig()
	backend := simulated.NewBackend(alloc, l1.SimulatedConfig(l1Config))
	defer backend.Close()
	chain := &l1Chain{backend: backend, client: backend.Client(), chainID: l1Config.ChainID, config: l1Config}
	fmt.Fprintf(out, "L1: simulated chain (Osaka rules), %d direct voters funded\n", total)

	l2Deployer := key("l2 deployer")
	ballotBox := crypto.CreateAddress(crypto.PubkeyToAddress(l2Deployer.PublicKey), 0)
	verifier, err := chain.deploy(ctx, deployer, &bindings.DevBatchVerifierMetaData, bindings.NewDevBatchVerifier().PackConstructor(crypto.PubkeyToAddress(devSigner.PublicKey)))
	if err != nil {
		return nil, err
	}
	genesis, err := booster.GenesisStateRoot()
	if err != nil {
		return nil, err
	}
	boosterContract, err := chain.deploy(ctx, deployer, &bindings.BoosterMetaData, bindings.NewBooster().PackConstructor(verifier, l2ChainID, genesis))
	if err != nil {
		return nil, err
	}
	v := bindings.NewVoting()
	boostedVoting, err := chain.deploy(ctx, deployer, &bindings.VotingMetaData, v.PackConstructor(boosterContract, precompiles.Alias(ballotBox), big.NewInt(int64(cfg.proposals))))
	if err != nil {
		return nil, err
	}
	directVoting, err := chain.deploy(ctx, deployer, &bindings.VotingMetaData, v.PackConstructor(boosterContract, common.Address{}, big.NewInt(int64(cfg.proposals))))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "L1: DevBatchVerifier %s (development only), Booster %s, Voting %s (through the booster), Voting %s (direct)\n",
		verifier, boosterContract, boostedVoting, directVoting)

	// L2: the booster, pinned to the L1 head, and the ballot box.
	src, err := l1.NewSimulatedSourceConfig(ctx, backend, l1Config)
	if err != nil {
		return nil, err
	}
	b, err := booster.New(src, booster.WithChainID(l2ChainID), booster.WithGasLimit(1<<40), booster.WithL1Contract(boosterContract))
	if err != nil {
		return nil, err
	}
	settler := &settler{chain: chain, b: b, contract: boosterContract, config: l1Config,
		prover: booster.NewDevProver(devSigner, l1Config.ChainID, verifier),
		opts:   bind.NewKeyedTransactor(deployer, l1Config.ChainID)}
	deployBallot := signL2(l2Deployer, 0, nil, append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(boostedVoting)...))
	if err := b.Submit(deployBallot); err != nil {
		return nil, err
	}
	if _, _, err := settler.executeAndSettle(ctx); err != nil {
		return nil, fmt.Errorf("voting: deploy the ballot box: %w", err)
	}
	fmt.Fprintf(out, "L2: BallotBox %s deployed and batch 1 settled\n", ballotBox)

	var proven *provenRollup
	if cfg.prove != nil {
		if proven, err = setupProven(ctx, cfg, chain, deployer); err != nil {
			return nil, err
		}
	}

	st := &study{}
	expected := make([]int64, cfg.proposals)
	next := 0 // next voter index
	for _, n := range cfg.counts {
		voters := directVoters[next : next+n]
		directGas, err := chain.voteDirect(ctx, directVoting, voters, cfg.proposals)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "N=%d: %d direct L1 votes used %d gas\n", n, n, directGas)

		box := bindings.NewBallotBox()
		for i := range n {
			p := (next + i) % cfg.proposals
			voter := key(fmt.Sprintf("l2 voter %d", next+i))
			if err := b.Submit(signL2(voter, 0, &ballotBox, box.PackVote(big.NewInt(int64(p))))); err != nil {
				return nil, fmt.Errorf("voting: submit vote %d: %w", next+i, err)
			}
			expected[p]++
		}
		batch, gas, err := settler.executeAndSettle(ctx)
		if err != nil {
			return nil, err
		}
		if err := checkTally(ctx, chain, boostedVoting, batch, expected); err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "N=%d: batch %d (%d L2 votes) settled in one L1 transaction using %d gas; L1 tally equals L2's\n",
			n, batch.Number(), n, gas.Total)
		r := row{n: n, directGas: directGas, settlement: gas}
		if proven != nil {
			if r.proven, err = proven.vote(ctx, next, n, cfg.proposals, expected); err != nil {
				return nil, fmt.Errorf("voting: N=%d proven: %w", n, err)
			}
			fmt.Fprintf(out, "N=%d: the same %d votes on the proven rollup: %d proofs in %s, settled through GnarkBatchVerifier using %d gas; L1 tally equals L2's\n",
				n, n, r.proven.proofs, r.proven.prove.Round(time.Second), r.proven.settlement.Total)
		}
		st.rows = append(st.rows, r)
		next += n
	}

	st.print(out)
	fmt.Fprintf(out, "summary: %d votes through %d settlements, tally on L1 %v equals L2's, %s\n",
		total, len(cfg.counts), expected, time.Since(start).Round(time.Millisecond))
	return st, nil
}

// checkTally reads the tally from L1 after settlement and checks it against
// the votes cast and against the values the batch's L2 execution wrote.
func checkTally(ctx context.Context, chain *l1Chain, voting common.Address, batch *booster.Batch, expected []int64) error {
	v := bindings.NewVoting()
	inst := v.Instance(chain.client, voting)
	for p, want := range expected {
		got, err := bind.Call(inst, &bind.CallOpts{Context: ctx}, v.PackTally(big.NewInt(int64(p))), v.UnpackTally)
		if err != nil {
			return fmt.Errorf("voting: read tally: %w", err)
		}
		if got.Int64() != want {
			return fmt.Errorf("voting: tally[%d] = %d on L1, want %d", p, got, want)
		}
	}
	for _, w := range batch.Writes {
		got, err := chain.client.StorageAt(ctx, w.Contract, w.Slot, nil)
		if err != nil {
			return fmt.Errorf("voting: read L1 slot: %w", err)
		}
		if common.BytesToHash(got) != w.Value {
			return fmt.Errorf("voting: L1 slot %s of %s = %x after settlement, L2 computed %s", w.Slot, w.Contract, got, w.Value)
		}
	}
	return nil
}

// signL2 signs an L2 transaction that pays no fee (the L2 base fee is zero).
func signL2(k *ecdsa.PrivateKey, nonce uint64, to *common.Address, data []byte) *types.Transaction {
	return types.MustSignNewTx(k, types.LatestSignerForChainID(l2ChainID), &types.DynamicFeeTx{
		ChainID: l2ChainID, Nonce: nonce, Gas: 2_000_000, To: to, Data: data,
		GasTipCap: new(big.Int), GasFeeCap: new(big.Int),
	})
}
