// Package serve previews a project on a local address and rebuilds it when
// its sources change.
//
// It accepts pipeline options and a listen address. It builds the site into
// a private directory (never the project's public/), serves it over HTTP,
// watches content/, layouts/, assets/ and config.toml with fsnotify, and
// after each change rebuilds and tells open pages to reload through a
// Server-Sent Events stream at /__livereload (the site's livereload.js, only
// included in preview builds, listens to it) as soon as the pages are
// written; the exports (feeds, STIX, MISP, search index...) follow in the
// background, each file replaced whole, and a newer change stops them and
// has them written afresh (see rebuild). A failed rebuild keeps the last
// good site on screen and shows the error in the page and the terminal. A
// page the last good build no longer has (a brief deleted, or held back
// until its date) is removed, never served stale; the URL of a held-back
// brief says why it is missing, as the terminal does.
package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"io/fs"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
)

// Options configures the preview server.
type Options struct {
	Pipeline pipeline.Options
	Addr     string    // listen address, e.g. 127.0.0.1:1313
	Out      io.Writer // progress and errors
	// Ready, when set, receives the base URL once the first build is
	// served and the sources are watched: a change made after that is
	// rebuilt.
	Ready chan<- string
}

// WatchedPaths are the project paths whose changes trigger a rebuild.
var watchedPaths = []string{"content", "layouts", "assets", "config.toml"}

// Run serves until ctx is done.
func Run(ctx context.Context, o Options) error {
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer ln.Close()
	base := "http://" + ln.Addr().String() + "/"

	workDir, err := os.MkdirTemp("", "threatbriefs-serve-*")
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer os.RemoveAll(workDir)
	po := o.Pipeline
	// Absolute, so the watcher names changed files the way Hugo does.
	if po.ProjectDir, err = filepath.Abs(po.ProjectDir); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	po.Destination = filepath.Join(workDir, "public")
	po.BaseURL = base
	po.Preview = true
	if po.Environment == "" {
		po.Environment = "development"
	}

	s := &server{out: o.Out, dir: po.Destination, clients: map[chan string]bool{}}
	defer func() { s.session.Close() }()
	defer s.stopExports() // before the session closes

	// Watch before the first build, so no change made while it runs is
	// missed, and before saying the server is ready.
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer w.Close()
	for _, p := range watchedPaths {
		addTree(w, filepath.Join(po.ProjectDir, p))
	}
	// The config file is watched through its directory: editors replace it
	// by rename, which drops a watch on the file itself.
	w.Add(po.ProjectDir)

	s.rebuild(ctx, po, nil)

	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	fmt.Fprintf(o.Out, "Serving on %s (Ctrl+C to stop)\n", base)
	if o.Ready != nil {
		o.Ready <- base
	}

	var timer *time.Timer
	fire := make(chan struct{}, 1)
	changed := map[string]bool{} // since the last rebuild
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev := <-w.Events:
			if !relevant(po.ProjectDir, ev.Name) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
					addTree(w, ev.Name)
				}
			}
			changed[ev.Name] = true
			// Editors write a file in several events: wait for quiet.
			if timer != nil {
				timer.Stop()
			}
			timer = time.AfterFunc(50*time.Millisecond, func() {
				select {
				case fire <- struct{}{}:
				default:
				}
			})
		case <-fire:
			s.rebuild(ctx, po, slices.Sorted(maps.Keys(changed)))
			clear(changed)
		case err := <-w.Errors:
			fmt.Fprintf(o.Out, "watch: %v\n", err)
		}
	}
}

func relevant(root, name string) bool {
	rel, err := filepath.Rel(root, name)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	base := filepath.Base(name)
	if strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") {
		return false
	}
	for _, p := range watchedPaths {
		if rel == p || strings.HasPrefix(rel, p+"/") {
			return true
		}
	}
	return false
}

func addTree(w *fsnotify.Watcher, root string) {
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			w.Add(p)
		}
		return nil
	})
}

