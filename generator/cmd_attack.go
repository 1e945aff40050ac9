package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab/attackstix"
)

// attackDataDir is where the ATT&CK tables live in the repository.
var attackDataDir = filepath.Join("generator", "internal", "vocab", "data")

func attackUpdateCmd(stdout, stderr io.Writer) *cobra.Command {
	var source, out string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "attack-update PATH|URL",
		Short: "Regenerate the ATT&CK tables from MITRE's STIX 2.1 bundle (enterprise-attack.json)",
		Long: `Attack-update reads MITRE ATT&CK's official STIX 2.1 bundle for Enterprise, from
a file or an http(s) URL, and rewrites attack-tactics.tsv, attack-techniques.tsv
and attack-mitigations.tsv in generator/internal/vocab/data (or --out DIR).
Revoked and deprecated objects are left out. It prints the release, the counts,
what was added, removed or renamed since the current tables, and any object it
had to drop. Rebuild the generator afterwards: the tables are embedded.

The bundle is published at
https://github.com/mitre-attack/attack-stix-data (enterprise-attack/).`,
		Example: `  go run ./generator attack-update ~/Downloads/enterprise-attack-16.1.json
  go run ./generator attack-update https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master/enterprise-attack/enterprise-attack.json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := out
			if dir == "" {
				root, err := projectDir(cmd, source)
				if err != nil {
					return fmt.Errorf("attack-update: %w (or pass --out DIR)", err)
				}
				dir = filepath.Join(root, attackDataDir)
			}
			rc, err := openBundle(cmd.Context(), args[0])
			if err != nil {
				return fmt.Errorf("attack-update: %w", err)
			}
			c, err := attackstix.Parse(rc)
			rc.Close()
			if err != nil {
				return fmt.Errorf("attack-update: %s: %w", args[0], err)
			}
			files := c.Files()
			// The new tables must load, with the current sector list.
			sectors, err := os.ReadFile(filepath.Join(dir, "sectors.tsv"))
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("attack-update: %w", err)
			}
			next, err := vocab.New(func(name string) (io.ReadCloser, error) {
				if name == "sectors.tsv" {
					return io.NopCloser(bytes.NewReader(sectors)), nil
				}
				return io.NopCloser(bytes.NewReader(files[name])), nil
			})
			if err != nil {
				return fmt.Errorf("attack-update: the new tables do not load: %w", err)
			}
			sub := 0
			for _, t := range c.Techniques {
				if strings.Contains(t.ID, ".") {
					sub++
				}
			}
			fmt.Fprintf(stdout, "ATT&CK Enterprise v%s: %d tactics, %d techniques (%d sub-techniques), %d mitigations; %d revoked and %d deprecated objects left out\n",
				c.Version, len(c.Tactics), len(c.Techniques), sub, len(c.Mitigations), c.Revoked, c.Deprecated)
			if current, err := vocab.New(func(name string) (io.ReadCloser, error) { return os.Open(filepath.Join(dir, name)) }); err == nil {
				printAttackChanges(stdout, current, next)
			}
			for _, w := range c.Warnings {
				fmt.Fprintln(stderr, "attack-update: dropped or adjusted:", w)
			}
			if dryRun {
				return nil
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("attack-update: %w", err)
			}
			names := []string{attackstix.TacticsFile, attackstix.TechniquesFile, attackstix.MitigationsFile}
			for _, name := range names {
				if err := writeFileAtomic(filepath.Join(dir, name), files[name]); err != nil {
					return fmt.Errorf("attack-update: %w", err)
				}
			}
			fmt.Fprintf(stdout, "Wrote %s in %s\n", strings.Join(names, ", "), dir)
			return nil
		},
	}
	addSourceFlag(cmd, &source, "project directory (the repository root)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory to write the tables to (default <source>/generator/internal/vocab/data)")
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "report what would change without writing")
	return cmd
}

// openBundle opens a local file or downloads an http(s) URL.
func openBundle(ctx context.Context, src string) (io.ReadCloser, error) {
	if !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://") {
		return os.Open(src)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		cancel()
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		cancel()
		return nil, fmt.Errorf("%s: %s", src, resp.Status)
	}
	return readCloser{resp.Body, cancel}, nil
}

type readCloser struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (r readCloser) Close() error {
	err := r.ReadCloser.Close()
	r.cancel()
	return err
}

// printAttackChanges lists IDs added, removed or renamed between two
// versions of the tables.
func printAttackChanges(w io.Writer, old, next *vocab.Vocab) {
	type item struct{ id, name string }
	diff := func(kind string, a, b []item) {
		am, bm := map[string]string{}, map[string]string{}
		for _, x := range a {
			am[x.id] = x.name
		}
		for _, x := range b {
			bm[x.id] = x.name
		}
		var added, removed, renamed []string
		for _, x := range b {
			if n, ok := am[x.id]; !ok {
				added = append(added, x.id+" "+x.name)
			} else if n != x.name {
				renamed = append(renamed, fmt.Sprintf("%s %s → %s", x.id, n, x.name))
			}
		}
		for _, x := range a {
			if _, ok := bm[x.id]; !ok {
				removed = append(removed, x.id+" "+x.name)
			}
		}
		for _, l := range []struct {
			what  string
			items []string
		}{{"added", added}, {"removed", removed}, {"renamed", renamed}} {
			if len(l.items) == 0 {
				continue
			}
			slices.Sort(l.items)
			fmt.Fprintf(w, "  %s %s (%d):\n", kind, l.what, len(l.items))
			for i, s := range l.items {
				if i == 25 {
					fmt.Fprintf(w, "    ... and %d more\n", len(l.items)-25)
					break
				}
				fmt.Fprintf(w, "    %s\n", s)
			}
		}
	}
	var a, b []item
	for _, t := range old.Tactics() {
		a = append(a, item{t.ID, t.Name})
	}
	for _, t := range next.Tactics() {
		b = append(b, item{t.ID, t.Name})
	}
	diff("tactics", a, b)
	a, b = nil, nil
	for _, t := range old.Techniques() {
		a = append(a, item{t.ID, old.TechniqueName(t)})
	}
	for _, t := range next.Techniques() {
		b = append(b, item{t.ID, next.TechniqueName(t)})
	}
	diff("techniques", a, b)
	a, b = nil, nil
	for _, m := range old.Mitigations() {
		a = append(a, item{m.ID, m.Name})
	}
	for _, m := range next.Mitigations() {
		b = append(b, item{m.ID, m.Name})
	}
	diff("mitigations", a, b)
	if old.AttackVersion != next.AttackVersion {
		fmt.Fprintf(w, "  version v%s → v%s\n", old.AttackVersion, next.AttackVersion)
	}
}

// writeFileAtomic replaces path with data through a temporary file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
