package render

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/afero"

	"github.com/threatbriefs/threatbriefs/generator/internal/atomicfile"
	"github.com/threatbriefs/threatbriefs/generator/internal/splice"
)

// destFs is the file system Hugo writes the site through: the disk, with
// three additions.
//
// Hugo's Build takes no context. Its own way to end a build early is its
// fatal-error handler (HugoSites.FatalError), which the page walker checks
// before handing out each page; calling it from outside races with Build
// resetting the handler as it starts. So destFs calls stop, once ctx is done,
// from the writes Hugo makes while rendering (after that reset): Hugo hands
// out no further page, finishes the ones in hand, and Build returns the
// error. The writes themselves still succeed: a failing write is a render
// error, and ten of them deadlock Hugo 0.165's error collector.
//
// frags, when set, are put in place of their markers in every file Hugo
// writes (package splice): the file is held in memory until Hugo closes
// it, then written. A marker frags lacks is not a write error (see above):
// the file is written with it, and failed reports it after the build.
//
// A preview session (keep) also keeps, for each file with markers, the
// file as Hugo wrote it (raw) and, for each marker, the files that hold
// it (users): when only a fragment changes, the session puts it into
// those files again without Hugo (Session.Update).
//
// onWrite, when set, hears of each file written, once it is closed.
type destFs struct {
	afero.Fs
	ctx     context.Context
	stop    func(error)
	onWrite func(path string)
	frags   *splice.Table
	keep    bool

	mu      sync.Mutex
	err     error                      // the first splice error
	raw     map[string][]byte          // keep: file → as Hugo wrote it
	users   map[string]map[string]bool // keep: fragment name → files
	written map[string]bool            // keep: the files Hugo wrote in this build
}

func (d *destFs) Create(name string) (afero.File, error) {
	return d.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

func (d *destFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	writing := flag&(os.O_WRONLY|os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_APPEND) != 0
	if writing && d.stop != nil && d.ctx.Err() != nil {
		d.stop(context.Cause(d.ctx))
	}
	f, err := d.Fs.OpenFile(name, flag, perm)
	if err != nil || !writing || (d.onWrite == nil && d.frags == nil) {
		return f, err
	}
	return &writtenFile{File: f, d: d}, nil
}

// remember keeps what Hugo wrote to name, and which fragments it holds.
func (d *destFs) remember(name string, raw []byte) {
	keys := splice.Keys(raw)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.raw[name] = raw
	d.written[name] = true
	for _, k := range keys {
		if d.users[k] == nil {
			d.users[k] = map[string]bool{}
		}
		d.users[k][name] = true
	}
}

// resplice puts the fragments of next named changed into the files that
// hold them and that Hugo did not write in this build, and returns how
// many files it wrote. Each file is replaced whole (renamed into place),
// as the preview serves the directory meanwhile.
func (d *destFs) resplice(next *splice.Table, changed []string) (int, error) {
	files := map[string]bool{}
	for _, k := range changed {
		for f := range d.users[k] {
			if !d.written[f] {
				files[f] = true
			}
		}
	}
	for f := range files {
		out, err := next.Apply(nil, d.raw[f])
		if err != nil {
			return 0, fmt.Errorf("render: %s: %w", f, err)
		}
		if err := atomicfile.Write(f, out); err != nil {
			return 0, fmt.Errorf("render: %w", err)
		}
	}
	return len(files), nil
}

// failed returns the first marker that had no fragment, if any.
func (d *destFs) failed() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// writtenFile holds what Hugo writes (when there are fragments to put
// in), writes it on Close with the fragments in place, and then tells
// onWrite.
type writtenFile struct {
	afero.File
	d   *destFs
	buf []byte
}

func (f *writtenFile) Write(p []byte) (int, error) {
	if f.d.frags == nil {
		return f.File.Write(p)
	}
	f.buf = append(f.buf, p...)
	return len(p), nil
}

func (f *writtenFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

func (f *writtenFile) Close() error {
	if f.d.frags != nil {
		out := f.buf
		if splice.Has(out) {
			raw := out
			var err error
			if out, err = f.d.frags.Apply(nil, out); err != nil {
				f.d.mu.Lock()
				if f.d.err == nil {
					f.d.err = fmt.Errorf("render: %s: %w", f.Name(), err)
				}
				f.d.mu.Unlock()
			}
			if f.d.keep {
				f.d.remember(f.Name(), raw)
			}
		}
		if _, err := f.File.Write(out); err != nil {
			f.File.Close()
			return err
		}
	}
	err := f.File.Close()
	if err == nil && f.d.onWrite != nil {
		f.d.onWrite(f.Name())
	}
	return err
}
