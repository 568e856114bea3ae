package statetree_test

import (
	"fmt"

	"github.com/consensys/gnark-crypto/ecc/bls12-377/fr"
	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/verifier/statetree"
)

// A tree is persistent: setting an entry makes a new tree, and one path
// proves the entry's value before and after.
func ExampleTree_Set() {
	var k fr.Element
	k.SetUint64(42)
	before := statetree.New()
	after, err := before.Set(k, common.HexToHash("0x07"))
	if err != nil {
		fmt.Println(err)
		return
	}
	p := before.Prove(k)
	rb, ra := p.RootOf(k, common.Hash{}), p.RootOf(k, common.HexToHash("0x07"))
	fmt.Println(before.Len(), after.Len())
	fmt.Println(rb == before.Root(), ra == after.Root())
	fmt.Println(after.Get(k).Big())
	// Output:
	// 0 1
	// true true
	// 7
}
