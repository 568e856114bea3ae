package l1

import (
	"context"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// sourceReader serves go-ethereum's state from a Source. Storage roots are
// not known to a source and are not needed: the view is never committed.
type sourceReader struct {
	ctx    context.Context
	source Source
}

func (r *sourceReader) Account(addr common.Address) (*types.StateAccount, error) {
	acct, err := r.source.Account(r.ctx, addr)
	if err != nil {
		return nil, err
	}
	if !acct.exists() {
		return nil, nil
	}
	return &types.StateAccount{
		Nonce:    acct.Nonce,
		Balance:  acct.Balance.Clone(),
		Root:     types.EmptyRootHash,
		CodeHash: acct.CodeHash.Bytes(),
	}, nil
}

func (r *sourceReader) Storage(addr common.Address, slot common.Hash) (common.Hash, error) {
	return r.source.Storage(r.ctx, addr, slot)
}

func (r *sourceReader) code(addr common.Address, codeHash common.Hash) []byte {
	acct, err := r.source.Account(r.ctx, addr)
	if err != nil || acct.CodeHash != codeHash {
		return nil
	}
	return acct.Code
}

func (r *sourceReader) Has(addr common.Address, codeHash common.Hash) bool {
	return r.code(addr, codeHash) != nil
}

func (r *sourceReader) Code(addr common.Address, codeHash common.Hash) []byte {
	return r.code(addr, codeHash)
}

func (r *sourceReader) CodeSize(addr common.Address, codeHash common.Hash) int {
	return len(r.code(addr, codeHash))
}
