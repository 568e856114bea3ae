package main

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"

	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/boosterkit/go-booster/evm/l1"
	"github.com/boosterkit/go-booster/node"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "booster:", err)
		os.Exit(1)
	}
}

// l1Rules names the L1 chain configurations a node can run against.
var l1Rules = map[string]*params.ChainConfig{
	"dev":     params.AllDevChainProtocolChanges,
	"osaka":   l1.OsakaConfig(),
	"mainnet": params.MainnetChainConfig,
	"sepolia": params.SepoliaChainConfig,
	"hoodi":   params.HoodiChainConfig,
}

func run(args []string, logOut io.Writer) error {
	fs := flag.NewFlagSet("booster", flag.ContinueOnError)
	fs.SetOutput(logOut)
	var (
		configFile = fs.String("config", "", "JSON config file whose keys are these flags' names")
		chainID    = fs.Uint64("chainid", 167001, "L2 chain id")
		dataDir    = fs.String("datadir", "", "data directory (empty: in memory; needs -l1.url)")
		httpAddr   = fs.String("http.addr", node.DefaultListenAddr, "JSON-RPC listen address (HTTP and WebSocket)")
		l1URL      = fs.String("l1.url", "", "L1 JSON-RPC URL (empty: the embedded simulated L1)")
		rules      = fs.String("l1.rules", "dev", "L1 rules: dev (geth --dev), osaka, mainnet, sepolia or hoodi")
		contract   = fs.String("booster.contract", "", "L1 booster contract address (with -l1.url)")
		l1KeyFile  = fs.String("l1.keyfile", "", "file with the hex private key that sends settlements (with -l1.url)")
		devKeyFile = fs.String("dev.keyfile", "", "file with the hex private key of the development verifier's signer (with -l1.url)")
		maxTxs     = fs.Int("batch.maxtxs", node.DefaultBatchMaxTxs, "cut a batch when this many transactions are queued")
		interval   = fs.Duration("batch.interval", node.DefaultBatchInterval, "cut a batch at least this often when any transaction is queued")
		l1Period   = fs.Duration("l1.period", node.DefaultL1Period, "block period of the embedded L1")
		genesis    = fs.String("genesis", "", "JSON file of the L2 genesis allocation (address → {balance, code, storage})")
		baseFee    = fs.String("basefee", "0", "L2 base fee per gas, in wei")
		logFormat  = fs.String("log.format", "text", "log format: text or json")
		logLevel   = fs.String("log.level", "info", "log level: debug, info, warn or error")
	)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if *configFile != "" {
		if err := applyConfigFile(fs, *configFile); err != nil {
			return err
		}
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("-log.level: %w", err)
	}
	var handler slog.Handler
	switch *logFormat {
	case "text":
		handler = slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level})
	case "json":
		handler = slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: level})
	default:
		return fmt.Errorf("-log.format: %q is neither text nor json", *logFormat)
	}
	logger := slog.New(handler)

	cfg := node.Config{
		ChainID:       new(big.Int).SetUint64(*chainID),
		DataDir:       *dataDir,
		ListenAddr:    *httpAddr,
		L1URL:         *l1URL,
		L1Period:      *l1Period,
		BatchMaxTxs:   *maxTxs,
		BatchInterval: *interval,
		Logger:        logger,
	}
	fee, ok := new(big.Int).SetString(*baseFee, 10)
	if !ok || fee.Sign() < 0 {
		return fmt.Errorf("-basefee: %q is not a wei amount", *baseFee)
	}
	cfg.BaseFee = fee
	if *genesis != "" {
		alloc, err := readGenesis(*genesis)
		if err != nil {
			return err
		}
		cfg.Genesis = alloc
	}
	if *l1URL != "" {
		config, ok := l1Rules[*rules]
		if !ok {
			return fmt.Errorf("-l1.rules: unknown rules %q", *rules)
		}
		cfg.L1Config = config
		if !common.IsHexAddress(*contract) {
			return fmt.Errorf("-booster.contract: %q is not an address", *contract)
		}
		cfg.BoosterContract = common.HexToAddress(*contract)
		var err error
		if cfg.L1Key, err = readKey("-l1.keyfile", *l1KeyFile); err != nil {
			return err
		}
		if cfg.DevKey, err = readKey("-dev.keyfile", *devKeyFile); err != nil {
			return err
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	startCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	n, err := node.New(startCtx, cfg)
	cancel()
	if err != nil {
		return err
	}
	if err := n.Start(); err != nil {
		n.Close()
		return err
	}
	fmt.Fprintf(logOut, "booster: JSON-RPC on http://%s and ws://%s\n", n.Addr(), n.Addr())
	<-ctx.Done()
	logger.Info("shutting down")
	return n.Close()
}

// applyConfigFile sets every flag the file names and the command line did
// not.
func applyConfigFile(fs *flag.FlagSet, path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("-config: %w", err)
	}
	var values map[string]any
	if err := json.Unmarshal(raw, &values); err != nil {
		return fmt.Errorf("-config %s: %w", path, err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, v := range values {
		f := fs.Lookup(name)
		if f == nil || name == "config" {
			return fmt.Errorf("-config %s: unknown setting %q", path, name)
		}
		if set[name] {
			continue
		}
		var text string
		switch v := v.(type) {
		case string:
			text = v
		case float64, bool:
			text = fmt.Sprint(v)
		default:
			return fmt.Errorf("-config %s: %q must be a string, number or boolean", path, name)
		}
		if err := f.Value.Set(text); err != nil {
			return fmt.Errorf("-config %s: %s: %w", path, name, err)
		}
	}
	return nil
}

func readKey(flagName, path string) (*ecdsa.PrivateKey, error) {
	if path == "" {
		return nil, fmt.Errorf("%s is required with -l1.url", flagName)
	}
	key, err := crypto.LoadECDSA(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	return key, nil
}

func readGenesis(path string) (types.GenesisAlloc, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("-genesis: %w", err)
	}
	var alloc types.GenesisAlloc
	if err := json.Unmarshal(raw, &alloc); err != nil {
		return nil, fmt.Errorf("-genesis %s: %w", path, err)
	}
	return alloc, nil
}
