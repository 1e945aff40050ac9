package pipeline

import (
	"github.com/threatbriefs/threatbriefs/generator/internal/export"
	"github.com/threatbriefs/threatbriefs/generator/internal/export/exporters"
	"github.com/threatbriefs/threatbriefs/generator/internal/postprocess"
	"github.com/threatbriefs/threatbriefs/generator/internal/render"
)

// exportAll is the post-process stage of a build and of the preview: every
// exporter (exporters.All) over the checked index, for the site Hugo
// rendered into dir. The preview passes the postprocess.Options of a
// directory being served; a build the zero Options.
func exportAll(dir string, c *Checked, st render.Stats, baseURL string, o postprocess.Options) error {
	s := &export.Site{Index: c.Index, Vocab: c.Vocab, BaseURL: baseURL, Title: st.Title, Language: st.Language}
	return postprocess.RunWith(dir, s, exporters.All(), o)
}
