package main

import (
	"context"
	"fmt"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	pipelineType = "healthcare:streaming:KinesisPipeline"
	pipelineURN  = "urn:pulumi:bench::bench::" + pipelineType + "::events"
)

// seed is a fixed random seed, as the engine sends one per deployment.
var seed = []byte("0123456789abcdef0123456789abcdef")

func mustStruct(m map[string]any) *structpb.Struct {
	s, err := structpb.NewStruct(m)
	if err != nil {
		panic(err)
	}
	return s
}

// providerConfig is what a program with `healthcare:region` etc. would send; endpoint is
// the local emulator's URL ("" for calls that must not reach AWS at all).
func providerConfig(endpoint string) *structpb.Struct {
	cfg := map[string]any{"region": "us-east-1", "skipCredentialsValidation": true, "maxRetries": 1}
	if endpoint != "" {
		cfg["endpoint"] = endpoint
	}
	return mustStruct(cfg)
}

// pipelineInputs is a KinesisPipeline as a program writes it; shards varies it for diffs.
func pipelineInputs(shards int) *structpb.Struct {
	return mustStruct(map[string]any{
		"shardCount":         shards,
		"retentionHours":     168,
		"producerPrincipals": []any{"arn:aws:iam::123456789012:role/ingest"},
		"consumerPrincipals": []any{"arn:aws:iam::123456789012:role/analytics"},
		"tags":               map[string]any{"data-classification": "phi"},
	})
}

func configure(ctx context.Context, c pulumirpc.ResourceProviderClient, endpoint string) error {
	if _, err := c.CheckConfig(ctx, checkConfigRequest(endpoint)); err != nil {
		return fmt.Errorf("CheckConfig: %w", err)
	}
	if _, err := c.Configure(ctx, configureRequest(endpoint)); err != nil {
		return fmt.Errorf("Configure: %w", err)
	}
	return nil
}

func checkConfigRequest(endpoint string) *pulumirpc.CheckRequest {
	return &pulumirpc.CheckRequest{
		Urn:  "urn:pulumi:bench::bench::pulumi:providers:healthcare::default",
		News: providerConfig(endpoint),
		Type: "pulumi:providers:healthcare",
		Name: "default",
	}
}

func configureRequest(endpoint string) *pulumirpc.ConfigureRequest {
	return &pulumirpc.ConfigureRequest{
		Args:          providerConfig(endpoint),
		AcceptSecrets: true, AcceptResources: true,
	}
}

func checkRequest(shards int) *pulumirpc.CheckRequest {
	return &pulumirpc.CheckRequest{
		Urn: pipelineURN, Type: pipelineType, Name: "events",
		News: pipelineInputs(shards), RandomSeed: seed,
	}
}

// checked runs Check and returns the inputs the provider filled in (defaults, name).
func checked(ctx context.Context, c pulumirpc.ResourceProviderClient, shards int) (*structpb.Struct, error) {
	resp, err := c.Check(ctx, checkRequest(shards))
	if err != nil {
		return nil, fmt.Errorf("Check: %w", err)
	}
	if len(resp.Failures) > 0 {
		return nil, fmt.Errorf("Check failed: %v", resp.Failures)
	}
	return resp.Inputs, nil
}
