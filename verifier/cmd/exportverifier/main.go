// Command exportverifier writes gnark's Solidity verifier for one circuit
// shape, making (or loading the cached) Groth16 keys first.
//
//	go run ./verifier/cmd/exportverifier -shape 1 -out Verifier1024.sol
//
// The verifier's verifyProof(bytes proof, uint256[1] input) takes the
// proof as verifier.Proof's gnark MarshalSolidity bytes and, as its one
// input, the trace's public commitment. Keys come from a single-party
// development setup: see README, "Soundness limits".
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/consensys/gnark/logger"

	"github.com/boosterkit/go-booster/verifier"
)

func main() {
	logger.Disable()
	shape := flag.Int("shape", 0, fmt.Sprintf("index into verifier.Shapes (0..%d)", len(verifier.Shapes)-1))
	dir := flag.String("keys", "", "key directory (default: verifier.DefaultKeyDir())")
	out := flag.String("out", "", "output file (default: standard output)")
	flag.Parse()
	if *shape < 0 || *shape >= len(verifier.Shapes) {
		log.Fatalf("-shape must be in 0..%d", len(verifier.Shapes)-1)
	}
	keys, err := verifier.LoadOrSetup(*dir, verifier.Shapes[*shape])
	if err != nil {
		log.Fatal(err)
	}
	var w io.Writer = os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		w = f
	}
	if err := keys.ExportSolidity(w); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "exported the verifier of %s (%d constraints)\n", keys.Shape().Name(), keys.Constraints())
}
