package l1

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethdb/memorydb"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"
)

// ErrProof means an L1 node's answer does not match the Merkle proof it
// gave, or the proof does not lead to the pinned block's state root, or a
// header does not hash to the hash the node gave it: the node lied or is
// inconsistent. The error names the block, account and slot. It wraps
// ErrSource: a batch meeting it is abandoned like one whose source failed.
var ErrProof = fmt.Errorf("%w: answer does not match its proof", ErrSource)

// ProofChunk is how many storage slots one eth_getProof request asks for
// when Prefetch fetches many.
const ProofChunk = 128

// ProofSource is a Source over an L1 JSON-RPC node that trusts none of its
// answers: the pinned header must hash to the block hash the node names,
// and every account (nonce, balance, code hash, storage root) and storage
// slot is checked with eth_getProof against the pinned block's state root
// (go-ethereum's trie proof verification), code against its code hash,
// and ancestor headers against their hashes. Answers are cached. It is
// safe for concurrent use.
type ProofSource struct {
	client *rpc.Client
	config *params.ChainConfig
	header *types.Header
	block  string // the pinned block number, hex, for requests

	mu       sync.Mutex
	accounts map[common.Address]*provenAccount
	storage  map[storageKey]common.Hash
	headers  headerCache
}

// provenAccount is an account checked against the state root, with its
// storage root for the slots' proofs.
type provenAccount struct {
	Account
	root common.Hash
}

// NewProofSource pins an L1 JSON-RPC node to block number (the latest if
// nil), checking that the header it returns hashes to the hash it names.
// config is the L1 chain's rules.
func NewProofSource(ctx context.Context, client *rpc.Client, config *params.ChainConfig, number *big.Int) (*ProofSource, error) {
	if client == nil || config == nil {
		return nil, fmt.Errorf("%w: nil client or chain config", ErrSource)
	}
	tag := "latest"
	if number != nil {
		tag = hexutil.EncodeBig(number)
	}
	header, err := fetchHeader(ctx, client, "eth_getBlockByNumber", tag)
	if err != nil {
		return nil, err
	}
	return &ProofSource{
		client:   client,
		config:   config,
		header:   header,
		block:    hexutil.EncodeBig(header.Number),
		accounts: make(map[common.Address]*provenAccount),
		storage:  make(map[storageKey]common.Hash),
	}, nil
}

// fetchHeader reads a block's header and checks it hashes to the hash the
// node gave.
func fetchHeader(ctx context.Context, client *rpc.Client, method string, arg any) (*types.Header, error) {
	var raw json.RawMessage
	if err := client.CallContext(ctx, &raw, method, arg, false); err != nil {
		return nil, fmt.Errorf("%w: %s(%v): %w", ErrSource, method, arg, err)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, fmt.Errorf("%w: %s(%v): no such block", ErrSource, method, arg)
	}
	var header types.Header
	if err := json.Unmarshal(raw, &header); err != nil {
		return nil, fmt.Errorf("%w: %s(%v): %w", ErrSource, method, arg, err)
	}
	var named struct {
		Hash common.Hash `json:"hash"`
	}
	if err := json.Unmarshal(raw, &named); err != nil {
		return nil, fmt.Errorf("%w: %s(%v): %w", ErrSource, method, arg, err)
	}
	if got := header.Hash(); got != named.Hash {
		return nil, fmt.Errorf("%w: block %d: the header hashes to %s, the node says %s", ErrProof, header.Number, got, named.Hash)
	}
	return &header, nil
}

// Header returns the pinned header.
func (s *ProofSource) Header() *types.Header { return s.header }

// ChainConfig returns the L1 chain's rules.
func (s *ProofSource) ChainConfig() *params.ChainConfig { return s.config }

// proofAnswer is eth_getProof's answer.
type proofAnswer struct {
	Address      common.Address  `json:"address"`
	AccountProof []hexutil.Bytes `json:"accountProof"`
	Balance      *hexutil.Big    `json:"balance"`
	CodeHash     common.Hash     `json:"codeHash"`
	Nonce        hexutil.Uint64  `json:"nonce"`
	StorageHash  common.Hash     `json:"storageHash"`
	StorageProof []struct {
		Key   string          `json:"key"`
		Value *hexutil.Big    `json:"value"`
		Proof []hexutil.Bytes `json:"proof"`
	} `json:"storageProof"`
}

