package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// The latency floor: many small unary calls in a row, as the engine makes them, must not
// each wait for a delayed ACK. A socket without TCP_NODELAY holds every reply ~40 ms, so
// 200 calls take 8 s or more; a healthy plugin answers them in well under 2 s even on a
// slow, busy machine. This is a bound against a stall, not a benchmark (see main.go).

const (
	floorCalls = 200
	floorBound = 2 * time.Second
)

func pluginBinary(t *testing.T) string {
	t.Helper()
	binary := os.Getenv("HEALTHCARE_PLUGIN")
	if binary == "" {
		binary = filepath.Join("..", "..", "bin", "pulumi-resource-healthcare")
	}
	if _, err := os.Stat(binary); err != nil {
		t.Fatalf("the plugin binary is missing (run make build, or set HEALTHCARE_PLUGIN): %v", err)
	}
	return binary
}

func startPlugin(t *testing.T) *plugin {
	t.Helper()
	eng, err := startEngine()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.stop)
	p, err := launch(pluginBinary(t), eng.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.stop)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := configure(ctx, p.client, ""); err != nil {
		t.Fatal(err)
	}
	return p
}

// inARow makes floorCalls sequential calls and fails when they take floorBound or more.
func inARow(t *testing.T, what string, call func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := call(ctx); err != nil { // warm-up: connection set up, caches filled
		t.Fatalf("%s: %v", what, err)
	}
	start := time.Now()
	for i := 0; i < floorCalls; i++ {
		if err := call(ctx); err != nil {
			t.Fatalf("%s call %d: %v", what, i, err)
		}
	}
	took := time.Since(start)
	t.Logf("%d sequential %s calls took %v (%v each)", floorCalls, what, took, took/floorCalls)
	if took >= floorBound {
		t.Errorf("%d sequential %s calls took %v, over the %v floor: replies are being held "+
			"(is TCP_NODELAY set on the plugin's accepted sockets?)", floorCalls, what, took, floorBound)
	}
}

func TestSequentialChecksAreNotHeldByTheSocket(t *testing.T) {
	p := startPlugin(t)
	inARow(t, "Check", func(ctx context.Context) error {
		_, err := checked(ctx, p.client, 2)
		return err
	})
}

func TestSequentialGetSchemaCallsAreNotHeldByTheSocket(t *testing.T) {
	p := startPlugin(t)
	inARow(t, "GetSchema", func(ctx context.Context) error {
		_, err := p.client.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
		return err
	})
}
