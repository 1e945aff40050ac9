package attackstix

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
	"strings"
	"time"

	"github.com/threatbriefs/threatbriefs/generator/internal/atomicfile"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// UpdateOptions say where a bundle comes from and where its tables go.
type UpdateOptions struct {
	// Bundle is a file path or an http(s) URL of an Enterprise bundle.
	Bundle string
	// Version is the ATT&CK release the bundle holds, "" to take it from
	// the bundle or, for STIX 2.0, from its file name (VersionFromName).
	Version string
	// Dir holds the current tables (and sectors.tsv, which the new tables
	// must load with); the new ones are written there.
	Dir string
	// DryRun computes everything but writes nothing.
	DryRun bool
}

// Updated is the outcome of Update.
type Updated struct {
	Catalog *Catalog
	// Changes from the tables in Dir (nil when Dir held none that load).
	Changes []vocab.TableChange
	// OldVersion is the release of the tables in Dir ("" when none).
	OldVersion string
	// Written lists the files written, in FileNames order (none on a dry
	// run).
	Written []string
}

// Summary is one line: the release, the counts and what was kept retired.
func (c *Catalog) Summary() string {
	sub := 0
	for _, t := range c.Techniques {
		if strings.Contains(t.ID, ".") {
			sub++
		}
	}
	return fmt.Sprintf("ATT&CK Enterprise v%s (STIX %s): %d tactics, %d techniques (%d sub-techniques), %d mitigations, %d groups, %d software; %d revoked and %d deprecated objects, %d of them kept as retired IDs",
		c.Version, c.Spec, len(c.Tactics), len(c.Techniques), sub, len(c.Mitigations), len(c.Groups), len(c.Software), c.Revoked, c.Deprecated, len(c.Retired))
}

// Update reads the bundle, checks that its tables load (with the sector
// list in Dir), compares them with the tables in Dir and, unless DryRun,
// replaces those tables, each file atomically.
func Update(ctx context.Context, o UpdateOptions) (*Updated, error) {
	rc, err := Open(ctx, o.Bundle)
	if err != nil {
		return nil, err
	}
	c, err := Parse(rc, cmp.Or(o.Version, VersionFromName(o.Bundle)))
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", o.Bundle, err)
	}
	files := c.Files()
	sectors, err := os.ReadFile(filepath.Join(o.Dir, "sectors.tsv"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	next, err := vocab.New(func(name string) (io.ReadCloser, error) {
		if name == "sectors.tsv" {
			return io.NopCloser(bytes.NewReader(sectors)), nil
		}
		return io.NopCloser(bytes.NewReader(files[name])), nil
	})
	if err != nil {
		return nil, fmt.Errorf("the new tables do not load: %w", err)
	}
	u := &Updated{Catalog: c}
	if current, err := vocab.New(func(name string) (io.ReadCloser, error) {
		f, err := os.Open(filepath.Join(o.Dir, name))
		if errors.Is(err, os.ErrNotExist) && name != TacticsFile && name != TechniquesFile {
			// Tables older than the current set lack some files.
			return io.NopCloser(strings.NewReader("")), nil
		}
		return f, err
	}); err == nil {
		u.Changes, u.OldVersion = vocab.Diff(current, next), current.AttackVersion
	}
	if o.DryRun {
		return u, nil
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	for _, name := range FileNames() {
		if err := atomicfile.Write(filepath.Join(o.Dir, name), files[name]); err != nil {
			return nil, err
		}
		u.Written = append(u.Written, name)
	}
	return u, nil
}

// downloadTimeout bounds the download of a bundle (about 45 MB).
const downloadTimeout = 10 * time.Minute

// Open opens a local file or downloads an http(s) URL.
func Open(ctx context.Context, src string) (io.ReadCloser, error) {
	if !strings.HasPrefix(src, "https://") && !strings.HasPrefix(src, "http://") {
		return os.Open(src)
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
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
