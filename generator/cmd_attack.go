package main

import (
	"bytes"
	"cmp"
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
	var source, out, version string
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "attack-update PATH|URL",
		Short: "Regenerate the ATT&CK tables from MITRE's STIX bundle (enterprise-attack.json)",
		Long: `Attack-update reads MITRE ATT&CK's Enterprise data as a STIX 2.1 bundle (from
github.com/mitre-attack/attack-stix-data) or a STIX 2.0 one (from
github.com/mitre/cti), from a file or an http(s) URL, and rewrites the tables
in generator/internal/vocab/data (or --out DIR): attack-tactics.tsv,
attack-techniques.tsv, attack-mitigations.tsv, attack-groups.tsv (groups and
their aliases), attack-software.tsv (malware and tools and their aliases) and
attack-retired.tsv (revoked and deprecated IDs, with what replaced them, so
check can name the replacement). It prints the release, the counts, what was
added, removed or renamed since the current tables, and any object it had to
drop. Rebuild the generator afterwards: the tables are embedded.

A STIX 2.0 bundle does not say which release it holds: give it with --version,
or keep MITRE's file name (enterprise-attack-18.1.json), which it is read from.`,
		Example: `  go run ./generator attack-update ~/Downloads/enterprise-attack-18.1.json
  go run ./generator attack-update --version 18.1 cti/enterprise-attack/enterprise-attack.json
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
			c, err := attackstix.Parse(rc, cmp.Or(version, attackstix.VersionFromName(args[0])))
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
			fmt.Fprintf(stdout, "ATT&CK Enterprise v%s (STIX %s): %d tactics, %d techniques (%d sub-techniques), %d mitigations, %d groups, %d software; %d revoked and %d deprecated objects, %d of them kept as retired IDs\n",
				c.Version, c.Spec, len(c.Tactics), len(c.Techniques), sub, len(c.Mitigations), len(c.Groups), len(c.Software), c.Revoked, c.Deprecated, len(c.Retired))
			if current, err := vocab.New(func(name string) (io.ReadCloser, error) {
				f, err := os.Open(filepath.Join(dir, name))
				if errors.Is(err, os.ErrNotExist) && name != attackstix.TacticsFile && name != attackstix.TechniquesFile {
					// Tables older than the current set lack some files.
					return io.NopCloser(strings.NewReader("")), nil
				}
				return f, err
			}); err == nil {
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
			names := attackstix.FileNames()
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
	cmd.Flags().StringVar(&version, "version", "", "the ATT&CK release the bundle holds, e.g. 18.1 (default: the bundle's x-mitre-collection, else the file name)")
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
	// Each table, as ID and name, from one version of the vocabularies.
	tables := []struct {
		kind  string
		items func(v *vocab.Vocab) []item
	}{
		{"tactics", func(v *vocab.Vocab) (out []item) {
			for _, t := range v.Tactics() {
				out = append(out, item{t.ID, t.Name})
			}
			return out
		}},
		{"techniques", func(v *vocab.Vocab) (out []item) {
			for _, t := range v.Techniques() {
				out = append(out, item{t.ID, v.TechniqueName(t)})
			}
			return out
		}},
		{"mitigations", func(v *vocab.Vocab) (out []item) {
			for _, m := range v.Mitigations() {
				out = append(out, item{m.ID, m.Name})
			}
			return out
		}},
		{"groups", func(v *vocab.Vocab) (out []item) {
			for _, n := range v.Groups() {
				out = append(out, item{n.ID, n.Name})
			}
			return out
		}},
		{"software", func(v *vocab.Vocab) (out []item) {
			for _, n := range v.Software() {
				out = append(out, item{n.ID, n.Name})
			}
			return out
		}},
	}
	for _, tb := range tables {
		diff(tb.kind, tb.items(old), tb.items(next))
	}
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
