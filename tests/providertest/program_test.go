package providertest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/pulumi/providertest/pulumitest"
	"github.com/pulumi/providertest/pulumitest/optnewstack"
	"github.com/pulumi/providertest/pulumitest/opttest"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"gopkg.in/yaml.v3"
)

const (
	providerName  = "healthcare"
	pipelineToken = "healthcare:streaming:KinesisPipeline"
	// The program's own name for its pipeline (examples/platform/Pulumi.yaml).
	pipelineName = "clinicalEvents"
)

// newPlatformTest makes a pulumitest of examples/platform with a fresh stack in its own file
// backend (pulumitest's default), configured for moto.
//
// The plugin is the local binary <repo>/bin/pulumi-resource-healthcare, started by pulumitest
// for every operation and attached to the engine (opttest.AttachProviderBinary, i.e.
// PULUMI_DEBUG_PROVIDERS=healthcare:PORT). pulumitest runs a copy of the program in a
// temporary directory, where the program's `plugins.providers: [{name: healthcare, path:
// ../../bin}]` (relative to examples/platform) would point nowhere; so the source handed to
// pulumitest is itself a copy whose path is the absolute <repo>/bin (programSource), and
// every later copy pulumitest makes (CopyToTempDir, PreviewProviderUpgrade) inherits it.
//
// `pulumi install` is skipped: a YAML program has no dependencies to install, and plugin
// acquisition is disabled (PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION).
func newPlatformTest(t *testing.T, m *moto, stack string, stackOpts ...optnewstack.NewStackOpt) *pulumitest.PulumiTest {
	t.Helper()
	return newProgramTest(t, m, programSource(t, platformDir()), stack, stackOpts...)
}

// newProgramTest is newPlatformTest for the program in src (a copy made by programSource).
func newProgramTest(t *testing.T, m *moto, src, stack string, stackOpts ...optnewstack.NewStackOpt) *pulumitest.PulumiTest {
	t.Helper()
	pt := pulumitest.NewPulumiTest(t, src,
		opttest.AttachProviderBinary(providerName, binDir()),
		opttest.SkipInstall(),
		opttest.StackName(stack),
		opttest.NewStackOptions(stackOpts...),
	)
	pt.SetConfig(t, "healthcare:endpoint", m.Endpoint)
	pt.SetConfig(t, "healthcare:region", "us-east-1")
	return pt
}

// programSource copies the program in dir (without any Pulumi.<stack>.yaml left by a demo
// run) to <tmp>/platform and pins its provider path to the absolute <repo>/bin.
func programSource(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(platformDir()))
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if stackConfig.MatchString(d.Name()) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copying %s: %v", dir, err)
	}
	pinProviderPath(t, filepath.Join(dst, "Pulumi.yaml"))
	return dst
}

var stackConfig = regexp.MustCompile(`^Pulumi\.[^.]+\.ya?ml$`)

// pinProviderPath sets `plugins.providers[name=healthcare].path` of a Pulumi.yaml to the
// absolute <repo>/bin, editing the YAML tree so the program itself is left as written.
func pinProviderPath(t *testing.T, pulumiYAML string) {
	t.Helper()
	src, err := os.ReadFile(pulumiYAML)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		t.Fatalf("%s: %v", pulumiYAML, err)
	}
	pinned := false
	if providers := lookup(lookup(doc.Content[0], "plugins"), "providers"); providers != nil {
		for _, p := range providers.Content {
			if name := lookup(p, "name"); name != nil && name.Value == providerName {
				if path := lookup(p, "path"); path != nil {
					path.Value, path.Style = binDir(), 0
					pinned = true
				}
			}
		}
	}
	if !pinned {
		t.Fatalf("%s declares no plugins.providers entry with name %s and a path", pulumiYAML, providerName)
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pulumiYAML, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// lookup returns the value of key in a YAML mapping node (nil if absent or not a mapping).
func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// stepRecorder collects the engine's step events (resource, operation) of one operation,
// through the Automation API's event stream.
type stepRecorder struct {
	ch    chan events.EngineEvent
	done  chan struct{}
	steps []apitype.StepEventMetadata
}

func recordSteps() *stepRecorder {
	r := &stepRecorder{ch: make(chan events.EngineEvent), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for e := range r.ch {
			if e.ResourcePreEvent != nil {
				r.steps = append(r.steps, e.ResourcePreEvent.Metadata)
			}
		}
	}()
	return r
}

// opsOf waits for the event stream to end and returns the operations planned for resources
// of the given type.
func (r *stepRecorder) opsOf(t *testing.T, token string) []apitype.OpType {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(time.Minute):
		t.Fatal("the engine's event stream did not end")
	}
	var ops []apitype.OpType
	for _, s := range r.steps {
		if s.Type == token {
			ops = append(ops, s.Op)
		}
	}
	return ops
}
