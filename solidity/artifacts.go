package solidity

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common/hexutil"
)

//go:embed artifacts/*.json
var artifacts embed.FS

// ErrUnknownContract means no artifact has the requested name.
var ErrUnknownContract = errors.New("solidity: unknown contract")

// Artifact is one compiled contract.
type Artifact struct {
	// Name is the contract's name, Source the file that defines it.
	Name, Source string
	// Compiler is the solc version that produced the artifact.
	Compiler string
	// ABI is the contract's interface.
	ABI abi.ABI
	// Bytecode is the creation code, DeployedBytecode the runtime code.
	Bytecode, DeployedBytecode []byte
}

type artifactJSON struct {
	ContractName     string          `json:"contractName"`
	SourceName       string          `json:"sourceName"`
	Compiler         string          `json:"compiler"`
	ABI              json.RawMessage `json:"abi"`
	Bytecode         hexutil.Bytes   `json:"bytecode"`
	DeployedBytecode hexutil.Bytes   `json:"deployedBytecode"`
}

// Load returns the artifact of the named contract.
func Load(name string) (*Artifact, error) {
	raw, err := artifacts.ReadFile("artifacts/" + name + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %q", ErrUnknownContract, name)
	}
	if err != nil {
		return nil, fmt.Errorf("solidity: read %s: %w", name, err)
	}
	var a artifactJSON
	if err := json.Unmarshal(raw, &a); err != nil {
		return nil, fmt.Errorf("solidity: parse %s: %w", name, err)
	}
	parsed, err := abi.JSON(strings.NewReader(string(a.ABI)))
	if err != nil {
		return nil, fmt.Errorf("solidity: ABI of %s: %w", name, err)
	}
	return &Artifact{
		Name:             a.ContractName,
		Source:           a.SourceName,
		Compiler:         a.Compiler,
		ABI:              parsed,
		Bytecode:         a.Bytecode,
		DeployedBytecode: a.DeployedBytecode,
	}, nil
}

// MustLoad is Load for artifacts known to exist; it panics otherwise.
func MustLoad(name string) *Artifact {
	a, err := Load(name)
	if err != nil {
		panic(err)
	}
	return a
}

// Names lists the contracts with artifacts, sorted.
func Names() []string {
	entries, _ := artifacts.ReadDir("artifacts")
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	return names
}
