package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
)

// maxMessage is what the engine allows on a provider connection.
const maxMessage = 400 * 1024 * 1024

// engine is a stand-in for the Pulumi engine's Engine service: the plugin sends its log
// and status lines here. It counts them and drops them.
type engine struct {
	pulumirpc.UnimplementedEngineServer
	server *grpc.Server
	addr   string
	logs   atomic.Int64
}

func (e *engine) Log(_ context.Context, _ *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	e.logs.Add(1)
	return &emptypb.Empty{}, nil
}

func (e *engine) GetRootResource(context.Context, *pulumirpc.GetRootResourceRequest) (*pulumirpc.GetRootResourceResponse, error) {
	return &pulumirpc.GetRootResourceResponse{}, nil
}

func startEngine() (*engine, error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e := &engine{server: grpc.NewServer(), addr: lis.Addr().String()}
	pulumirpc.RegisterEngineServer(e.server, e)
	go func() { _ = e.server.Serve(lis) }()
	return e, nil
}

func (e *engine) stop() { e.server.Stop() }

// plugin is a running provider binary, started the way the engine starts it (its own
// address as the last argument), and a grpc-go connection to the port it printed.
type plugin struct {
	cmd     *exec.Cmd
	conn    *grpc.ClientConn
	client  pulumirpc.ResourceProviderClient
	port    int
	startup time.Duration
}

// launch starts binary with the engine's address and waits for its port line.
func launch(binary, engineAddr string, env []string) (*plugin, error) {
	cmd := exec.Command(binary, engineAddr)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			lines <- sc.Text()
		} else {
			lines <- ""
		}
		for sc.Scan() {
		}
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("%s printed no port within 10 s", binary)
	}
	startup := time.Since(started)
	port, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("%s printed %q instead of a port", binary, line)
	}
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", port),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)))
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	return &plugin{cmd: cmd, conn: conn, client: pulumirpc.NewResourceProviderClient(conn), port: port, startup: startup}, nil
}

// rssKiB is the plugin's resident memory from /proc.
func (p *plugin) rssKiB() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				n, _ := strconv.ParseInt(fields[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

// stop asks the plugin to stop as the engine does (Cancel, then SIGINT), then kills it.
func (p *plugin) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	_, _ = p.client.Cancel(ctx, &emptypb.Empty{})
	cancel()
	_ = p.conn.Close()
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}
