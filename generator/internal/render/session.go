package render

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
	"github.com/spf13/afero"

	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
)

// Session keeps one Hugo site in memory between builds, for the preview
// server. The first build renders everything; Update then writes only the
// staged files whose bytes changed and hands Hugo the matching file events,
// so Hugo re-renders the pages that depend on them rather than the whole
// library. A session renders in place into its PublishDir (no atomic swap:
// it is a preview) and is not safe for concurrent use.
type Session struct {
	s    *site
	dest *destFs
	seen map[string][sha256.Size]byte // path under the staged root → hash
}

// Open stages o's files and renders them once.
func Open(o Options) (*Session, Stats, error) {
	ss := &Session{seen: map[string][sha256.Size]byte{}}
	ss.remember("content", o.Content)
	ss.remember("data", o.Data)
	ss.dest = &destFs{Fs: afero.NewOsFs(), ctx: context.Background(), frags: o.Fragments, keep: true,
		raw: map[string][]byte{}, users: map[string]map[string]bool{}, written: map[string]bool{}}
	s, err := newSite(o, true, ss.dest)
	if err != nil {
		return nil, Stats{}, err
	}
	ss.s = s
	st, err := ss.build()
	return ss, st, err
}

// Close releases the Hugo site (its cache and the goroutine that manages
// it). The session cannot be used afterwards.
func (ss *Session) Close() error {
	if ss == nil || ss.s == nil {
		return nil
	}
	return ss.s.sites.Close()
}

func (ss *Session) remember(root string, files map[string][]byte) {
	for name, data := range files {
		ss.seen[root+"/"+name] = sha256.Sum256(data)
	}
}

// Update stages a complete new set of files and re-renders what changed:
// the staged files whose bytes differ, and the project files (templates,
// assets) named in changed, as absolute paths. sources are the new set's
// Options.Sources, frags its Options.Fragments. A page whose staged bytes
// are the same but whose fragments changed (a term page listing a brief
// whose title changed) is not rendered again: the session writes it again
// with its new fragments. It reports how many staged files and pages
// changed.
func (ss *Session) Update(content, data map[string][]byte, sources map[string]string, frags *splice.Table, changed []string) (Stats, int, error) {
	ss.s.teller.sources = sources
	old := ss.dest.frags
	ss.dest.frags = frags
	// What Hugo writes in this update has the new fragments; resplice
	// writes the rest, even when Hugo writes nothing.
	ss.dest.mu.Lock()
	ss.dest.written = map[string]bool{}
	ss.dest.mu.Unlock()
	var events []fsnotify.Event
	for _, p := range changed {
		op := fsnotify.Write
		if _, err := os.Stat(p); err != nil {
			op = fsnotify.Remove
		}
		events = append(events, fsnotify.Event{Name: p, Op: op})
	}
	next := map[string][sha256.Size]byte{}
	for _, set := range []struct {
		root, dir string
		files     map[string][]byte
	}{{"content", ss.s.contentDir, content}, {"data", ss.s.dataDir, data}} {
		changed := map[string][]byte{}
		for name, b := range set.files {
			key := set.root + "/" + name
			h := sha256.Sum256(b)
			next[key] = h
			old, existed := ss.seen[key]
			if existed && old == h {
				continue
			}
			changed[name] = b
			op := fsnotify.Write
			if !existed {
				op = fsnotify.Create
			}
			events = append(events, fsnotify.Event{Name: filepath.Join(set.dir, filepath.FromSlash(name)), Op: op})
		}
		if err := ss.s.write(set.dir, changed); err != nil {
			return Stats{}, 0, fmt.Errorf("staging: %w", err)
		}
	}
	for key := range ss.seen {
		if _, still := next[key]; still {
			continue
		}
		root, name, _ := strings.Cut(key, "/")
		dir := ss.s.contentDir
		if root == "data" {
			dir = ss.s.dataDir
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := ss.s.mem.Remove(p); err != nil {
			return Stats{}, 0, fmt.Errorf("staging: %w", err)
		}
		events = append(events, fsnotify.Event{Name: p, Op: fsnotify.Remove})
	}
	ss.seen = next
	var st Stats
	if len(events) > 0 {
		var err error
		if st, err = ss.build(events...); err != nil {
			return st, len(events), err
		}
	}
	n := 0
	if old != nil && frags != nil {
		var err error
		if n, err = ss.dest.resplice(frags, old.Changed(frags)); err != nil {
			return st, len(events) + n, err
		}
	}
	return st, len(events) + n, nil
}

// build renders and reports a marker that had no fragment (see destFs).
func (ss *Session) build(events ...fsnotify.Event) (Stats, error) {
	ss.dest.mu.Lock()
	ss.dest.err = nil
	ss.dest.mu.Unlock()
	st, err := ss.s.build(events...)
	if err == nil {
		err = ss.dest.failed()
	}
	return st, err
}
