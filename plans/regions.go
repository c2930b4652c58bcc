package plans

import (
	"bytes"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// Documentation sites wrap parts of a page in containers that CommonMark
// does not know: MkDocs admonitions ("!!! danger "Rolling back"") and
// content tabs ("=== "Docker""), Docusaurus admonitions (":::danger Roll
// back" … ":::"), MDX tabs (<TabItem label="Debian">) and HTML <details>
// with a <summary>. A person reads their bodies as Markdown and their
// titles as what the part is: a note, one of several ways of doing a step,
// or the way back. preprocess finds them, keeps their bodies readable as
// Markdown with the same line numbers, and records them as regions.

// regionKind is what a container is to a reader.
type regionKind int

const (
	regionNote     regionKind = iota + 1 // an admonition or <details> that is a remark
	regionRollback                       // a container titled as the way back ("Rolling back")
	regionAlt                            // one of several ways: a content tab, an MDX TabItem
)

// region is a container's extent in plan lines (1-based, inclusive).
type region struct {
	kind       regionKind
	start, end int
	title      string
	// set is the line of the first container of a run of tabs: tabs with
	// the same set are ways of the same thing.
	set int
}

// admonitionRE matches the opening line of a MkDocs / Python-Markdown
// admonition (!!! note), a collapsible one (??? / ???+) or a content tab
// (=== "Tab"), at the start of a line.
var admonitionRE = lazyre.New(`^(?:(?:!!!|\?\?\?\+?)[ \t]+\w|===\+?[ \t]+")`)

var (
	admonTitleRE  = lazyre.New(`^(?:!!!|\?\?\?\+?)[ \t]+([\w-]+)(?:[ \t]+"([^"]*)")?`)
	tabTitleRE    = lazyre.New(`^===\+?[ \t]+"([^"]*)"`)
	docuOpenRE    = lazyre.New(`^(:{3,})[ \t]*([A-Za-z][\w-]*)(?:\[([^\]]*)\])?[ \t]*(.*)$`)
	docuCloseRE   = lazyre.New(`^(:{3,})[ \t]*$`)
	detailsOpenRE = lazyre.New(`(?i)^[ \t]*<details\b`)
	detailsEndRE  = lazyre.New(`(?i)</details>`)
	summaryRE     = lazyre.New(`(?i)<summary[^>]*>(.*?)</summary>`)
	tabItemRE     = lazyre.New(`(?i)^[ \t]*<TabItem\b[^>]*?\blabel=["{]?["']?([^"'}>]*)`)
	tabItemEndRE  = lazyre.New(`(?i)</TabItem>`)
	tabsOpenRE    = lazyre.New(`(?i)^[ \t]*<Tabs\b`)
	mdxImportRE   = lazyre.New(`^import\s+[\w{}, ]+\s+from\s+['"][^'"]+['"];?\s*$`)
	tagRE         = lazyre.New(`<[^>]*>`)
)

// preprocess un-indents the bodies of MkDocs admonitions and content tabs
// by four columns (so a ```bash fence inside one is a fence, not an
// indented code block), blanks the opening lines of admonitions and tabs,
// the marker lines of Docusaurus admonitions and MDX imports, and returns
// the containers it saw. Lines keep their
// numbers. Fenced code is left alone.
func preprocess(src []byte) ([]byte, []region) {
	if !bytes.Contains(src, []byte("!!!")) && !bytes.Contains(src, []byte("???")) && !bytes.Contains(src, []byte("===")) &&
		!bytes.Contains(src, []byte(":::")) && !bytes.Contains(src, []byte("<details")) && !bytes.Contains(src, []byte("<TabItem")) &&
		!bytes.Contains(src, []byte("import ")) {
		return src, nil
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	out := make([]byte, 0, len(src))
	var regions []region
	var mk *region // the open MkDocs admonition or tab
	var docu []int // indexes into regions of open Docusaurus blocks
	var docuColons []int
	details, tabItem := -1, -1
	tabSet := 0
	lastTabEnd := -1
	fence := ""
	blank := func(l []byte) []byte {
		if bytes.HasSuffix(l, []byte("\r\n")) {
			return []byte("\r\n")
		}
		if bytes.HasSuffix(l, []byte("\n")) {
			return []byte("\n")
		}
		return nil
	}
	for i, l := range lines {
		ln := i + 1
		t := strings.TrimRight(string(l), "\r\n")
		trim := strings.TrimLeft(t, " ")
		// An open MkDocs container continues with indented or blank lines.
		if mk != nil && fence == "" {
			switch {
			case strings.TrimSpace(t) == "":
				out = append(out, l...)
				continue
			case strings.HasPrefix(t, "    "):
				l, t = l[4:], t[4:]
				trim = strings.TrimLeft(t, " ")
				mk.end = ln
			case strings.HasPrefix(t, "\t"):
				l, t = l[1:], t[1:]
				trim = strings.TrimLeft(t, " ")
				mk.end = ln
			default:
				if mk.kind == regionAlt {
					lastTabEnd = ln
				}
				mk = nil
			}
		} else if mk != nil && (strings.HasPrefix(t, "    ") || strings.HasPrefix(t, "\t")) {
			// A fence inside a container: keep un-indenting it.
			if strings.HasPrefix(t, "\t") {
				l, t = l[1:], t[1:]
			} else {
				l, t = l[4:], t[4:]
			}
			trim = strings.TrimLeft(t, " ")
			mk.end = ln
		}
		if f := fenceMarker(trim); f != "" {
			switch {
			case fence == "":
				fence = f
			case strings.HasPrefix(f, fence[:1]) && len(f) >= len(fence) && strings.TrimSpace(trim[len(f):]) == "":
				fence = ""
			}
			out = append(out, l...)
			continue
		}
		if fence != "" {
			out = append(out, l...)
			continue
		}
		switch {
		case admonitionRE.MatchString(t):
			r := region{kind: regionNote, start: ln, end: ln}
			if m := tabTitleRE.FindStringSubmatch(t); m != nil {
				r.kind, r.title = regionAlt, m[1]
				if lastTabEnd < 0 || lastTabEnd < ln-1 && !onlyBlank(lines[lastTabEnd:i]) {
					tabSet = ln
				}
				r.set = tabSet
			} else if m := admonTitleRE.FindStringSubmatch(t); m != nil {
				r.title = m[2]
				if isRollbackIntro(r.title) {
					r.kind = regionRollback
				}
			}
			regions = append(regions, r)
			mk = &regions[len(regions)-1]
			// The opener is the container's title, not prose: blank it so
			// it is no lead of the block inside.
			out = append(out, blank(l)...)
			continue
		case docuOpenRE.MatchString(trim) && !docuCloseRE.MatchString(trim):
			m := docuOpenRE.FindStringSubmatch(trim)
			title := strings.TrimSpace(m[3])
			if title == "" {
				title = strings.TrimSpace(m[4])
			}
			r := region{kind: regionNote, start: ln, end: ln, title: title}
			if isRollbackIntro(title) {
				r.kind = regionRollback
			}
			regions = append(regions, r)
			docu = append(docu, len(regions)-1)
			docuColons = append(docuColons, len(m[1]))
			out = append(out, blank(l)...)
			continue
		case len(docu) > 0 && docuCloseRE.MatchString(trim):
			k := len(docu) - 1
			regions[docu[k]].end = ln
			docu, docuColons = docu[:k], docuColons[:k]
			out = append(out, blank(l)...)
			continue
		case detailsOpenRE.MatchString(t):
			title := ""
			for j := i; j < len(lines) && j < i+3; j++ {
				if m := summaryRE.FindStringSubmatch(string(lines[j])); m != nil {
					title = strings.TrimSpace(tagRE.ReplaceAllString(m[1], ""))
					break
				}
			}
			r := region{kind: regionNote, start: ln, end: len(lines), title: title}
			if isRollbackIntro(title) {
				r.kind = regionRollback
			}
			regions = append(regions, r)
			details = len(regions) - 1
		case details >= 0 && detailsEndRE.MatchString(t):
			regions[details].end = ln
			details = -1
		case tabsOpenRE.MatchString(t):
			tabSet = ln
		case tabItemRE.MatchString(t):
			m := tabItemRE.FindStringSubmatch(t)
			if tabSet == 0 {
				tabSet = ln
			}
			regions = append(regions, region{kind: regionAlt, start: ln, end: len(lines), title: m[1], set: tabSet})
			tabItem = len(regions) - 1
		case tabItem >= 0 && tabItemEndRE.MatchString(t):
			regions[tabItem].end = ln
			tabItem = -1
		case mdxImportRE.MatchString(t):
			out = append(out, blank(l)...)
			continue
		}
		out = append(out, l...)
	}
	sortRegions(regions)
	return out, regions
}

func onlyBlank(ls [][]byte) bool {
	for _, l := range ls {
		if len(bytes.TrimSpace(l)) > 0 {
			return false
		}
	}
	return true
}

// fenceMarker is the run of ``` or ~~~ that opens a line, "" if none.
func fenceMarker(t string) string {
	if !strings.HasPrefix(t, "```") && !strings.HasPrefix(t, "~~~") {
		return ""
	}
	c := t[0]
	n := 0
	for n < len(t) && t[n] == c {
		n++
	}
	return t[:n]
}

// sortRegions orders regions by start line (insertion sort: they come
// nearly sorted, nested ones right after their parent).
func sortRegions(rs []region) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].start < rs[j-1].start; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

// dedentAdmonitions is preprocess without the regions, for tests.
func dedentAdmonitions(src []byte) []byte {
	out, _ := preprocess(src)
	return out
}
