package main

import (
	"context"
	"strings"
	"testing"
)

func TestHandle(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"", "hello, world"},
		{"gopher", "hello, gopher"},
	} {
		got, err := handle(context.Background(), Request{Name: tc.name})
		if err != nil {
			t.Fatal(err)
		}
		if got.Message != tc.want {
			t.Errorf("handle(%q).Message = %q, want %q", tc.name, got.Message, tc.want)
		}
		if !strings.HasPrefix(got.GoVersion, "go1.") {
			t.Errorf("GoVersion = %q", got.GoVersion)
		}
	}
}
