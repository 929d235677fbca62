package providertest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/providertest/pulumitest"
	"github.com/pulumi/providertest/pulumitest/assertpreview"
	"github.com/pulumi/providertest/pulumitest/assertrefresh"
	"github.com/pulumi/providertest/pulumitest/optnewstack"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optremove"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"gopkg.in/yaml.v3"
)

// TestPlatform takes examples/platform through its life on one stack, in order:
// preview (fresh stack), up, preview with no changes, refresh with no changes, import of the
// stream into a fresh stack that then previews with no changes, destroy (after an up that
// turns the database's deletion protection off).
// Each step is a subtest; a failed step stops the rest (they depend on it).
func TestPlatform(t *testing.T) {
	m := startMoto(t) // started first, so it outlives every stack's cleanup
	before := m.inventory(t)

	pt := newPlatformTest(t, m, "platform")
	var streamName string

	step := func(name string, f func(t *testing.T)) {
		t.Helper()
		if !t.Run(name, f) {
			t.FailNow()
		}
	}

	step("1-preview", func(t *testing.T) {
		rec := recordSteps()
		res := pt.Preview(t, optpreview.Diff(), optpreview.EventStreams(rec.ch))
		t.Log(res.StdOut)
		if ops := rec.opsOf(t, pipelineToken); !slices.Equal(ops, []apitype.OpType{apitype.OpCreate}) {
			t.Errorf("the preview of a fresh stack plans %v for the %s, want [create]", ops, pipelineToken)
		}
		for op, n := range res.ChangeSummary {
			if op != apitype.OpCreate && n > 0 {
				t.Errorf("the preview of a fresh stack plans %d %s step(s); only creates expected: %v", n, op, res.ChangeSummary)
			}
		}
		// A preview makes nothing.
		if inv := m.inventory(t); fmt.Sprint(inv) != fmt.Sprint(before) {
			t.Errorf("moto after preview: %+v; before: %+v", inv, before)
		}
	})

	step("2-up", func(t *testing.T) {
		res := pt.Up(t)
		t.Log(res.StdOut)
		if n := (*res.Summary.ResourceChanges)[string(apitype.OpCreate)]; n < 2 {
			t.Errorf("up created %d resources (summary %v), want the stack and the pipeline", n, *res.Summary.ResourceChanges)
		}
		out := func(key string) string {
			v, ok := res.Outputs[key]
			if !ok {
				t.Fatalf("no stack output %q in %v", key, res.Outputs)
			}
			s, ok := v.Value.(string)
			if !ok {
				t.Fatalf("stack output %q is %T %v, want a string", key, v.Value, v.Value)
			}
			return s
		}
		streamName = out("clinicalEventsStream")
		for key, prefix := range map[string]string{
			"clinicalEventsArn": "arn:aws:kinesis:us-east-1:",
			"clinicalEventsKey": "arn:aws:kms:us-east-1:",
			"producerRole":      "arn:aws:iam::",
			"consumerRole":      "arn:aws:iam::",
		} {
			if v := out(key); !strings.HasPrefix(v, prefix) {
				t.Errorf("stack output %s = %q, want an ARN starting %q", key, v, prefix)
			}
		}
		if !strings.HasSuffix(out("clinicalEventsArn"), ":stream/"+streamName) {
			t.Errorf("clinicalEventsArn %q does not name stream %q", out("clinicalEventsArn"), streamName)
		}
		compliance, _ := res.Outputs["compliance"].Value.(map[string]any)
		events, _ := compliance[pipelineName].(map[string]any)
		if events["compliant"] != true {
			t.Errorf("compliance.%s = %v, want compliant: true", pipelineName, compliance[pipelineName])
		}
		for _, name := range []string{"network", "sessionCache", "clinicalRecords", "clinicalServices"} {
			if report, _ := compliance[name].(map[string]any); report["compliant"] != true {
				t.Errorf("compliance.%s = %v, want compliant: true", name, compliance[name])
			}
		}
		// The stream exists in the (local) AWS.
		if inv := m.inventory(t); !slices.Contains(inv.Streams, streamName) {
			t.Errorf("moto holds streams %v; %q is not among them", inv.Streams, streamName)
		}
	})

	step("3-preview-no-changes", func(t *testing.T) {
		res := pt.Preview(t, optpreview.Diff())
		assertpreview.HasNoChanges(t, res)
	})

	step("4-refresh-no-changes", func(t *testing.T) {
		res := pt.Refresh(t, optrefresh.Diff())
		assertrefresh.HasNoChanges(t, res)
		// And the refreshed state still matches the program.
		assertpreview.HasNoChanges(t, pt.Preview(t, optpreview.Diff()))
	})

	step("5-import", func(t *testing.T) {
		// A fresh stack (own backend) of the same program; it must not destroy what it
		// adopts, since the first stack still owns the stream and deletes it in step 6.
		imp := newPlatformTest(t, m, "imported", optnewstack.DisableAutoDestroy())
		generated := filepath.Join(t.TempDir(), "imported.yaml")
		res := imp.Import(t, pipelineToken, pipelineName, streamName, "", "--out", generated)
		t.Log(res.Stdout)
		code, err := os.ReadFile(generated)
		if err != nil {
			t.Fatalf("pulumi import wrote no program: %v", err)
		}
		t.Logf("pulumi import --out wrote:\n%s", code)

		// The program pulumi import wrote for the stream is the import's result: with it as
		// the stack's program, a preview must show no changes. (examples/platform itself is
		// not expected to: it leaves streamName to auto-naming, so the adopted stream's name
		// differs from a newly generated one, and it declares more than the stream.)
		useGeneratedProgram(t, imp, code)
		assertpreview.HasNoChanges(t, imp.Preview(t, optpreview.Diff()))

		// Let go of the stream without deleting it: drop the stack's state.
		stack := imp.CurrentStack()
		if err := stack.Workspace().RemoveStack(imp.Context(), stack.Name(), optremove.Force()); err != nil {
			t.Errorf("removing the import stack: %v", err)
		}
		if inv := m.inventory(t); !slices.Contains(inv.Streams, streamName) {
			t.Errorf("stream %q is gone after the import stack was removed (streams: %v)", streamName, inv.Streams)
		}
	})

	step("6-destroy", func(t *testing.T) {
		// Deletion protection keeps the database: turn it off with an up, then destroy.
		pt.SetConfig(t, "databaseDeletionProtection", "false")
		// What the account baseline's delete keeps on purpose, as it says before the destroy.
		kept := retainedOnDelete(t, pt.Up(t).Outputs)
		res := pt.Destroy(t)
		t.Log(res.StdOut)
		if n := (*res.Summary.ResourceChanges)[string(apitype.OpDelete)]; n < 2 {
			t.Errorf("destroy deleted %d resources (summary %v), want the stack and the pipeline", n, *res.Summary.ResourceChanges)
		}
		// Everything the program made is gone again (KMS keys are pending deletion, or kept
		// for the cache's final snapshot, which is encrypted with its key), save the audit
		// evidence the baseline keeps (its log group and the key that encrypts it), which is
		// still there.
		after := m.inventory(t)
		left, missing := after.less(kept)
		if len(missing) > 0 {
			t.Errorf("retainedOnDelete names %v, which moto no longer holds after destroy (%+v)", missing, after)
		}
		if fmt.Sprint(left) != fmt.Sprint(before) {
			t.Errorf("moto after destroy, less what retainedOnDelete names (%v): %+v; before up: %+v", kept, left, before)
		}
	})
}

