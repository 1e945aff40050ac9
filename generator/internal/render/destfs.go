package render

import (
	"context"
	"os"

	"github.com/spf13/afero"
)

// destFs is the file system Hugo writes the site through: the disk, with
// two additions.
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
// onWrite, when set, hears of each file written, once it is closed.
type destFs struct {
	afero.Fs
	ctx     context.Context
	stop    func(error)
	onWrite func(path string)
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
	if err != nil || !writing || d.onWrite == nil {
		return f, err
	}
	return &writtenFile{File: f, onClose: d.onWrite}, nil
}

// writtenFile calls onClose with its name once closed.
type writtenFile struct {
	afero.File
	onClose func(path string)
}

func (f *writtenFile) Close() error {
	err := f.File.Close()
	if err == nil {
		f.onClose(f.Name())
	}
	return err
}
