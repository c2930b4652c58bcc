package model

import "regexp"

// userinfo matches the password of a URL or DSN ("postgres://app:PW@db").
var userinfo = regexp.MustCompile(`(://[^:/@\s]+:)[^@\s]+@`)

// redact hides secrets in every string a snapshot carries, so that no
// message reaches a view without passing through it. It will defer to
// probes.Redact (DSNs, URLs, headers, tokens) once that lands.
func redact(s string) string { return userinfo.ReplaceAllString(s, "${1}***@") }
