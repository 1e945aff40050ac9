package changes

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strings"
	"testing/fstest"
)

// Status is what a change did to a file.
type Status byte

// The statuses git reports that matter here.
const (
	Added    Status = 'A'
	Modified Status = 'M'
	Deleted  Status = 'D'
	Renamed  Status = 'R'
)

func (s Status) String() string {
	switch s {
	case Added:
		return "added"
	case Modified:
		return "changed"
	case Deleted:
		return "removed"
	case Renamed:
		return "moved"
	}
	return string(s)
}

// File is one changed file, with slash paths relative to the project root.
type File struct {
	Status  Status
	Path    string // in the working tree; for Deleted, the path it had
	OldPath string // for Renamed, the path at the base
}

// Diff is what changed between the merge base of a ref and the working tree.
type Diff struct {
	Ref   string // as given
	Base  string // the merge-base commit
	Files []File
}

// git runs git in dir and returns its standard output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return out, nil
}

// gitDiff lists the files changed since the merge base of ref and HEAD,
// including uncommitted and untracked ones, relative to dir.
func gitDiff(ctx context.Context, dir, ref string) (*Diff, error) {
	if strings.HasPrefix(ref, "-") {
		return nil, fmt.Errorf("%q is not a git ref", ref)
	}
	if _, err := git(ctx, dir, "rev-parse", "--show-toplevel"); err != nil {
		return nil, fmt.Errorf("--changed needs a git work tree: %w", err)
	}
	if _, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return nil, fmt.Errorf("git ref '%s' not found; try 'git fetch' or 'git branch -a' (in GitHub Actions, check out with fetch-depth: 0)", ref)
	}
	mb, err := git(ctx, dir, "merge-base", ref, "HEAD")
	if err != nil {
		return nil, fmt.Errorf("no merge base of %s and HEAD (a shallow clone? fetch more history): %w", ref, err)
	}
	d := &Diff{Ref: ref, Base: strings.TrimSpace(string(mb))}

	// --relative limits the diff to dir and makes paths relative to it;
	// -z keeps unusual file names intact.
	out, err := git(ctx, dir, "diff", "--name-status", "-z", "-M", "--relative", "--no-ext-diff", d.Base, "--")
	if err != nil {
		return nil, err
	}
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	for i := 0; i < len(fields) && fields[i] != ""; {
		st := fields[i]
		switch Status(st[0]) {
		case Renamed: // R<score> old new
			if i+2 >= len(fields) {
				return nil, fmt.Errorf("git diff: truncated output")
			}
			d.Files = append(d.Files, File{Status: Renamed, OldPath: fields[i+1], Path: fields[i+2]})
			i += 3
		default:
			if i+1 >= len(fields) {
				return nil, fmt.Errorf("git diff: truncated output")
			}
			s := Status(st[0])
			if s != Added && s != Deleted {
				s = Modified // M, T (type change), U (unmerged)
			}
			d.Files = append(d.Files, File{Status: s, Path: fields[i+1]})
			i += 2
		}
	}

	out, err = git(ctx, dir, "ls-files", "-z", "--others", "--exclude-standard")
	if err != nil {
		return nil, err
	}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			d.Files = append(d.Files, File{Status: Added, Path: p})
		}
	}
	return d, nil
}

// baseContent returns content/ as it was at commit, as an fs.FS rooted
// like the project directory (paths start with "content/").
//
// git archive streams the tree in one process; fstest.MapFS is the standard
// library's complete read-only in-memory fs.FS, which is all pipeline.Check
// needs, so nothing is written to disk.
func baseContent(ctx context.Context, dir, commit string) (fs.FS, error) {
	out := fstest.MapFS{}
	if _, err := git(ctx, dir, "cat-file", "-e", commit+":./content"); err != nil {
		return out, nil // no content/ at the base: everything is new
	}
	data, err := git(ctx, dir, "archive", "--format=tar", commit, "content")
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading git archive: %w", err)
		}
		if h.Typeflag != tar.TypeReg || !fs.ValidPath(h.Name) {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("reading git archive: %w", err)
		}
		out[h.Name] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return out, nil
}
