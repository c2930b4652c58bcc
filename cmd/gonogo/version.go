package main

import (
	"fmt"
	"runtime"

	"github.com/gonogo-dev/gonogo/dashboard/metrics"
	"github.com/spf13/cobra"
)

func newVersionCmd(ios *IOStreams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print gonogo's version and the Go version it was built with",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(ios.Out, versionString())
			return err
		},
	}
}

// versionString is "gonogo VERSION (REVISION, modified) GOVERSION OS/ARCH",
// from the build info the toolchain embeds.
func versionString() string {
	b := metrics.Build()
	extra := ""
	if rev := b.Revision; rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		extra = " (" + rev
		if b.Modified {
			extra += ", modified"
		}
		extra += ")"
	}
	return fmt.Sprintf("gonogo %s%s %s %s/%s", b.Version, extra, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
