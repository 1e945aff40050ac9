// Command generator builds the Threat Briefs site.
//
//	go run ./generator build          validate, render, minify and publish to public/
//	go run ./generator check          validate only (--format github for annotations)
//	go run ./generator serve          preview on 127.0.0.1 with live reload
//	go run ./generator new "Title"    scaffold a brief
//
// Every command takes -h. This file only wires flags to the packages under
// internal/, which do the work.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The first Ctrl+C (or SIGTERM) cancels the command, which then stops
	// cleanly: a build waits for Hugo to finish the pages in hand and
	// publishes nothing. The notice says so at once; a second one quits.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-interrupts
		cancel()
		fmt.Fprintln(os.Stderr, "\nInterrupted: stopping; interrupt again to quit at once")
		<-interrupts
		os.Exit(130)
	}()
	err := newRoot(os.Stdout, os.Stderr).ExecuteContext(ctx)
	if err != nil {
		var ee exitError
		if errors.As(err, &ee) {
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "Error:", err)
		if ctx.Err() != nil {
			os.Exit(130)
		}
		os.Exit(1)
	}
}

// exitError ends the program with a code after its output has been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "generator",
		Short:         "Build the Threat Briefs site from the briefs in content/",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(
		buildCmd(stdout, stderr),
		checkCmd(stdout, stderr),
		serveCmd(stdout, stderr),
		newCmd(stdout),
		benchCmd(stdout, stderr),
		benchHugoCmd(),
		exportCmd(stdout, stderr),
		schemaCmd(stdout, stderr),
		importCmd(stdout, stderr),
		attackUpdateCmd(stdout, stderr),
	)
	return root
}
