package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/boosterkit/go-booster/booster"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/internal/solc"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity/bindings"
	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/aggregate"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// provenChainID is the chain id of the rollup whose batches are proven:
// another rollup than the development one, so no L2 transaction of one
// is valid on the other.
var provenChainID = big.NewInt(167_002)

// provenBallotBox is the proven rollup's BallotBox. It is in that
// rollup's L2 genesis: the frame segments do not prove contract creation
// yet.
var provenBallotBox = common.HexToAddress("0x00000000000000000000000000000000000ba11b")

// proveConfig is how -prove proves: the key directory and the
// aggregation's arity, and where the progress bar goes (nil: none).
type proveConfig struct {
	keyDir   string
	arity    int
	progress io.Writer
}

// batchCapacity is the capacity of the proven rollup's segments: 128
// bytes of calldata (a vote has 36) and frames of the ERC20 shape, which
// holds BallotBox.vote and Voting.recordVote.
func batchCapacity() batch.Capacity {
	return batch.Capacity{Calldata: 128, Frame: verifier.Shapes[2]}
}

// provenRollup is the second rollup of a -prove run: its own Booster,
// settled through GnarkBatchVerifier over the batch prover's wrap, its
// own Voting contract on L1 and BallotBox on L2.
type provenRollup struct {
	settler *settler
	voting  common.Address
	timing  *timedProver
}

// provenRow is what -prove measured for one N.
type provenRow struct {
	settlement booster.SettlementGas
	prove      time.Duration
	proofs     int    // segments, aggregation and wrap
	peakRSS    uint64 // bytes, the process's peak resident memory so far
}

// setupProven loads (or makes, the first time: about an hour here) the
// batch prover's keys, deploys gnark's verifier of its wrap behind
// GnarkBatchVerifier, a Booster over it and a Voting contract whose
// booster-aware sender is the proven rollup's BallotBox, and starts that
// rollup's booster with the prover's tracing hooks.
func setupProven(ctx context.Context, cfg config, chain *l1Chain, deployer *ecdsa.PrivateKey) (*provenRollup, error) {
	out := cfg.out
	start := time.Now()
	fmt.Fprintf(out, "prove: loading the batch proof's keys from %s (arity %d; the first run makes them: 1 h 21 min and 24 GB of peak memory here)\n", cfg.prove.keyDir, cfg.prove.arity)
	p, err := batch.NewProver(cfg.prove.keyDir, batchCapacity(), cfg.prove.arity)
	if err != nil {
		return nil, fmt.Errorf("voting: batch prover: %w", err)
	}
	c := p.Constraints()
	fmt.Fprintf(out, "prove: keys ready in %s; constraints: header %d, transaction %d, frame %d, code %d, block %d, end %d, aggregation %d, wrap %d\n",
		time.Since(start).Round(time.Second), c["header"], c["transaction"], c["frame"], c["code"], c["block"], c["end"], c["aggregation"], c["wrap"])

	var src bytes.Buffer
	if err := p.Wrapper().ExportSolidity(&src); err != nil {
		return nil, fmt.Errorf("voting: export the wrap's verifier: %w", err)
	}
	_, code, err := solc.Compile(ctx, src.String(), "Verifier")
	if err != nil {
		return nil, fmt.Errorf("voting: compile the wrap's verifier: %w", err)
	}
	gnark, err := chain.deploy(ctx, deployer, &bind.MetaData{Bin: common.Bytes2Hex(code)}, nil)
	if err != nil {
		return nil, fmt.Errorf("voting: deploy the wrap's verifier: %w", err)
	}
	adapter, err := chain.deploy(ctx, deployer, &bindings.GnarkBatchVerifierMetaData, bindings.NewGnarkBatchVerifier().PackConstructor(gnark))
	if err != nil {
		return nil, err
	}

	// The Booster and the Voting contract are the deployer's next two
	// contracts; the BallotBox's code, in the L2 genesis, names the
	// Voting contract, and the Booster's genesis root covers the code.
	nonce, err := chain.client.PendingNonceAt(ctx, crypto.PubkeyToAddress(deployer.PublicKey))
	if err != nil {
		return nil, err
	}
	from := crypto.PubkeyToAddress(deployer.PublicKey)
	boosterAddr, votingAddr := crypto.CreateAddress(from, nonce), crypto.CreateAddress(from, nonce+1)
	ballotCode, _, _, err := runtime.Create(append(common.FromHex(bindings.BallotBoxMetaData.Bin), bindings.NewBallotBox().PackConstructor(votingAddr)...), &runtime.Config{})
	if err != nil {
		return nil, fmt.Errorf("voting: the ballot box's code: %w", err)
	}
	genesis := booster.WithGenesis(types.GenesisAlloc{provenBallotBox: {Code: ballotCode}})
	root, err := booster.GenesisStateRoot(genesis)
	if err != nil {
		return nil, err
	}
	got, err := chain.deploy(ctx, deployer, &bindings.BoosterMetaData, bindings.NewBooster().PackConstructor(adapter, provenChainID, root))
	if err != nil {
		return nil, err
	}
	voting, err := chain.deploy(ctx, deployer, &bindings.VotingMetaData, bindings.NewVoting().PackConstructor(got, precompiles.Alias(provenBallotBox), big.NewInt(int64(cfg.proposals))))
	if err != nil {
		return nil, err
	}
	if got != boosterAddr || voting != votingAddr {
		return nil, fmt.Errorf("voting: deployed Booster %s and Voting %s, expected %s and %s", got, voting, boosterAddr, votingAddr)
	}

	timing := &timedProver{}
	prover, opts := booster.NewProver(p, timing.report(cfg.prove.progress))
	timing.p = prover
	l1src, err := l1.NewSimulatedSourceConfig(ctx, chain.backend, chain.config)
	if err != nil {
		return nil, err
	}
	b, err := booster.New(l1src, append(opts, genesis, booster.WithChainID(provenChainID), booster.WithGasLimit(1<<40), booster.WithL1Contract(got))...)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "prove: GnarkBatchVerifier %s over gnark's verifier %s, Booster %s, Voting %s; BallotBox %s in the L2 genesis\n", adapter, gnark, got, voting, provenBallotBox)
	return &provenRollup{
		settler: &settler{chain: chain, b: b, contract: got, config: chain.config, prover: timing, opts: bind.NewKeyedTransactor(deployer, chain.chainID)},
		voting:  voting, timing: timing,
	}, nil
}

