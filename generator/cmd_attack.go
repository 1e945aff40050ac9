package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

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
			u, err := attackstix.Update(cmd.Context(), attackstix.UpdateOptions{Bundle: args[0], Version: version, Dir: dir, DryRun: dryRun})
			if err != nil {
				return fmt.Errorf("attack-update: %w", err)
			}
			fmt.Fprintln(stdout, u.Catalog.Summary())
			vocab.WriteText(stdout, u.Changes, 25)
			if u.OldVersion != "" && u.OldVersion != u.Catalog.Version {
				fmt.Fprintf(stdout, "  version v%s → v%s\n", u.OldVersion, u.Catalog.Version)
			}
			for _, w := range u.Catalog.Warnings {
				fmt.Fprintln(stderr, "attack-update: dropped or adjusted:", w)
			}
			if len(u.Written) > 0 {
				fmt.Fprintf(stdout, "Wrote %s in %s\n", strings.Join(u.Written, ", "), dir)
			}
			return nil
		},
	}
	addSourceFlag(cmd, &source, "project directory (the repository root)")
	cmd.Flags().StringVarP(&out, "out", "o", "", "directory to write the tables to (default <source>/generator/internal/vocab/data)")
	cmd.Flags().StringVar(&version, "version", "", "the ATT&CK release the bundle holds, e.g. 18.1 (default: the bundle's x-mitre-collection, else the file name)")
	cmd.Flags().BoolVarP(&dryRun, "dry-run", "n", false, "report what would change without writing")
	return cmd
}
