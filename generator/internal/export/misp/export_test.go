package misp

import (
	"bytes"
	"encoding/json"

	"github.com/threatbriefs/threatbriefs/generator/internal/index"
	"github.com/threatbriefs/threatbriefs/generator/internal/vocab"
)

// EventEncodings returns, for each brief of ix, its event file as Write
// writes it (encodeEvent) and as encoding/json writes the event.
func EventEncodings(ix *index.Index, v *vocab.Vocab, baseURL string) (fast, slow [][]byte, err error) {
	s, err := newSite(v, baseURL, "T")
	if err != nil {
		return nil, nil, err
	}
	if err := s.prepare(ix); err != nil {
		return nil, nil, err
	}
	for _, e := range ix.Entries {
		ev := s.event(e)
		var a, b bytes.Buffer
		enc := json.NewEncoder(&a)
		enc.SetEscapeHTML(false)
		if err := s.encodeEvent(&a, enc, ev); err != nil {
			return nil, nil, err
		}
		ref := json.NewEncoder(&b)
		ref.SetEscapeHTML(false)
		if err := ref.Encode(eventFile{ev}); err != nil {
			return nil, nil, err
		}
		fast, slow = append(fast, a.Bytes()), append(slow, bytes.TrimSuffix(b.Bytes(), []byte("\n")))
	}
	return fast, slow, nil
}