// proofDB holds the nodes of a Merkle proof by hash.
func proofDB(nodes []hexutil.Bytes) *memorydb.Database {
	db := memorydb.New()
	for _, n := range nodes {
		_ = db.Put(crypto.Keccak256(n), n)
	}
	return db
}

// prove fetches an account and some of its slots and checks them against
// the pinned state root; it caches what it proved.
func (s *ProofSource) prove(ctx context.Context, addr common.Address, slots []common.Hash) (*provenAccount, error) {
	keys := make([]string, len(slots))
	for i, slot := range slots {
		keys[i] = slot.Hex()
	}
	var ans proofAnswer
	if err := s.client.CallContext(ctx, &ans, "eth_getProof", addr, keys, s.block); err != nil {
		return nil, fmt.Errorf("%w: eth_getProof of %s at block %d: %w", ErrSource, addr, s.header.Number, err)
	}
	where := func(what string) string { return fmt.Sprintf("block %d, account %s: %s", s.header.Number, addr, what) }
	leaf, err := trie.VerifyProof(s.header.Root, crypto.Keccak256(addr[:]), proofDB(ans.AccountProof))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrProof, where("account proof"), err)
	}
	proven := types.StateAccount{Balance: new(uint256.Int), Root: types.EmptyRootHash, CodeHash: types.EmptyCodeHash[:]}
	if leaf != nil {
		if err := rlp.DecodeBytes(leaf, &proven); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrProof, where("account leaf"), err)
		}
	}
	balance, overflow := uint256.FromBig((*big.Int)(ans.Balance))
	codeHash := ans.CodeHash
	if codeHash == (common.Hash{}) && leaf == nil {
		codeHash = types.EmptyCodeHash // some nodes answer zero for an absent account
	}
	storageHash := ans.StorageHash
	if storageHash == (common.Hash{}) && leaf == nil {
		storageHash = types.EmptyRootHash
	}
	switch {
	case ans.Balance == nil || overflow || !balance.Eq(proven.Balance):
		return nil, fmt.Errorf("%w: %s", ErrProof, where(fmt.Sprintf("balance %v, the proof says %s", ans.Balance, proven.Balance)))
	case uint64(ans.Nonce) != proven.Nonce:
		return nil, fmt.Errorf("%w: %s", ErrProof, where(fmt.Sprintf("nonce %d, the proof says %d", ans.Nonce, proven.Nonce)))
	case !bytes.Equal(codeHash[:], proven.CodeHash):
		return nil, fmt.Errorf("%w: %s", ErrProof, where(fmt.Sprintf("code hash %s, the proof says %x", codeHash, proven.CodeHash)))
	case storageHash != proven.Root:
		return nil, fmt.Errorf("%w: %s", ErrProof, where(fmt.Sprintf("storage root %s, the proof says %s", storageHash, proven.Root)))
	case len(ans.StorageProof) != len(slots):
		return nil, fmt.Errorf("%w: %s", ErrProof, where(fmt.Sprintf("%d storage proofs for %d slots", len(ans.StorageProof), len(slots))))
	}
	values := make([]common.Hash, len(slots))
	for i, sp := range ans.StorageProof {
		slot := slots[i]
		at := func(what string) string { return where(fmt.Sprintf("slot %s: %s", slot, what)) }
		if key, err := hexutil.Decode(sp.Key); err != nil || common.BytesToHash(key) != slot {
			return nil, fmt.Errorf("%w: %s", ErrProof, at(fmt.Sprintf("the answer is for key %q", sp.Key)))
		}
		var enc []byte
		if proven.Root != types.EmptyRootHash {
			// An empty storage trie proves every slot zero with no node.
			if enc, err = trie.VerifyProof(proven.Root, crypto.Keccak256(slot[:]), proofDB(sp.Proof)); err != nil {
				return nil, fmt.Errorf("%w: %s: %w", ErrProof, at("storage proof"), err)
			}
		}
		var value common.Hash
		if enc != nil {
			_, content, _, err := rlp.Split(enc)
			if err != nil || len(content) > common.HashLength {
				return nil, fmt.Errorf("%w: %s", ErrProof, at("storage leaf"))
			}
			value = common.BytesToHash(content)
		}
		if sp.Value == nil || (*big.Int)(sp.Value).Sign() < 0 || (*big.Int)(sp.Value).BitLen() > 256 || common.BigToHash((*big.Int)(sp.Value)) != value {
			return nil, fmt.Errorf("%w: %s", ErrProof, at(fmt.Sprintf("value %v, the proof says %s", sp.Value, value)))
		}
		values[i] = value
	}

	s.mu.Lock()
	acct, known := s.accounts[addr]
	s.mu.Unlock()
	if !known {
		var code []byte
		if !bytes.Equal(proven.CodeHash, types.EmptyCodeHash[:]) {
			var got hexutil.Bytes
			if err := s.client.CallContext(ctx, &got, "eth_getCode", addr, s.block); err != nil {
				return nil, fmt.Errorf("%w: eth_getCode of %s at block %d: %w", ErrSource, addr, s.header.Number, err)
			}
			if h := crypto.Keccak256(got); !bytes.Equal(h, proven.CodeHash) {
				return nil, fmt.Errorf("%w: %s", ErrProof, where(fmt.Sprintf("code hashes to %x, the proof says %x", h, proven.CodeHash)))
			}
			code = got
		}
		acct = &provenAccount{
			Account: Account{Nonce: proven.Nonce, Balance: proven.Balance, Code: code, CodeHash: common.BytesToHash(proven.CodeHash)},
			root:    proven.Root,
		}
		if leaf == nil {
			acct.CodeHash = crypto.Keccak256Hash(nil)
		}
	}
	s.mu.Lock()
	if prev, ok := s.accounts[addr]; ok {
		acct = prev
	} else {
		s.accounts[addr] = acct
	}
	for i, slot := range slots {
		s.storage[storageKey{addr, slot}] = values[i]
	}
	s.mu.Unlock()
	return acct, nil
}

