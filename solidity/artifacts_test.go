package solidity

import (
	"errors"
	"slices"
	"testing"
)

func TestLoad(t *testing.T) {
	for _, name := range Names() {
		a, err := Load(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if a.Name != name || a.Compiler == "" {
			t.Fatalf("%s: artifact says name %q compiler %q", name, a.Name, a.Compiler)
		}
	}
	if !slices.Contains(Names(), "L1") || len(MustLoad("Counter").DeployedBytecode) == 0 {
		t.Fatal("expected artifacts missing")
	}
	if _, err := Load("NoSuchContract"); !errors.Is(err, ErrUnknownContract) {
		t.Fatalf("Load(unknown) = %v, want ErrUnknownContract", err)
	}
}