// vote casts the votes of voters first to first+n on the proven rollup,
// proves and settles them as one batch and checks the L1 tally.
func (r *provenRollup) vote(ctx context.Context, first, n, proposals int, expected []int64) (*provenRow, error) {
	if err := r.settler.refresh(ctx); err != nil {
		return nil, err
	}
	box := bindings.NewBallotBox()
	for i := range n {
		voter := key(fmt.Sprintf("l2 voter %d", first+i))
		tx := types.MustSignNewTx(voter, types.LatestSignerForChainID(provenChainID), &types.DynamicFeeTx{
			ChainID: provenChainID, Gas: 2_000_000, To: &provenBallotBox, Data: box.PackVote(big.NewInt(int64((first + i) % proposals))),
			GasTipCap: new(big.Int), GasFeeCap: new(big.Int),
		})
		if err := r.settler.b.Submit(tx); err != nil {
			return nil, fmt.Errorf("voting: submit proven vote %d: %w", first+i, err)
		}
	}
	r.timing.reset()
	b, gas, err := r.settler.executeAndSettle(ctx)
	if errors.Is(err, aggregate.ErrSegments) {
		return nil, fmt.Errorf("%w (a batch of N votes is 5 segments and 3 a vote, plus an end segment a few votes: make keys of a larger -arity)", err)
	}
	if err != nil {
		return nil, err
	}
	if err := checkTally(ctx, r.settler.chain, r.voting, b, expected); err != nil {
		return nil, err
	}
	return &provenRow{settlement: gas, prove: r.timing.took, proofs: r.timing.proofs, peakRSS: peakRSS()}, nil
}

// timedProver times the booster's Prover and renders its progress.
type timedProver struct {
	p      booster.Prover
	took   time.Duration
	proofs int
}

func (t *timedProver) reset() { t.took, t.proofs = 0, 0 }

// Prove proves b with the batch prover and records how long it took.
func (t *timedProver) Prove(ctx context.Context, b *booster.Batch) ([]byte, error) {
	start := time.Now()
	proof, err := t.p.Prove(ctx, b)
	t.took = time.Since(start)
	return proof, err
}

// report returns the batch prover's progress callback: a progress bar
// on w, one line redrawn after each proof, ended after the wrap.
func (t *timedProver) report(w io.Writer) func(batch.Progress) {
	return func(p batch.Progress) {
		t.proofs = p.Total
		if w == nil {
			return
		}
		fmt.Fprintf(w, "\r%s", progressBar(p))
		if p.Done == p.Total {
			fmt.Fprintln(w)
		}
	}
}

// progressBar renders p as one line: a bar of 30 cells, the proof just
// made, how many of how many, the time elapsed and the estimate left.
func progressBar(p batch.Progress) string {
	const cells = 30
	full := 0
	if p.Total > 0 {
		full = cells * p.Done / p.Total
	}
	return fmt.Sprintf("[%s%s] %3d/%-3d %-12s %s elapsed, about %s left ", strings.Repeat("#", full), strings.Repeat(".", cells-full),
		p.Done, p.Total, p.Step, p.Elapsed.Round(time.Second), p.Left.Round(time.Second))
}
