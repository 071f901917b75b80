package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestEndpoints(t *testing.T) {
	var ready atomic.Bool
	server := httptest.NewServer(newHandler(&ready, newRegistry()))
	defer server.Close()

	get := func(path string) (int, string) {
		t.Helper()
		res, err := http.Get(server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}

	if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz before ready = %d", code)
	}
	ready.Store(true)
	if code, _ := get("/readyz"); code != http.StatusOK {
		t.Errorf("readyz = %d", code)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("healthz = %d", code)
	}
	if code, body := get("/?name=gopher"); code != http.StatusOK || body != "hello, gopher\n" {
		t.Errorf("greeting = %d %q", code, body)
	}
	_, metrics := get("/metrics")
	for _, want := range []string{"go_info{version=", "go_goroutines", "process_open_fds", `http_service_requests_total{code="200"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}
