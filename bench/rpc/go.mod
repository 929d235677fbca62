// The gRPC benchmark and latency-floor test of the plugin, driven by grpc-go: the engine's
// own gRPC stack. Not compiled into the provider; see BENCHMARKS.md.
module pulumi-healthcare/bench/rpc

go 1.25.11

require (
	github.com/pulumi/pulumi/sdk/v3 v3.259.0
	google.golang.org/grpc v1.83.1
	google.golang.org/protobuf v1.36.12
)

require (
	golang.org/x/net v0.57.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.40.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20260526163538-3dc84a4a5aaa // indirect
)
