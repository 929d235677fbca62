// Package providertest runs examples/platform through Pulumi's own provider test library
// (github.com/pulumi/providertest/pulumitest) with the locally built plugin
// (<repo>/bin/pulumi-resource-healthcare), the pinned Pulumi CLI (<repo>/.tools/bin) and a local
// moto server standing in for AWS. See README.md in this folder.
package providertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repo is the root of the checkout (this package lives in <repo>/tests/providertest).
var repo string

// Paths under the checkout that the suite needs; made by `make build`, `scripts/venv.sh`
// and `scripts/tools.sh`.
func binDir() string      { return filepath.Join(repo, "bin") }
func toolsBin() string    { return filepath.Join(repo, ".tools", "bin") }
func python() string      { return filepath.Join(repo, ".venv", "bin", "python") }
func platformDir() string { return filepath.Join(repo, "examples", "platform") }

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintln(os.Stderr, "providertest:", err)
		return 1
	}
	repo = filepath.Clean(filepath.Join(wd, "..", ".."))

	missing := map[string]string{
		filepath.Join(binDir(), "pulumi-resource-healthcare"): "make build",
		filepath.Join(toolsBin(), "pulumi"):                   "scripts/tools.sh",
		filepath.Join(toolsBin(), "pulumi-language-yaml"):     "scripts/tools.sh",
		python(): "scripts/venv.sh",
		filepath.Join(repo, "tests", "harness", "moto_launcher.py"): "(part of the checkout)",
	}
	bad := false
	for path, fix := range missing {
		if _, err := os.Stat(path); err != nil {
			fmt.Fprintf(os.Stderr, "providertest: %s is missing; run %s first\n", path, fix)
			bad = true
		}
	}
	if bad {
		return 1
	}

	// A PULUMI_HOME of our own, so nothing lands in ~/.pulumi (plugins, credentials, workspaces).
	home, err := os.MkdirTemp("", "healthcare-providertest-home-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "providertest:", err)
		return 1
	}
	defer os.RemoveAll(home)

	env := map[string]string{
		// The pinned CLI and YAML language host first on PATH: pulumitest and the Automation
		// API run `pulumi` from PATH, the CLI finds pulumi-language-yaml there.
		"PATH":        toolsBin() + string(os.PathListSeparator) + os.Getenv("PATH"),
		"PULUMI_HOME": home,
		// No update checks and never a plugin download: everything the program needs is local.
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		// moto accepts any credentials; nothing may come from the machine's AWS files.
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_REGION":                  "us-east-1",
		"AWS_CONFIG_FILE":             "/dev/null",
		"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
		"AWS_EC2_METADATA_DISABLED":   "true",
	}
	for k, v := range env {
		os.Setenv(k, v)
	}
	// Ambient settings that would send the CLI or the plugin elsewhere. pulumitest sets its own
	// file backend and passphrase per stack.
	for _, k := range []string{
		"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_DEFAULT_PROFILE",
		"PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE_FILE",
		"PULUMI_DEBUG_PROVIDERS",
	} {
		os.Unsetenv(k)
	}

	// The CLI the suite drives must be the pinned one from .tools/bin.
	found, err := exec.LookPath("pulumi")
	if err != nil || filepath.Dir(found) != toolsBin() {
		fmt.Fprintf(os.Stderr, "providertest: `pulumi` resolves to %q (%v), want %s/pulumi\n", found, err, toolsBin())
		return 1
	}
	out, err := exec.Command(found, "version").Output()
	if err != nil {
		fmt.Fprintf(os.Stderr, "providertest: %s version: %v\n", found, err)
		return 1
	}
	fmt.Printf("providertest: pulumi %s (%s), PULUMI_HOME=%s\n", strings.TrimSpace(string(out)), found, home)
	return m.Run()
}
