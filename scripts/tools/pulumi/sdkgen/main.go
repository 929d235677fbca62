// Command sdkgen writes a language SDK of a Pulumi package from its schema, with the code
// generators of github.com/pulumi/pulumi/pkg/v3 (the ones `pulumi package gen-sdk` reaches
// through a language host, which is not needed here).
//
//	sdkgen <schema.json> <python|nodejs|go> <out-dir>
//
// The package may not refer to other packages' schemas: the loader refuses every load, so a
// reference to another package is an error rather than a download.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"sort"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-healthcare sdkgen"

// noLoader refuses to load any other package's schema.
type noLoader struct{}

var errExternal = errors.New("the schema refers to another package; sdkgen loads none")

func (noLoader) LoadPackage(string, *semver.Version) (*schema.Package, error) {
	return nil, errExternal
}

func (noLoader) LoadPackageV2(context.Context, *schema.PackageDescriptor) (*schema.Package, error) {
	return nil, errExternal
}

func (noLoader) LoadPackageReference(string, *semver.Version) (schema.PackageReference, error) {
	return nil, errExternal
}

func (noLoader) LoadPackageReferenceV2(context.Context, *schema.PackageDescriptor) (schema.PackageReference, error) {
	return nil, errExternal
}

func generate(pkg *schema.Package, language string) (map[string][]byte, error) {
	switch language {
	case "python":
		return python.GeneratePackage(tool, pkg, nil, noLoader{})
	case "nodejs":
		return nodejs.GeneratePackage(tool, pkg, nil, nil, false, noLoader{})
	case "go":
		files, err := gogen.GeneratePackage(tool, pkg, nil)
		if err != nil {
			return nil, err
		}
		files["go.mod"] = goMod(pkg)
		return files, nil
	default:
		return nil, fmt.Errorf("unknown language %q: python, nodejs or go", language)
	}
}

// goMod is the Go SDK's module: its path is the import base path's parent, and it needs the
// Pulumi Go SDK at the release this generator was built with. `go mod tidy` completes it.
func goMod(pkg *schema.Package) []byte {
	base := ""
	if info, ok := pkg.Language["go"].(gogen.GoPackageInfo); ok {
		base = info.ImportBasePath
	}
	sdk := "v3.0.0"
	if build, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range build.Deps {
			if dep.Path == "github.com/pulumi/pulumi/sdk/v3" {
				sdk = dep.Version
			}
		}
	}
	return []byte(fmt.Sprintf("module %s\n\ngo 1.23\n\nrequire github.com/pulumi/pulumi/sdk/v3 %s\n", path.Dir(base), sdk))
}

func run(schemaPath, language, out string) error {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", schemaPath, err)
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return err
	}
	if diags.HasErrors() {
		return fmt.Errorf("%s does not bind: %s", schemaPath, diags.Error())
	}
	files, err := generate(pkg, language)
	if err != nil {
		return err
	}
	if err := os.RemoveAll(out); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(out, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("%s: %d files in %s\n", language, len(names), out)
	return nil
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <python|nodejs|go> <out-dir>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}