type server struct {
	out     io.Writer
	dir     string
	session *pipeline.Session // nil until a first build succeeds
	// pages are the brief and term pages (site paths) of the last good
	// build, so the next one can delete the pages it no longer has (Hugo
	// leaves files it no longer renders where they are).
	pages map[string]bool

	mu      sync.Mutex
	clients map[chan string]bool
	lastErr string
	// heldBack maps the site path of each brief held back until its date
	// to check's warning about it, shown in place of its page.
	heldBack map[string]string

	// exports is the run writing the exports of the last rebuild, after
	// the reload, if one was started; staleExports says the exports on
	// disk are not all of the last good build (a run was stopped for a
	// newer save, or failed). Both belong to the goroutine that rebuilds;
	// staleExports is written by the run until it is done.
	exports      exportRun
	staleExports bool
}

// exportRun is one pipeline.Session.Exports in the background.
type exportRun struct {
	stop context.CancelFunc
	done chan struct{} // closed when it has returned
}

// rebuild builds the site: in full the first time, then only what changed
// (pipeline.Session), given the paths of the changed files. A failed render
// drops the session so the next change starts afresh; a validation error
// keeps it (nothing was rendered). So does a change to config.toml, which
// Hugo reads only when a session opens.
//
// The exports (feeds, STIX, search index...) are written after the open
// pages are told to reload, in the background: a page does not wait for
// files it does not show. A save that comes while they are being written
// stops them (they must not be written while Hugo renders into the same
// directory), and the rebuild writes them afresh; when that rebuild fails,
// those of the last good build are written again, so the exports on disk
// are always those of one build once the writing ends. Each is replaced
// whole: a page that fetches one meanwhile gets the old file or the new.
func (s *server) rebuild(ctx context.Context, po pipeline.Options, changed []string) {
	start := time.Now()
	s.stopExports()
	var res *pipeline.Result
	var err error
	if slices.Contains(changed, filepath.Join(po.ProjectDir, "config.toml")) && s.session != nil {
		s.session.Close()
		s.session = nil
	}
	rebuilt := s.session != nil
	if s.session == nil {
		s.session, res, err = pipeline.Open(ctx, po)
	} else {
		res, err = s.session.Rebuild(ctx, changed)
		if err != nil && !errors.Is(err, pipeline.ErrInvalid) {
			s.session.Close()
			s.session = nil
		}
	}
	if err == nil {
		s.prune(res)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.lastErr = err.Error()
		fmt.Fprintf(s.out, "build failed:\n%s\n", err)
		s.broadcast("error:" + strings.ReplaceAll(s.lastErr, "\n", "\\n"))
		if s.session != nil && s.staleExports {
			s.startExports(ctx)
		}
		return
	}
	s.lastErr = ""
	// Say once, when it starts, that a brief is held back: its page is
	// gone from the preview.
	held := map[string]string{}
	for _, b := range res.HeldBack {
		p := "/briefs/" + b.Slug + "/"
		held[p] = b.File + ": " + res.HeldBackNote(b)
		if _, before := s.heldBack[p]; !before {
			fmt.Fprintln(s.out, held[p])
		}
	}
	s.heldBack = held
	fmt.Fprintf(s.out, "built %d briefs, %d pages in %s\n", len(res.Published), res.Pages, time.Since(start).Round(time.Millisecond))
	s.broadcast("reload")
	if rebuilt {
		// The pages are on screen; now bring feeds and exports up to date
		// (Open already wrote them for the first build).
		s.startExports(ctx)
	} else {
		s.staleExports = false
	}
}

// startExports writes the exports of the session's last good build in the
// background.
func (s *server) startExports(ctx context.Context) {
	ectx, stop := context.WithCancel(ctx)
	run := exportRun{stop: stop, done: make(chan struct{})}
	s.exports, s.staleExports = run, true
	session := s.session
	go func() {
		defer close(run.done)
		err := session.Exports(ectx)
		switch {
		case err == nil:
			s.staleExports = false
		case ectx.Err() != nil:
			// Stopped for a newer save, or serve is stopping.
		default:
			s.mu.Lock() // s.out is shared with the rebuilds
			fmt.Fprintf(s.out, "exports failed: %v\n", err)
			s.mu.Unlock()
		}
	}()
}

