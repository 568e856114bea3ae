package batch_test

import (
	"fmt"

	"github.com/boosterkit/go-booster/verifier"
	"github.com/boosterkit/go-booster/verifier/batch"
)

// A capacity whose frames leave their KECCAK256 hashes to keccak
// segments, whose short frames take a 512-row kind of their own, and
// whose frames' calls of the ecrecover and sha256 precompiles are proven
// by segments of two inputs each: its segment kinds, in the order
// batch.Circuits returns their circuits.
func ExampleCapacity_KindName() {
	frame := verifier.Shapes[2] // the ERC20 shape, 1,024 rows
	frame.KeccakClaims = true
	short := frame
	short.Steps = 512
	c := batch.Capacity{Calldata: 128, Frame: frame, Frames: []verifier.Shape{short}, Ecrecover: 2, Sha256: 2}
	circuits, err := batch.Circuits(c)
	if err != nil {
		panic(err)
	}
	for k := range circuits {
		fmt.Println(k, c.KindName(k), c.IsFrameKind(k))
	}
	fmt.Println("short frames:", c.KindName(c.FrameKind(0)))
	// Output:
	// 0 header false
	// 1 transaction false
	// 2 frame true
	// 3 end false
	// 4 code false
	// 5 block false
	// 6 keccak false
	// 7 frame 1 true
	// 8 ecrecover false
	// 9 sha256 false
	// short frames: frame 1
}
