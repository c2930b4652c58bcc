package spec

import (
	"strings"
	"testing"
)

// TestCheckUnitName follows systemd's unit-name rules, and refuses every
// name systemctl would read as an option.
func TestCheckUnitName(t *testing.T) {
	tests := []struct {
		name string
		want string // "" for valid, else a part of the error
	}{
		{"postgresql", ""},
		{"postgresql.service", ""},
		{"postgresql@14-main.service", ""},
		{"getty@tty1", ""},
		{"foo@.service", ""}, // a template
		{"-.mount", ""},      // the root file system
		{"-.slice", ""},      // the root slice
		{"dev-disk-by\\x2duuid-1234.device", ""},
		{"sys-fs-fuse-connections.mount", ""},
		{"app:worker_1.timer", ""},
		{"nginx.conf", ""}, // systemctl reads it as nginx.conf.service
		{strings.Repeat("a", 247), ""},

		{"", "empty"},
		{"-Hhost", `starts with "-"`},
		{"-Huser@host", `starts with "-"`},
		{"--host=evil", `starts with "-"`},
		{"-M", `starts with "-"`},
		{"--", `starts with "-"`},
		{"-x.service", `starts with "-"`},
		{"a b", `' ' is not allowed`},
		{"a;reboot", `';' is not allowed`},
		{"a/b", `'/' is not allowed`},
		{"$(id)", `'$' is not allowed`},
		{"app\n-H", `'\n' is not allowed`},
		{"café", "is not allowed"},
		{"@foo.service", `nothing before`},
		{".service", `nothing before`},
		{strings.Repeat("a", 248), "more than the 255"},
	}
	for _, tt := range tests {
		err := CheckUnitName(tt.name)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckUnitName(%q) = %v, want valid", tt.name, err)
		case tt.want != "" && err == nil:
			t.Errorf("CheckUnitName(%q) = nil, want an error with %q", tt.name, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("CheckUnitName(%q) = %v, want one with %q", tt.name, err, tt.want)
		}
	}
}
