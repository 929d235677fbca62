package providertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/pulumi/providertest"
	"github.com/pulumi/providertest/optproviderupgrade"
	"github.com/pulumi/providertest/pulumitest/assertpreview"
	"github.com/pulumi/providertest/pulumitest/optnewstack"
	"github.com/pulumi/providertest/pulumitest/sanitize"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// Recorded states live where providertest's PreviewProviderUpgrade keeps them by default:
// testdata/recorded/TestProviderUpgrade/{programName}/{baselineVersion}/stack.json.
const (
	upgradeProgram = "platform" // the base name of examples/platform
	upgradeStack   = "upgrade"  // the stack name used both when recording and when checking
	recordEnv      = "HEALTHCARE_PROVIDERTEST_RECORD_BASELINE"
)

func recordedDir() string {
	return filepath.Join("testdata", "recorded", "TestProviderUpgrade", upgradeProgram)
}

// TestProviderUpgrade: state recorded with an earlier release of this provider previews with
// no changes and no error under the new one (the binary in <repo>/bin).
//
// The earlier release's state is read from
// testdata/recorded/TestProviderUpgrade/platform/<version>/stack.json (the newest <version>;
// v0.1.0 is recorded), and previewed with the program it was recorded with (Pulumi.yaml
// beside it, the examples/platform of that release). The preview runs Check and Diff on every recorded resource, and Diff
// decodes the saved state and inputs, so a state the new release cannot read fails here.
// providertest would record a missing baseline itself by downloading the released plugin
// (`pulumi plugin install resource healthcare <version>`); this provider is published nowhere,
// so a baseline is recorded from a local build of the release instead:
//
//	git checkout vX.Y.Z && make build
//	HEALTHCARE_PROVIDERTEST_RECORD_BASELINE=vX.Y.Z scripts/providertest.sh -run TestProviderUpgrade
//	git checkout - && make build && scripts/providertest.sh                  # the check
func TestProviderUpgrade(t *testing.T) {
	if version := os.Getenv(recordEnv); version != "" {
		recordBaseline(t, version)
		return
	}
	baseline, state := newestRecording(t)
	if baseline == "" {
		t.Fatalf("no earlier release of pulumi-resource-healthcare is recorded (no %s/<version>/stack.json); "+
			"record one with %s=<version> (see upgrade_test.go)", recordedDir(), recordEnv)
	}
	t.Logf("baseline: %s (%s)", baseline, state)

	m := startMoto(t)
	// The recorded default provider points at the moto of the recording; point it at this one,
	// as a user's state keeps pointing at the same AWS across an upgrade.
	cache := t.TempDir()
	if err := os.WriteFile(filepath.Join(cache, "stack.json"), retargetEndpoint(t, state, m.Endpoint), 0o644); err != nil {
		t.Fatal(err)
	}

	// The stack whose config (endpoint, region) the upgrade preview copies; it stays empty.
	// Its program is the one the state was recorded with: a user upgrading the provider
	// keeps their program, and a resource examples/platform gained since is no change of
	// the upgrade's making.
	pt := newProgramTest(t, m, programSource(t, recordedProgram(t, baseline)), upgradeStack, optnewstack.DisableAutoDestroy())
	// Imports the recorded state into a fresh stack of the program and previews it with the
	// plugin under test. The recorded resources are never read (no refresh), so they need not
	// exist in this moto.
	res := providertest.PreviewProviderUpgrade(t, pt, providerName, baseline, optproviderupgrade.CacheDir(cache))
	t.Log(res.StdOut)
	assertpreview.HasNoChanges(t, res)
}

