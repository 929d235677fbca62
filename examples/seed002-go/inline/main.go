// Command inline runs the program as an Automation API inline program: the Go language
// runtime is served inside this process, so no language host is needed. One step per run,
// on the stack `dev` of a file backend, printing its result as JSON:
//
//	inline <preview|up|destroy>
//
// The environment gives the backend (PULUMI_BACKEND_URL, PULUMI_CONFIG_PASSPHRASE), the
// CLI's root (PULUMI_ROOT, holding bin/pulumi), the work dir (INLINE_WORK_DIR) and the stack's
// configuration (INLINE_CONFIG, JSON of key to value).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"pulumi-healthcare/examples/seed002-go/program"
)

func run(step string) (any, error) {
	ctx := context.Background()
	cli, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: os.Getenv("PULUMI_ROOT"), SkipVersionCheck: true})
	if err != nil {
		return nil, err
	}
	stack, err := auto.UpsertStackInlineSource(ctx, "dev", "seed002-go", program.Program,
		auto.Pulumi(cli), auto.WorkDir(os.Getenv("INLINE_WORK_DIR")))
	if err != nil {
		return nil, err
	}
	config := map[string]string{}
	if raw := os.Getenv("INLINE_CONFIG"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &config); err != nil {
			return nil, fmt.Errorf("INLINE_CONFIG: %w", err)
		}
	}
	all := auto.ConfigMap{}
	for k, v := range config {
		all[k] = auto.ConfigValue{Value: v}
	}
	if err := stack.SetAllConfig(ctx, all); err != nil {
		return nil, err
	}
	switch step {
	case "preview":
		res, err := stack.Preview(ctx, optpreview.ProgressStreams(io.Discard))
		return res.ChangeSummary, err
	case "up":
		res, err := stack.Up(ctx, optup.ProgressStreams(io.Discard))
		if err != nil {
			return nil, err
		}
		out := map[string]any{}
		for k, v := range res.Outputs {
			out[k] = v.Value
		}
		return out, nil
	case "destroy":
		res, err := stack.Destroy(ctx, optdestroy.ProgressStreams(io.Discard))
		return res.Summary.ResourceChanges, err
	default:
		return nil, fmt.Errorf("unknown step %q: preview, up or destroy", step)
	}
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: inline <preview|up|destroy>")
		os.Exit(2)
	}
	result, err := run(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "inline:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(result); err != nil {
		fmt.Fprintln(os.Stderr, "inline:", err)
		os.Exit(1)
	}
}
