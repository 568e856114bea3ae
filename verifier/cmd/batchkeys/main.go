// Command batchkeys makes (or loads) the keys of the batch proof, the
// segment circuits, their aggregation and its wrap, keeps them in the key
// directory's batch folder by circuit digest, and writes gnark's Solidity
// verifier of the wrap, which GnarkBatchVerifier takes at deployment.
//
//	go run ./verifier/cmd/batchkeys -calldata 128 -frame 2 -arity 8 -out BatchVerifier.sol
//
// The first run took 1 h 21 min here at arity 8, with a peak resident
// memory of 23.7 GB (2 cores, 24 GiB: the wrap's setup, 7.7 million
// constraints, is most of both); later runs load the keys. Keys come from a
// single-party development setup: see README, "Soundness limits".
//
// -keccak-claims makes frames leave their KECCAK256 hashes to keccak
// segments (one more segment kind); -small-steps and -small-calldata add
// a frame kind with fewer rows and a transaction kind with less calldata
// for the frames and transactions they hold (README, "Proving batches");
// -ecrecover N and -sha256 N add ecrecover and sha256 segments of N
// inputs, which prove the frames' calls of the ecrecover (0x01) and
// sha256 (0x02) precompiles; -undo N adds undo segments of N slots, which
// let frames below a frame that reverts (or below an L1SANDBOXCALL's L1
// frame) change storage.
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/consensys/gnark/logger"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
)

func main() {
	logger.Disable()
	dataCap := flag.Int("calldata", 128, "calldata capacity of a transaction segment, in bytes")
	frame := flag.Int("frame", 2, "index into verifier.Shapes of the frame segments' shape")
	arity := flag.Int("arity", 6, "segments of one aggregation: header, the end segments, and per transaction one plus one per frame it runs")
	slots := flag.Int("slots", batch.DefaultSlots, "storage slots of one end segment")
	l1Slots := flag.Int("l1slots", batch.DefaultL1Slots, "read set and write list entries the header segment holds, each")
	claims := flag.Bool("keccak-claims", false, "frames leave their KECCAK256 hashes to keccak segments, which hash each distinct input once per batch (verifier.Shape.KeccakClaims)")
	inputs := flag.Int("keccak-inputs", batch.DefaultKeccakInputs, "with -keccak-claims: distinct KECCAK256 inputs of one keccak segment")
	smallData := flag.Int("small-calldata", 0, "if not 0: a second transaction kind, of this many bytes of calldata (below -calldata), for the transactions it holds (batch.Capacity.Transactions)")
	ecrecover := flag.Int("ecrecover", 0, "if not 0: ecrecover segments of this many distinct inputs, which prove the frames' calls of the ecrecover precompile (batch.Capacity.Ecrecover; without them such calls are refused)")
	sha := flag.Int("sha256", 0, "if not 0: sha256 segments of this many distinct inputs, which prove the frames' calls of the sha256 precompile (batch.Capacity.Sha256; without them such calls are refused)")
	undo := flag.Int("undo", 0, "if not 0: undo segments of this many slots, which journal the storage of frames below a frame that reverts or an L1SANDBOXCALL's L1 frame (batch.Capacity.Undo; without them such frames that change storage are refused)")
	smallSteps := flag.Int("small-steps", 0, "if not 0: a second frame kind, the frame shape with this many rows, for the frames it holds (batch.Capacity.Frames)")
	dir := flag.String("keys", "", "key directory (default: verifier.DefaultKeyDir()); keys go in its batch folder")
	out := flag.String("out", "", "output file for the Solidity verifier (default: standard output)")
	flag.Parse()
	if *dataCap < 0 || *arity < 2 || *frame < 0 || *frame >= len(verifier.Shapes) || *slots < 1 || *l1Slots < 1 || *inputs < 1 {
		log.Fatalf("-calldata must be at least 0, -arity at least 2, -slots, -l1slots and -keccak-inputs at least 1, and -frame below %d", len(verifier.Shapes))
	}
	shape := verifier.Shapes[*frame]
	shape.KeccakClaims = *claims
	var frames []verifier.Shape
	if *smallSteps != 0 {
		if *smallSteps < 2 || *smallSteps >= shape.Steps {
			log.Fatalf("-small-steps must be at least 2 and below the frame shape's %d", shape.Steps)
		}
		small := shape
		small.Steps = *smallSteps
		frames = append(frames, small)
	}
	if *dir == "" {
		*dir = verifier.DefaultKeyDir()
	}
	var txs []int
	if *smallData != 0 {
		if *smallData < 0 || *smallData >= *dataCap {
			log.Fatalf("-small-calldata must be positive and below -calldata (%d)", *dataCap)
		}
		txs = append(txs, *smallData)
	}
	start := time.Now()
	p, err := batch.NewProver(filepath.Join(*dir, "batch"), batch.Capacity{Calldata: *dataCap, Frame: shape, Frames: frames, Slots: *slots, L1Slots: *l1Slots, KeccakInputs: *inputs, Transactions: txs, Ecrecover: *ecrecover, Sha256: *sha, Undo: *undo}, *arity)
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
	if err := p.Wrapper().ExportSolidity(w); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "batch proof keys ready in %s (constraints %v); exported the wrap's verifier\n", time.Since(start).Round(time.Second), p.Constraints())
}
