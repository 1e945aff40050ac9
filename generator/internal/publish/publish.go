// Package publish puts a finished site in place atomically.
//
// It accepts the path of the live output directory (public/). Prepare makes
// an empty working directory beside it, on the same filesystem, for a build
// to write into; Swap exchanges the two in one rename(2) (renameat2 with
// RENAME_EXCHANGE where the kernel has it) and removes the old tree; Discard
// removes a working directory after a failed or interrupted build. Until Swap
// succeeds the live directory is not touched, so a reader (or a Netlify
// deploy) sees either the old site or the new one, never a mix. Errors do
// not name the stage: the caller does.
package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

const (
	tmpMarker = ".tmp-"
	oldMarker = ".old-"
)

// Prepare creates an empty working directory beside dest and removes
// working directories that earlier, killed builds left behind.
func Prepare(dest string) (string, error) {
	dest = filepath.Clean(dest)
	parent, base := filepath.Split(dest)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	cleanStale(parent, base)
	tmp, err := os.MkdirTemp(parent, fmt.Sprintf(".%s%s%d-*", base, tmpMarker, os.Getpid()))
	if err != nil {
		return "", err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	return tmp, nil
}

// cleanStale removes working directories whose build process is gone (a
// killed build cannot clean up after itself), and old trees a fallback swap
// left behind when its process died between its two renames.
func cleanStale(parent, base string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, "."+base+tmpMarker):
			if processAlive(n[len(base)+len(tmpMarker)+1:]) {
				continue
			}
		case strings.HasPrefix(n, "."+base+oldMarker):
		default:
			continue
		}
		os.RemoveAll(filepath.Join(parent, n))
	}
}

// Swap makes tmp the live directory dest and removes the previous tree.
func Swap(tmp, dest string) error {
	dest = filepath.Clean(dest)
	if _, err := os.Lstat(dest); errors.Is(err, os.ErrNotExist) {
		if err := os.Rename(tmp, dest); err != nil {
			return err
		}
		return nil
	}
	old := tmp // after an exchange, tmp holds the previous site
	err := unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, dest, unix.RENAME_EXCHANGE)
	if err != nil {
		// No RENAME_EXCHANGE (old kernel, some filesystems): move the old
		// tree aside, then the new one in. A reader may see no directory
		// for the instant between the two renames, never a partial one.
		parent, base := filepath.Split(dest)
		old = filepath.Join(parent, "."+base+oldMarker+filepath.Base(tmp))
		if err := os.Rename(dest, old); err != nil {
			return fmt.Errorf("moving the old site aside: %w", err)
		}
		if err := os.Rename(tmp, dest); err != nil {
			if rerr := os.Rename(old, dest); rerr != nil {
				return fmt.Errorf("%w (and restoring the old site failed: %v)", err, rerr)
			}
			return err
		}
	}
	if err := os.RemoveAll(old); err != nil {
		return fmt.Errorf("removing the previous site: %w", err)
	}
	return nil
}

// Discard removes a working directory.
func Discard(tmp string) {
	if tmp != "" {
		os.RemoveAll(tmp)
	}
}

// processAlive reports whether the process whose PID starts rest ("123-x")
// still exists.
func processAlive(rest string) bool {
	pid, err := strconv.Atoi(strings.SplitN(rest, "-", 2)[0])
	if err != nil || pid <= 0 {
		return false
	}
	if pid == os.Getpid() {
		return true
	}
	return unix.Kill(pid, 0) == nil
}
