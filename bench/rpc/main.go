// Command rpc measures the plugin as the Pulumi engine sees it: the same gRPC stack
// (grpc-go), the same launch (the engine's address as the last argument, the port read
// from stdout), many small sequential unary calls. It prints figures and never fails on a
// slow machine. Run it with `make bench`; see BENCHMARKS.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/emptypb"
)

func main() {
	binary := flag.String("binary", "bin/pulumi-resource-healthcare", "the plugin binary")
	endpoint := flag.String("endpoint", "", "a local AWS emulator's URL, for Create/Read (none: those are left out)")
	calls := flag.Int("calls", 5000, "sequential calls per in-memory RPC")
	awsCalls := flag.Int("aws-calls", 200, "sequential calls per RPC that reaches AWS (Read)")
	launches := flag.Int("launches", 20, "launches for the cold-start figure")
	load := flag.Int("load", 20000, "calls in the 16-caller load run")
	flag.Parse()
	if err := run(*binary, *endpoint, *calls, *awsCalls, *launches, *load); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(binary, endpoint string, calls, awsCalls, launches, load int) error {
	eng, err := startEngine()
	if err != nil {
		return err
	}
	defer eng.stop()

	if err := coldStart(binary, eng.addr, launches); err != nil {
		return err
	}
	if info, err := os.Stat(binary); err == nil {
		fmt.Printf("binary size: %.1f MiB\n", float64(info.Size())/(1<<20))
	}

	p, err := launch(binary, eng.addr, nil)
	if err != nil {
		return err
	}
	defer p.stop()
	ctx := context.Background()
	if err := configure(ctx, p.client, endpoint); err != nil {
		return err
	}
	if _, err := p.client.GetSchema(ctx, &pulumirpc.GetSchemaRequest{}); err != nil {
		return fmt.Errorf("GetSchema: %w", err)
	}
	fmt.Printf("RSS after Configure + GetSchema: %.1f MiB\n\n", float64(p.rssKiB())/1024)

	fmt.Println("| RPC | calls | median | p99 | max | median over the no-work floor |")
	fmt.Println("|---|---|---|---|---|---|")
	bench := func(name string, n int, call func(context.Context) error) error {
		return measure(ctx, name, n, call)
	}
	if err := inMemory(ctx, p, eng.addr, endpoint, calls, bench); err != nil {
		return err
	}
	if endpoint == "" {
		fmt.Println("\n(no -endpoint: Diff, preview Update and Read, which need a created resource, were left out)")
	} else if err := withResource(ctx, p, calls, awsCalls, bench); err != nil {
		return err
	}

	// Two load runs: memory that grows with calls grows again in the second.
	rss := []int64{p.rssKiB()}
	for run := 0; run < 2; run++ {
		if err := throughput(ctx, p, load); err != nil {
			return err
		}
		rss = append(rss, p.rssKiB())
	}
	fmt.Printf("RSS before the load runs: %.1f MiB, after the first: %.1f MiB, after the second: %.1f MiB\n",
		float64(rss[0])/1024, float64(rss[1])/1024, float64(rss[2])/1024)
	fmt.Printf("engine log messages received: %d\n", eng.logs.Load())
	return nil
}

// inMemory measures the calls that never reach AWS.
func inMemory(ctx context.Context, p *plugin, engineAddr, endpoint string, calls int,
	bench func(string, int, func(context.Context) error) error) error {
	c := p.client
	steps := []struct {
		name string
		n    int
		call func(context.Context) error
	}{
		// The floor: a call that does no work, so each row above it reads as work done.
		{"GetPluginInfo (no work)", calls, func(ctx context.Context) error {
			_, err := c.GetPluginInfo(ctx, &emptypb.Empty{})
			return err
		}},
		{"Handshake", calls / 10, func(ctx context.Context) error {
			_, err := c.Handshake(ctx, &pulumirpc.ProviderHandshakeRequest{EngineAddress: engineAddr})
			return err
		}},
		{"CheckConfig", calls, func(ctx context.Context) error {
			_, err := c.CheckConfig(ctx, checkConfigRequest(endpoint))
			return err
		}},
		{"Configure", calls / 10, func(ctx context.Context) error {
			_, err := c.Configure(ctx, configureRequest(endpoint))
			return err
		}},
		{"CheckConfig + Configure", calls / 10, func(ctx context.Context) error {
			return configure(ctx, c, endpoint)
		}},
		{"GetSchema", calls, func(ctx context.Context) error {
			_, err := c.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
			return err
		}},
		{"Check", calls, func(ctx context.Context) error {
			_, err := checked(ctx, c, 2)
			return err
		}},
	}
	for _, s := range steps {
		if err := bench(s.name, s.n, s.call); err != nil {
			return err
		}
	}
	inputs, err := checked(ctx, c, 2)
	if err != nil {
		return err
	}
	return bench("Create (preview)", calls, func(ctx context.Context) error {
		_, err := c.Create(ctx, &pulumirpc.CreateRequest{
			Urn: pipelineURN, Type: pipelineType, Name: "events", Properties: inputs, Preview: true,
		})
		return err
	})
}

// withResource creates one KinesisPipeline in the emulator, measures the calls that need
// an existing resource, and deletes it.
func withResource(ctx context.Context, p *plugin, calls, awsCalls int,
	bench func(string, int, func(context.Context) error) error) error {
	c := p.client
	olds, err := checked(ctx, c, 2)
	if err != nil {
		return err
	}
	news, err := checked(ctx, c, 3)
	if err != nil {
		return err
	}
	created, err := c.Create(ctx, &pulumirpc.CreateRequest{
		Urn: pipelineURN, Type: pipelineType, Name: "events", Properties: olds, Timeout: 300,
	})
	if err != nil {
		return fmt.Errorf("Create against the emulator: %w", err)
	}
	defer func() {
		_, _ = c.Delete(ctx, &pulumirpc.DeleteRequest{
			Id: created.Id, Urn: pipelineURN, Type: pipelineType, Properties: created.Properties, OldInputs: olds, Timeout: 300,
		})
	}()
	state := created.Properties
	if err := bench("Diff", calls, func(ctx context.Context) error {
		_, err := c.Diff(ctx, &pulumirpc.DiffRequest{
			Id: created.Id, Urn: pipelineURN, Type: pipelineType, Olds: state, OldInputs: olds, News: news,
		})
		return err
	}); err != nil {
		return err
	}
	if err := bench("Update (preview)", calls, func(ctx context.Context) error {
		_, err := c.Update(ctx, &pulumirpc.UpdateRequest{
			Id: created.Id, Urn: pipelineURN, Type: pipelineType, Olds: state, OldInputs: olds, News: news, Preview: true,
		})
		return err
	}); err != nil {
		return err
	}
	return bench("Read (emulator)", awsCalls, func(ctx context.Context) error {
		_, err := c.Read(ctx, &pulumirpc.ReadRequest{
			Id: created.Id, Urn: pipelineURN, Type: pipelineType, Properties: state, Inputs: olds,
		})
		return err
	})
}

// measure makes n sequential calls after one warm-up call and prints one table row.
func measure(ctx context.Context, name string, n int, call func(context.Context) error) error {
	if n < 1 {
		n = 1
	}
	if err := call(ctx); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	took := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := call(ctx); err != nil {
			return fmt.Errorf("%s call %d: %w", name, i, err)
		}
		took = append(took, time.Since(start))
	}
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	median := took[n/2]
	if floor == 0 {
		floor = median // the first row measured is the no-work call
	}
	fmt.Printf("| %s | %d | %s | %s | %s | %s |\n", name, n,
		micros(median), micros(took[min(n-1, n*99/100)]), micros(took[n-1]), micros(max(0, median-floor)))
	return nil
}

