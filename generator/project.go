package main

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/project"
)

// addSourceFlag registers -s/--source, the project a command works on.
func addSourceFlag(cmd *cobra.Command, p *string, what string) {
	cmd.Flags().StringVarP(p, "source", "s", "", what+" (default: the nearest directory holding config.toml and content/, from the working directory up)")
}

// projectDir is the project every command works on: -s DIR as given
// (relative to the working directory), or else the nearest directory at or
// above the working directory that holds config.toml and content/, found
// the way git finds .git. Outside a project, without -s, it is an error
// rather than an empty project that checks clean. A found root is returned
// relative to the working directory ("." at the root, ".." from content/),
// so the paths commands print stay relative to where the user is.
func projectDir(cmd *cobra.Command, source string) (string, error) {
	if cmd.Flags().Changed("source") {
		return source, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := project.Root(wd)
	if err != nil {
		return "", err
	}
	if rel, err := filepath.Rel(wd, root); err == nil {
		return rel, nil
	}
	return root, nil
}

// fromHere returns path relative to the working directory when that is
// shorter ("2026/x.md" from content/briefs/, not
// "../../content/briefs/2026/x.md"), else path as it is.
func fromHere(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && len(rel) < len(path) {
		return rel
	}
	return path
}

type clockKey struct{}

// withClock returns a context under which commands read the time from now
// instead of the system clock: how tests pin "today".
func withClock(ctx context.Context, now func() time.Time) context.Context {
	return context.WithValue(ctx, clockKey{}, now)
}

// clock is where a command reads the time: the clock withClock set, or
// time.Now.
func clock(ctx context.Context) func() time.Time {
	if now, ok := ctx.Value(clockKey{}).(func() time.Time); ok {
		return now
	}
	return time.Now
}
