package precompiles_test

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/boosterkit/go-booster/precompiles"
)

// Revert data from a precompile identifies its custom error; Alias gives
// the address an L2-only contract acts as on L1.
func Example() {
	contract := common.HexToAddress("0x00000000000000000000000000000000000000aa")
	revertData := precompiles.ErrUnsupported.Encode([32]byte{31: byte(vm.CREATE)}, common.BytesToHash(contract[:]))
	op, at, err := precompiles.DecodeUnsupported(revertData)
	fmt.Println(precompiles.ErrUnsupported.Signature, op, at, err)
	fmt.Println(precompiles.ErrStaticViolation.Is(revertData))
	fmt.Println(precompiles.Alias(contract))
	// Output:
	// L1CallUnsupported(uint8,address) CREATE 0x00000000000000000000000000000000000000AA <nil>
	// false
	// 0x11110000000000000000000000000000000011Bb
}
