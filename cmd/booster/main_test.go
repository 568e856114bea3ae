//go:build unix

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockedBuffer is the log sink run writes to while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(badConfig, []byte(`{"no.such.flag": 1}`), 0o644))
	notJSON := filepath.Join(dir, "notjson.json")
	require.NoError(t, os.WriteFile(notJSON, []byte(`{`), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-nope"}, "flag provided but not defined"},
		{"stray argument", []string{"extra"}, "unexpected arguments"},
		{"unknown log level", []string{"-log.level", "loud"}, "-log.level"},
		{"unknown log format", []string{"-log.format", "xml"}, "-log.format"},
		{"bad base fee", []string{"-basefee", "-1"}, "-basefee"},
		{"unknown L1 rules", []string{"-l1.url", "http://127.0.0.1:1", "-l1.rules", "moon"}, "-l1.rules"},
		{"bad booster address", []string{"-l1.url", "http://127.0.0.1:1", "-booster.contract", "0x12"}, "-booster.contract"},
		{"no L1 key", []string{"-l1.url", "http://127.0.0.1:1", "-booster.contract", "0x0000000000000000000000000000000000000001"}, "-l1.keyfile is required"},
		{"data directory on the embedded L1", []string{"-datadir", dir, "-http.addr", "127.0.0.1:0"}, "needs a real L1"},
		{"unknown config key", []string{"-config", badConfig}, `unknown setting "no.such.flag"`},
		{"config not JSON", []string{"-config", notJSON}, "-config"},
		{"missing genesis file", []string{"-genesis", filepath.Join(dir, "none.json")}, "-genesis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := run(c.args, &lockedBuffer{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

func TestRunServesUntilSIGTERM(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "booster.json")
	// The config file sets the address and the batch size; the command
	// line's log format wins over the file's.
	require.NoError(t, os.WriteFile(config, []byte(`{"http.addr": "127.0.0.1:0", "batch.maxtxs": 5, "log.format": "text"}`), 0o644))
	genesis := filepath.Join(dir, "genesis.json")
	require.NoError(t, os.WriteFile(genesis, []byte(`{"0x0000000000000000000000000000000000000abc": {"balance": "0x100"}}`), 0o644))
	logs := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run([]string{"-config", config, "-genesis", genesis, "-log.format", "json", "-l1.period", "50ms"}, logs)
	}()
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(logs.String(), "JSON-RPC on http://127.0.0.1:") {
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\n%s", err, logs)
		case <-time.After(20 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "the node did not start:\n%s", logs)
	}
	assert.Contains(t, logs.String(), `"msg":"node started"`, "JSON logs, as the command line asked")
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("no shutdown after SIGTERM")
	}
	assert.Contains(t, logs.String(), "shutting down")
}
