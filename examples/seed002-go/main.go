// The program, as `pulumi up` runs it where the Go language host is installed.
package main

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"pulumi-healthcare/examples/seed002-go/program"
)

func main() {
	pulumi.Run(program.Program)
}
