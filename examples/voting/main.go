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
//
// Batches are "proven" by the development verifier (a signature by a fixed
// key): it proves nothing and exists to develop against before proofs do.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
)

func main() {
	ns := flag.String("n", "1,10,100,1000", "comma-separated numbers of votes, one settled batch each")
	proposals := flag.Int("proposals", 4, "number of proposals voters choose from")
	plot := flag.String("plot", "voting-gas.svg", "SVG file to draw the per-vote gas in (empty: none)")
	flag.Parse()
	counts, err := parseCounts(*ns)
	if err != nil {
		log.Fatal(err)
	}
	study, err := run(context.Background(), config{counts: counts, proposals: *proposals, out: os.Stdout})
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
