package precompiles_test

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/evm"
	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/precompiles"
	"github.com/boosterkit/go-booster/solidity"
)

var counterAddr = common.HexToAddress("0xc0c0")

// newBlock returns an L2 block over an L1 that holds a Counter and a Probe.
func newBlock(t testing.TB) (*evm.Block, *l1.View) {
	t.Helper()
	header := &types.Header{Number: big.NewInt(10), Time: 1_700_000_000, Difficulty: new(big.Int), BaseFee: big.NewInt(params.GWei), GasLimit: 30_000_000}
	src, err := l1.NewAllocSource(params.AllDevChainProtocolChanges, header, types.GenesisAlloc{
		counterAddr:                  {Code: solidity.MustLoad("Counter").DeployedBytecode},
		common.HexToAddress("0xb0b"): {Code: solidity.MustLoad("Probe").DeployedBytecode, Balance: big.NewInt(1e18)},
	})
	if err != nil {
		t.Fatal(err)
	}
	view, err := l1.NewView(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	chain, err := evm.NewChain(evm.Config{ChainID: big.NewInt(7)})
	if err != nil {
		t.Fatal(err)
	}
	block, err := chain.NewBlock(view)
	if err != nil {
		t.Fatal(err)
	}
	return block, view
}

func FuzzPrecompileInput(f *testing.F) {
	counter := solidity.MustLoad("Counter").ABI
	inc, _ := counter.Pack("increment")
	f.Add(byte(0), append(counterAddr.Bytes(), inc...))
	f.Add(byte(1), append(counterAddr.Bytes(), inc...))
	f.Add(byte(2), append(common.HexToAddress("0xb0b").Bytes(), 0xef, 0xc8, 0x1a, 0x8c))
	f.Add(byte(0), []byte{1, 2, 3})
	f.Add(byte(0), []byte{})
	key, _ := crypto.ToECDSA(crypto.Keccak256([]byte("fuzz")))
	signer := types.LatestSignerForChainID(big.NewInt(7))
	f.Add(byte(0x80), append(counterAddr.Bytes(), inc...))
	f.Add(byte(0x82), append(common.HexToAddress("0xb0b").Bytes(), 0xef, 0xc8, 0x1a, 0x8c))
	// which: the low bits pick the precompile; the high bit makes the view
	// check settleability, as a booster with an L1 contract does. Neither
	// L1 contract here answers extsload, so then nothing of theirs may be
	// left in the write list or the read set.
	f.Fuzz(func(t *testing.T, which byte, input []byte) {
		block, view := newBlock(t)
		checked := which&0x80 != 0
		if checked {
			view.RequireSettleable(common.HexToAddress("0xb005"), nil)
		}
		to := precompiles.Addresses()[int(which&0x7f)%3]
		tx := types.MustSignNewTx(key, signer, &types.DynamicFeeTx{ChainID: big.NewInt(7), Gas: 2_000_000, To: &to, Data: input})
		r, err := block.Apply(context.Background(), tx)
		if err != nil {
			if !errors.Is(err, evm.ErrRejected) {
				t.Fatalf("Apply error %v does not wrap ErrRejected", err)
			}
			return
		}
		if len(input) < common.AddressLength {
			if !errors.Is(r.Err, vm.ErrExecutionReverted) || !bytes.Equal(r.ReturnData, precompiles.ErrInvalidInput.Encode()) {
				t.Fatalf("short input: err %v, data %x; want L1CallInvalidInput()", r.Err, r.ReturnData)
			}
		}
		if r.GasUsed > tx.Gas() {
			t.Fatalf("used %d gas of %d", r.GasUsed, tx.Gas())
		}
		writes, reads := view.Result()
		if r.Status != types.ReceiptStatusSuccessful || to != precompiles.L1CallAddress {
			if len(writes) != 0 {
				t.Fatalf("failed or non-L1CALL transaction left writes %v", writes)
			}
		}
		if checked && (len(writes) != 0 || len(reads.Storage) != 0) {
			t.Fatalf("unsettleable accesses left in the batch: writes %v, reads %v", writes, reads.Storage)
		}
		if view.Err() != nil {
			t.Fatalf("view error: %v", view.Err())
		}
	})
}

func TestDecodeUnsupportedRejectsOtherData(t *testing.T) {
	good := precompiles.ErrUnsupported.Encode([32]byte{31: byte(vm.CREATE)}, [32]byte{31: 1})
	if op, addr, err := precompiles.DecodeUnsupported(good); err != nil || op != vm.CREATE || addr != common.HexToAddress("0x01") {
		t.Fatalf("DecodeUnsupported(good) = %v %v %v", op, addr, err)
	}
	for _, bad := range [][]byte{
		nil,
		precompiles.ErrInvalidInput.Encode(),
		good[:len(good)-1],
		precompiles.ErrUnsupported.Encode([32]byte{0: 1}, [32]byte{}),
		precompiles.ErrUnsupported.Encode([32]byte{}, [32]byte{0: 1}),
	} {
		if _, _, err := precompiles.DecodeUnsupported(bad); err == nil {
			t.Fatalf("DecodeUnsupported(%x) accepted", bad)
		}
	}
}

func TestPrecompileWithoutHooksEndsBatch(t *testing.T) {
	_, view := newBlock(t)
	env := precompiles.NewEnv(view, nil)
	contracts := env.Contracts(nil)
	p := contracts[precompiles.L1CallAddress]
	p.RequiredGas(counterAddr.Bytes())
	if _, err := p.Run(counterAddr.Bytes()); !errors.Is(err, precompiles.ErrNoFrame) || !errors.Is(env.Err(), precompiles.ErrNoFrame) {
		t.Fatalf("Run without hooks = %v, env err %v; want ErrNoFrame", err, env.Err())
	}
}

func TestDecodeUnsettleableRejectsOtherData(t *testing.T) {
	contract := common.HexToAddress("0xc0ffee")
	var addrWord [32]byte
	copy(addrWord[12:], contract[:])
	good := precompiles.ErrUnsettleable.Encode(addrWord, [32]byte{0: 0xde, 1: 0xad, 2: 0xbe, 3: 0xef})
	if got, sel, err := precompiles.DecodeUnsettleable(good); err != nil || got != contract || sel != [4]byte{0xde, 0xad, 0xbe, 0xef} {
		t.Fatalf("DecodeUnsettleable(good) = %v %x %v", got, sel, err)
	}
	for _, bad := range [][]byte{
		nil,
		precompiles.ErrUnsupported.Encode(addrWord, [32]byte{}),
		good[:len(good)-1],
		append(common.CopyBytes(good), 0),
		precompiles.ErrUnsettleable.Encode([32]byte{0: 1}, [32]byte{}),
		precompiles.ErrUnsettleable.Encode(addrWord, [32]byte{31: 1}),
	} {
		if _, _, err := precompiles.DecodeUnsettleable(bad); err == nil {
			t.Fatalf("DecodeUnsettleable(%x) accepted", bad)
		}
	}
}
