// Command voting is go-booster's main job, end to end on the embedded
// simulated L1: it deploys the settlement contracts and a Voting contract
// on L1, casts votes on L2 through the booster (each voter's ballot lives in
// L2 storage, the tally on L1), settles each batch in one L1 transaction,
// reads the tally back from L1 and checks it equals what L2 computed.
//
// It is also the gas case study: for each N it casts N votes directly on
// L1 (one transaction each, on a second Voting contract) and N votes
// through the booster, and compares the L1 gas per vote. The simulated L1
// runs mainnet's fork rules (Osaka). The table is printed and drawn as an
// SVG plot.
//
//	go run ./examples/voting [-n 1,10,100,1000] [-plot voting-gas.svg]
//	go run ./examples/voting -prove -n 1 [-keys DIR] [-arity 8]
//
// Batches are "proven" by the development verifier (a signature by a fixed
// key): it proves nothing and exists to develop against before proofs do.
// With -prove, the same votes are also cast on a second rollup whose
// batches are proven (verifier/batch: segments, their aggregation and the
// wrap) and settled through GnarkBatchVerifier, and the tables get the
// proving time, the process's peak memory and the per-vote L1 gas with
// the real verifier beside the development one. The batch prover's keys
// are made the first time (1 h 21 min and 24 GB of peak memory on 2
// cores, most of it the wrap's setup) and kept
// in the key directory; an aggregation of -arity segments holds a batch of
// (arity-5)/3 votes (8: one vote).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/consensys/gnark/logger"

	"github.com/boosterkit/go-booster/verifier"
)

func main() {
	ns := flag.String("n", "1,10,100,1000", "comma-separated numbers of votes, one settled batch each (with -prove: 1)")
	proposals := flag.Int("proposals", 4, "number of proposals voters choose from")
	plot := flag.String("plot", "voting-gas.svg", "SVG file to draw the per-vote gas in (empty: none)")
	prove := flag.Bool("prove", false, "also prove every batch on a second rollup and settle it through GnarkBatchVerifier")
	keys := flag.String("keys", "", "with -prove: the batch prover's key directory (default: the batch folder of verifier.DefaultKeyDir() or GO_BOOSTER_KEYS)")
	arity := flag.Int("arity", 8, "with -prove: segments one aggregation holds")
	flag.Parse()
	counts, err := parseCounts(*ns)
	if err != nil {
		log.Fatal(err)
	}
	cfg := config{counts: counts, proposals: *proposals, out: os.Stdout}
	if *prove {
		if *arity < 2 {
			log.Fatal("-arity must be at least 2")
		}
		set := false
		flag.Visit(func(f *flag.Flag) { set = set || f.Name == "n" })
		if !set {
			cfg.counts = []int{1}
		}
		for _, n := range cfg.counts {
			if s := voteSegments(n, *proposals); s > *arity {
				log.Fatalf("-prove: a batch of %d votes is about %d segments, the aggregation holds %d: make keys of a larger -arity (go run ./verifier/cmd/batchkeys -arity %d)", n, s, *arity, s)
			}
		}
		logger.Disable() // gnark's own log lines; the progress bar says where proving is
		if os.Getenv("GOMEMLIMIT") == "" {
			// The batch prover holds every key and the wrap's proof needs
			// several GB more: without a limit the heap grows past what a
			// 24 GiB machine has (the first run here was killed at 24.3
			// GB); with one, the collector runs before it does.
			debug.SetMemoryLimit(16 << 30)
		}
		cfg.prove = &proveConfig{keyDir: *keys, arity: *arity, progress: os.Stderr}
		if cfg.prove.keyDir == "" {
			cfg.prove.keyDir = defaultBatchKeyDir()
		}
	}
	study, err := run(context.Background(), cfg)
	if err != nil {
		log.Fatal(err)
	}
	if *plot != "" {
		if err := os.WriteFile(*plot, []byte(study.svg()), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("plot: %s\n", *plot)
	}
}

// voteSegments is about how many segments a batch of n votes for up to
// proposals proposals is (BenchmarkVoteBatch in verifier/batch counts
// them): the header, the codes of Voting and BallotBox, the L1 block,
// per vote its signature and two frames, and end segments of eight
// entries (a ballot slot and a nonce a vote, a tally slot a proposal
// voted for, the ballot box's code).
func voteSegments(n, proposals int) int {
	entries := 2*n + min(n, proposals) + 1
	return 4 + 3*n + (entries+7)/8
}

// defaultBatchKeyDir is where verifier/cmd/batchkeys and the heavy
// tests keep the batch prover's keys.
func defaultBatchKeyDir() string {
	dir := os.Getenv("GO_BOOSTER_KEYS")
	if dir == "" {
		dir = verifier.DefaultKeyDir()
	}
	return filepath.Join(dir, "batch")
}

func parseCounts(s string) ([]int, error) {
	var counts []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-n: %q is not a positive number of votes", f)
		}
		counts = append(counts, n)
	}
	return counts, nil
}
