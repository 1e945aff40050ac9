package render

import (
	"io"
	"path/filepath"
	"regexp"
	"strings"
)

// teller rewrites what Hugo says (its errors and its log) for the author.
// Hugo knows the content only as staged, in a directory that exists in
// memory alone: a staged page becomes the file under content/ it was made
// from (Options.Sources), and every other path of the project becomes
// relative to it. The line and column Hugo gives with a staged page are
// dropped: they count lines of the staged file (its JSON front matter, then
// the body), and when a template fails inside a page's content Hugo repeats
// the template's position there, so they would name the wrong line.
type teller struct {
	project string         // the project directory, with a trailing separator
	staged  string         // the staging directory, with a trailing separator
	page    *regexp.Regexp // a staged content file, with its position
	sources map[string]string
}

func newTeller(projectDir, contentDir string, sources map[string]string) *teller {
	return &teller{
		project: projectDir + string(filepath.Separator),
		staged:  filepath.Join(projectDir, stagedDir) + string(filepath.Separator),
		page:    regexp.MustCompile(regexp.QuoteMeta(contentDir+string(filepath.Separator)) + `([^"\s:]+)(?::\d+(?::\d+)?)?`),
		sources: sources,
	}
}

// tell rewrites the paths in a message.
func (t *teller) tell(msg string) string {
	if !strings.Contains(msg, t.project) {
		return msg
	}
	msg = t.page.ReplaceAllStringFunc(msg, func(m string) string {
		p := filepath.ToSlash(t.page.FindStringSubmatch(m)[1])
		if src, ok := t.sources[p]; ok {
			return src
		}
		return "generated page " + p
	})
	msg = strings.ReplaceAll(msg, t.staged, "generated ")
	return strings.ReplaceAll(msg, t.project, "")
}

// hugoPrefix is what Hugo puts before a failed build's message: its own
// "render: ", already said by the stage that ran it, and the site's
// language, version and role.
var hugoPrefix = regexp.MustCompile(`^render: (?:\[[^\]\n]*\] )?`)

// wrap returns Hugo's error err with its message told for the author.
func (t *teller) wrap(err error) error {
	if err == nil {
		return nil
	}
	return &hugoError{msg: hugoPrefix.ReplaceAllString(t.tell(err.Error()), ""), err: err}
}

// hugoError is an error of Hugo's with the message the author is shown.
type hugoError struct {
	msg string
	err error
}

func (e *hugoError) Error() string { return e.msg }
func (e *hugoError) Unwrap() error { return e.err }

// logWriter tells each line Hugo logs. Hugo's logger writes an entry in one
// call, so a path never straddles two.
type logWriter struct {
	w io.Writer
	t *teller
}

func (l logWriter) Write(p []byte) (int, error) {
	if _, err := io.WriteString(l.w, l.t.tell(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