// stopExports stops the background exports, if they are running, and
// returns once they have.
func (s *server) stopExports() {
	if s.exports.done == nil {
		return
	}
	s.exports.stop()
	<-s.exports.done
	s.exports = exportRun{}
}

// prune deletes the pages of the previous build that this one no longer
// has (a brief deleted, held back or above the TLP ceiling now, a term no
// brief names any more), with the files beside them (feeds, exports), so
// the preview never serves a stale copy.
func (s *server) prune(res *pipeline.Result) {
	pages := map[string]bool{}
	if res.Index != nil {
		for _, e := range res.Index.Entries {
			pages[e.URL] = true
		}
		for _, terms := range res.Index.Terms {
			for _, t := range terms {
				pages[t.URL] = true
			}
		}
	}
	for p := range s.pages {
		if !pages[p] {
			if err := os.RemoveAll(filepath.Join(s.dir, filepath.FromSlash(p))); err != nil {
				fmt.Fprintf(s.out, "removing %s: %v\n", p, err)
			}
		}
	}
	s.pages = pages
}

// broadcast sends an event to every connected page; s.mu is held.
func (s *server) broadcast(msg string) {
	for c := range s.clients {
		select {
		case c <- msg:
		default:
		}
	}
}

func (s *server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/__livereload", s.events)
	files := http.FileServer(http.Dir(s.dir))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		p := filepath.Join(s.dir, filepath.FromSlash(r.URL.Path))
		st, err := os.Stat(p)
		if err == nil && st.IsDir() {
			// A directory is a page only with its index.html; never list one.
			_, err = os.Stat(filepath.Join(p, "index.html"))
		}
		if errors.Is(err, fs.ErrNotExist) {
			s.notFound(w, r.URL.Path)
			return
		}
		files.ServeHTTP(w, r)
	})
	return mux
}

// notFound answers for a page the preview does not have: the site's 404
// page, saying why when serve knows: the brief at path is held back until
// its date, or no build has succeeded yet (then there is no site at all,
// only the error, on a page that reloads once a build succeeds).
func (s *server) notFound(w http.ResponseWriter, path string) {
	s.mu.Lock()
	notice := s.heldBack[path]
	if s.pages == nil && s.lastErr != "" {
		notice = "Build failed; nothing to show yet.\n\n" + s.lastErr
	}
	s.mu.Unlock()
	page, err := os.ReadFile(filepath.Join(s.dir, "404.html"))
	if err != nil {
		page = []byte("<!doctype html><html lang=en><meta charset=utf-8><title>Threat Briefs preview</title>" +
			`<script>new EventSource("/__livereload").onmessage = e => { if (e.data === "reload") location.reload() }</script><body></body></html>`)
	}
	if notice != "" {
		banner := `<pre class="build-error" role="alert">` + html.EscapeString(notice) + "</pre>"
		if i := bytes.Index(page, []byte("<body")); i >= 0 {
			if j := bytes.IndexByte(page[i:], '>'); j >= 0 {
				page = slices.Concat(page[:i+j+1], []byte(banner), page[i+j+1:])
			}
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(page)
}

func (s *server) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	c := make(chan string, 4)
	s.mu.Lock()
	s.clients[c] = true
	if s.lastErr != "" {
		c <- "error:" + strings.ReplaceAll(s.lastErr, "\n", "\\n")
	}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, c)
		s.mu.Unlock()
	}()
	fmt.Fprint(w, ": connected\n\n")
	fl.Flush()
	for {
		select {
		case <-r.Context().Done():
			return
		case msg := <-c:
			fmt.Fprintf(w, "data: %s\n\n", msg)
			fl.Flush()
		}
	}
}
