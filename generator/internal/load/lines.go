package load

import "strings"

// yamlBreaks are the characters YAML 1.1 parsers (yaml.v2 and yaml.v3 alike)
// also end a line at, besides "\n": NEL, LINE SEPARATOR, PARAGRAPH
// SEPARATOR. Editors do not, so the parsers' line numbers run ahead of the
// file's after one of them.
const yamlBreaks = "\u0085\u2028\u2029"

// fileLines returns a function from a line number as the YAML parsers count
// it in text to the line of text an editor shows (both 1-based).
func fileLines(text string) func(int) int {
	if !strings.ContainsAny(text, yamlBreaks) {
		return func(n int) int { return n }
	}
	var toFile []int // toFile[yamlLine-1] = file line
	line := 1
	toFile = append(toFile, line)
	for _, r := range text {
		switch {
		case r == '\n':
			line++
			toFile = append(toFile, line)
		case strings.ContainsRune(yamlBreaks, r):
			toFile = append(toFile, line)
		}
	}
	return func(n int) int {
		if n < 1 {
			return n
		}
		if n > len(toFile) {
			return line
		}
		return toFile[n-1]
	}
}