// retainedOnDelete is the program's `retainedOnDelete` output (the account baseline's: what its
// delete keeps, one object to an entry, e.g. "log group /healthcare/baseline/x/cloudtrail").
func retainedOnDelete(t *testing.T, outputs auto.OutputMap) []string {
	t.Helper()
	v, ok := outputs["retainedOnDelete"]
	if !ok {
		t.Fatalf("no stack output retainedOnDelete in %v", outputs)
	}
	items, ok := v.Value.([]any)
	if !ok {
		t.Fatalf("stack output retainedOnDelete is %T %v, want a list", v.Value, v.Value)
	}
	kept := make([]string, 0, len(items))
	for _, item := range items {
		s, ok := item.(string)
		if !ok {
			t.Fatalf("stack output retainedOnDelete holds %T %v, want strings", item, item)
		}
		kept = append(kept, s)
	}
	return kept
}

// useGeneratedProgram replaces the test program's resources and outputs with the `resources`
// block that `pulumi import --out` wrote (the project's name, runtime and plugin path stay).
func useGeneratedProgram(t *testing.T, pt *pulumitest.PulumiTest, code []byte) {
	t.Helper()
	var generated map[string]any
	if err := yaml.Unmarshal(code, &generated); err != nil {
		t.Fatalf("the generated program is not YAML: %v", err)
	}
	resources, _ := generated["resources"].(map[string]any)
	if len(resources) != 1 {
		t.Fatalf("the generated program declares %d resources, want 1: %v", len(resources), generated)
	}
	for name, r := range resources {
		if typ, _ := r.(map[string]any)["type"].(string); name != pipelineName || typ != pipelineToken {
			t.Fatalf("the generated program declares %s of type %v, want %s of type %s", name, typ, pipelineName, pipelineToken)
		}
	}
	path := filepath.Join(pt.WorkingDir(), "Pulumi.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var project map[string]any
	if err := yaml.Unmarshal(src, &project); err != nil {
		t.Fatal(err)
	}
	program := map[string]any{
		"name":      project["name"],
		"runtime":   project["runtime"],
		"plugins":   project["plugins"],
		"resources": resources,
	}
	if v, ok := generated["variables"]; ok {
		program["variables"] = v
	}
	out, err := yaml.Marshal(program)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), out, 0o644); err != nil {
		t.Fatal(err)
	}
	pt.UpdateSource(t, dir)
	t.Logf("program now:\n%s", out)
}
