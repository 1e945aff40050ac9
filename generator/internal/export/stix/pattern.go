package stix

import (
	"fmt"
	"strings"
)

// objectPaths maps each IOC type a brief may carry (brief.IOCTypes) to the
// STIX cyber-observable object path its value is compared with. Hash
// algorithm names with a hyphen are quoted, as the patterning grammar
// requires for a path component that is not an identifier.
var objectPaths = map[string]string{
	"ipv4":     "ipv4-addr:value",
	"ipv6":     "ipv6-addr:value",
	"domain":   "domain-name:value",
	"url":      "url:value",
	"md5":      "file:hashes.MD5",
	"sha1":     "file:hashes.'SHA-1'",
	"sha256":   "file:hashes.'SHA-256'",
	"email":    "email-addr:value",
	"filename": "file:name",
}

// Pattern returns the STIX pattern that matches an IOC of a type:
// [ipv4-addr:value = '203.0.113.44'].
func Pattern(iocType, value string) (string, error) {
	p, ok := objectPaths[iocType]
	if !ok {
		return "", fmt.Errorf("stix: no STIX pattern for IOC type %q", iocType)
	}
	return "[" + p + " = " + quote(value) + "]", nil
}

// quote writes a STIX pattern string literal: single quotes, with a quote
// or a backslash inside escaped by a backslash.
func quote(s string) string {
	return "'" + quoter.Replace(s) + "'"
}

var quoter = strings.NewReplacer(`\`, `\\`, `'`, `\'`)