// recordedProgram is a directory holding the Pulumi.yaml recorded with the baseline.
func recordedProgram(t *testing.T, version string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(recordedDir(), version, "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("the program of the %s recording: %v (record it again, see upgrade_test.go)", version, err)
	}
	dir := filepath.Join(t.TempDir(), "program")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "Pulumi.yaml"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newestRecording returns the highest recorded baseline version and its stack.json, or "".
func newestRecording(t *testing.T) (string, string) {
	t.Helper()
	entries, err := os.ReadDir(recordedDir())
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var versions []string
	for _, e := range entries {
		if _, err := os.Stat(filepath.Join(recordedDir(), e.Name(), "stack.json")); e.IsDir() && err == nil {
			versions = append(versions, e.Name())
		}
	}
	if len(versions) == 0 {
		return "", ""
	}
	slices.SortFunc(versions, compareVersions)
	v := versions[len(versions)-1]
	return v, filepath.Join(recordedDir(), v, "stack.json")
}

var semverRE = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)(.*)$`)

// compareVersions orders vX.Y.Z by number (a suffix sorts before none), anything else by name.
func compareVersions(a, b string) int {
	ma, mb := semverRE.FindStringSubmatch(a), semverRE.FindStringSubmatch(b)
	if ma == nil || mb == nil {
		return bytes.Compare([]byte(a), []byte(b))
	}
	for i := 1; i <= 3; i++ {
		x, _ := strconv.Atoi(ma[i])
		y, _ := strconv.Atoi(mb[i])
		if x != y {
			return x - y
		}
	}
	switch {
	case ma[4] == mb[4]:
		return 0
	case ma[4] == "":
		return 1
	case mb[4] == "":
		return -1
	}
	return bytes.Compare([]byte(ma[4]), []byte(mb[4]))
}

// retargetEndpoint returns the recorded stack export with every healthcare provider's
// `endpoint` (the moto of the recording) replaced by the current one.
func retargetEndpoint(t *testing.T, statePath, endpoint string) []byte {
	t.Helper()
	raw, err := os.ReadFile(statePath)
	if err != nil {
		t.Fatal(err)
	}
	var export apitype.UntypedDeployment
	if err := json.Unmarshal(raw, &export); err != nil {
		t.Fatalf("%s: %v", statePath, err)
	}
	var deployment apitype.DeploymentV3
	if err := json.Unmarshal(export.Deployment, &deployment); err != nil {
		t.Fatalf("%s: %v", statePath, err)
	}
	deploymentBytes := []byte(export.Deployment)
	for _, r := range deployment.Resources {
		if r.Type != "pulumi:providers:"+providerName {
			continue
		}
		for _, props := range []map[string]any{r.Inputs, r.Outputs} {
			if old, ok := props["endpoint"].(string); ok && old != "" && old != endpoint {
				deploymentBytes = bytes.ReplaceAll(deploymentBytes, []byte(strconv.Quote(old)), []byte(strconv.Quote(endpoint)))
			}
		}
	}
	export.Deployment = json.RawMessage(deploymentBytes)
	out, err := json.MarshalIndent(export, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// recordBaseline runs `up` of examples/platform with the plugin in <repo>/bin (which must be a
// build of release `version`) and writes the stack's state, secrets sanitized, as that
// release's baseline. It records; it checks nothing, so it ends as a skip.
func recordBaseline(t *testing.T, version string) {
	if !semverRE.MatchString(version) {
		t.Fatalf("%s=%q: want a release version such as v0.1.0", recordEnv, version)
	}
	path := filepath.Join(recordedDir(), version, "stack.json")
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("%s already exists; delete it to record %s again", path, version)
	}
	m := startMoto(t)
	// Not destroyed afterwards: the moto it ran against goes with the test.
	pt := newPlatformTest(t, m, upgradeStack, optnewstack.DisableAutoDestroy())
	pt.Up(t)
	state := pt.ExportStack(t)
	sanitized, err := sanitize.SanitizeSecretsInStackState(&state)
	if err != nil {
		t.Fatalf("sanitizing secrets: %v", err)
	}
	b, err := json.MarshalIndent(sanitized, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	program, err := os.ReadFile(filepath.Join(platformDir(), "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "Pulumi.yaml"), program, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Skip(fmt.Sprintf("recorded the state of %s at %s (a recording, not a check); commit it and run the suite with the newer build", version, path))
}
