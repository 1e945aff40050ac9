package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/threatbriefs/threatbriefs/generator/internal/schema"
	"github.com/threatbriefs/threatbriefs/generator/internal/taxonomy"
)

func schemaCmd(stdout, _ io.Writer) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Write the JSON Schema of brief front matter, for editors and other tools",
		Long: `Schema writes the JSON Schema (draft-07) of a brief's front matter, derived
from the same field table that check and new use, to standard output or to
the file given with -o. The repository keeps a copy for editors at
generator/internal/schema/brief.schema.json; after changing a field, refresh it:

  go run ./generator schema -o generator/internal/schema/brief.schema.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			data, err := schema.Brief(taxonomy.Kinds())
			if err != nil {
				return err
			}
			if output == "" {
				_, err = stdout.Write(data)
				return err
			}
			if err := os.WriteFile(output, data, 0o644); err != nil {
				return fmt.Errorf("schema: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the schema to this file instead of standard output")
	return cmd
}