// Account returns an account, checked against the pinned state root.
func (s *ProofSource) Account(ctx context.Context, addr common.Address) (*Account, error) {
	s.mu.Lock()
	acct, ok := s.accounts[addr]
	s.mu.Unlock()
	if ok {
		return &acct.Account, nil
	}
	acct, err := s.prove(ctx, addr, nil)
	if err != nil {
		return nil, err
	}
	return &acct.Account, nil
}

// Storage returns a storage slot, checked against the pinned state root.
func (s *ProofSource) Storage(ctx context.Context, addr common.Address, slot common.Hash) (common.Hash, error) {
	k := storageKey{addr, slot}
	s.mu.Lock()
	v, ok := s.storage[k]
	s.mu.Unlock()
	if ok {
		return v, nil
	}
	if _, err := s.prove(ctx, addr, []common.Hash{slot}); err != nil {
		return common.Hash{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.storage[k], nil
}

// Prefetch proves many slots of one account in requests of ProofChunk
// slots, so that a batch that reads them does not ask one at a time.
func (s *ProofSource) Prefetch(ctx context.Context, addr common.Address, slots []common.Hash) error {
	var todo []common.Hash
	s.mu.Lock()
	for _, slot := range slots {
		if _, ok := s.storage[storageKey{addr, slot}]; !ok {
			todo = append(todo, slot)
		}
	}
	s.mu.Unlock()
	for len(todo) > 0 {
		n := min(len(todo), ProofChunk)
		if _, err := s.prove(ctx, addr, todo[:n]); err != nil {
			return err
		}
		todo = todo[n:]
	}
	return nil
}

// HeaderByHash returns an ancestor header, checked against its hash.
func (s *ProofSource) HeaderByHash(ctx context.Context, hash common.Hash) (*types.Header, error) {
	return s.headers.get(ctx, s.header, hash, func(ctx context.Context) (*types.Header, error) {
		return fetchHeader(ctx, s.client, "eth_getBlockByHash", hash)
	})
}
