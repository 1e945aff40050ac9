package main

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/threatbriefs/threatbriefs/generator/internal/pipeline"
	"github.com/threatbriefs/threatbriefs/generator/internal/sitetest"
)

// The example site is built once per test binary for each way the tests
// that only read it need it, as Hugo's own tests share one built site
// among many assertions: a full build of the example site is most of what
// each such test costs. Tests that change a site build their own.
var examples struct {
	sync.Mutex
	tmp     string
	served  *served // built for its server's URL, behind netlify.toml's rules
	public  string  // built with the project's own options
	cleanup []func()
}

// exampleServed is the example site built for, and served by, an HTTP
// server answering as Netlify does (see serveSite). Read it; do not
// rebuild it.
func exampleServed(t *testing.T) *served {
	t.Helper()
	examples.Lock()
	defer examples.Unlock()
	if examples.served == nil {
		s := &served{dir: filepath.Join(exampleTemp(t), "served")}
		s.srv = httptest.NewUnstartedServer(sitetest.ReadNetlify(t).Handler(s.dir))
		s.rebuild(t, sitetest.RepoRoot(t))
		s.srv.Start()
		examples.cleanup = append(examples.cleanup, s.srv.Close)
		examples.served = s
	}
	return examples.served
}

// examplePublic is the directory of the example site built as `build`
// builds it, with the project's own base URL. Read it; do not write to it.
func examplePublic(t *testing.T) string {
	t.Helper()
	examples.Lock()
	defer examples.Unlock()
	if examples.public == "" {
		dest := filepath.Join(exampleTemp(t), "public")
		if _, err := pipeline.Build(context.Background(), pipeline.Options{ProjectDir: sitetest.RepoRoot(t), Destination: dest}); err != nil {
			t.Fatal(err)
		}
		examples.public = dest
	}
	return examples.public
}

// exampleTemp is the directory shared builds go to; examples.Lock is held.
func exampleTemp(t *testing.T) string {
	if examples.tmp == "" {
		dir, err := os.MkdirTemp("", "threatbriefs-generator-test-*")
		if err != nil {
			t.Fatal(err)
		}
		examples.tmp = dir
		examples.cleanup = append(examples.cleanup, func() { os.RemoveAll(dir) })
	}
	return examples.tmp
}

// removeExamples stops the shared servers and removes the shared builds,
// once every test has run.
func removeExamples() {
	examples.Lock()
	defer examples.Unlock()
	for i := len(examples.cleanup) - 1; i >= 0; i-- {
		examples.cleanup[i]()
	}
}
