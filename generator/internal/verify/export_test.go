package verify

import "bytes"

// For the external tests.
var (
	ScanLinks     = scanLinks
	Refs          = refs
	NoscriptAsDiv = noscriptAsDiv
)

func noscriptAsDiv(data []byte) []byte {
	data = bytes.ReplaceAll(data, []byte("<noscript>"), []byte("<div>"))
	return bytes.ReplaceAll(data, []byte("</noscript>"), []byte("</div>"))
}