// floor is the median of a call that does no work (GetPluginInfo): what the transport,
// both gRPC stacks and the loopback cost. A row's median minus it estimates the work the
// plugin did for that call.
var floor time.Duration

func micros(d time.Duration) string {
	us := float64(d.Nanoseconds()) / 1000
	if us >= 10000 {
		return fmt.Sprintf("%.1f ms", us/1000)
	}
	return fmt.Sprintf("%.0f µs", us)
}

// coldStart launches the plugin repeatedly and prints exec-to-port times.
func coldStart(binary, engineAddr string, launches int) error {
	times := make([]time.Duration, 0, launches)
	// The first GetSchema of a fresh process: what every preview pays once per plugin launch.
	schemas := make([]time.Duration, 0, launches)
	for i := 0; i < launches; i++ {
		p, err := launch(binary, engineAddr, nil)
		if err != nil {
			return err
		}
		times = append(times, p.startup)
		start := time.Now()
		_, err = p.client.GetSchema(context.Background(), &pulumirpc.GetSchemaRequest{})
		schemas = append(schemas, time.Since(start))
		p.stop()
		if err != nil {
			return fmt.Errorf("GetSchema: %w", err)
		}
	}
	report := func(what string, d []time.Duration) {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		fmt.Printf("%s, %d launches: median %s, min %s, max %s\n",
			what, launches, ms(d[len(d)/2]), ms(d[0]), ms(d[len(d)-1]))
	}
	report("cold start (exec to port printed)", times)
	report("GetSchema, first call of a fresh process", schemas)
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// throughput runs `total` Checks from 16 concurrent callers on one connection.
func throughput(ctx context.Context, p *plugin, total int) error {
	const callers = 16
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < callers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) {
				if _, err := checked(ctx, p.client, 2); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return fmt.Errorf("load run: %w", err)
	}
	took := time.Since(start)
	fmt.Printf("\nthroughput, %d callers, %d Checks: %.0f calls/s (%.2f s)\n",
		callers, total, float64(total)/took.Seconds(), took.Seconds())
	return nil
}
