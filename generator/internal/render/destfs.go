package render

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/spf13/afero"

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
// onWrite, when set, hears of each file written, once it is closed.
type destFs struct {
	afero.Fs
	ctx     context.Context
	stop    func(error)
	onWrite func(path string)
	frags   *splice.Table

	mu  sync.Mutex
	err error // the first splice error
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
			var err error
			if out, err = f.d.frags.Apply(make([]byte, 0, 2*len(out)), out); err != nil {
				f.d.mu.Lock()
				if f.d.err == nil {
					f.d.err = fmt.Errorf("render: %s: %w", f.Name(), err)
				}
				f.d.mu.Unlock()
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
