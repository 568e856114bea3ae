package statechanges_test

import (
	"fmt"

	"github.com/ethereum/go-ethereum/common"

	"github.com/boosterkit/go-booster/statechanges"
)

// A write list split per L1 contract, each part ready to be sent as an
// applyStateUpdates call, and its canonical encoding decoded back.
func ExampleWriteList_ByContract() {
	token := common.HexToAddress("0x70")
	pool := common.HexToAddress("0x90")
	writes := statechanges.WriteList{
		{Contract: pool, Slot: common.HexToHash("0x1"), Value: common.HexToHash("0x64")},
		{Contract: token, Slot: common.HexToHash("0x2"), Value: common.HexToHash("0x05")},
		{Contract: pool, Slot: common.HexToHash("0x3"), Value: common.HexToHash("0x00")},
	}
	for _, u := range writes.ByContract() {
		fmt.Printf("%s: %d changes, selector %x\n", u.Contract, len(u.Changes), u.Calldata()[:4])
	}
	enc, _ := writes.MarshalBinary()
	back, err := statechanges.DecodeWriteList(enc)
	fmt.Println(len(enc), "bytes;", len(back), "writes decoded;", err)
	// Output:
	// 0x0000000000000000000000000000000000000090: 2 changes, selector 3a22364c
	// 0x0000000000000000000000000000000000000070: 1 changes, selector 3a22364c
	// 258 bytes; 3 writes decoded; <nil>
}
