// Package serve serves a built site on a local address and rebuilds it when the record
// changes: the war room's screen. It serves only the files of the site (never the build's
// manifest or temporary files) with headers that keep a browser from running anything the
// pages do not ship.
package serve

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// Listen opens the address, with a message that says what to do when it is taken.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("--addr %s is already in use (another incidentctl site --serve, or another server): stop it or choose another address, e.g. --addr 127.0.0.1:8081", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("--addr %s: %v", addr, err)
	}
	return ln, nil
}

// Handler serves the site in dir.
func Handler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, part := range strings.Split(r.URL.Path, "/") {
			if strings.HasPrefix(part, ".") { // the manifest, temporary files
				http.NotFound(w, r)
				return
			}
		}
		// A rebuild may rewrite a page twice within a second, and the file server's
		// If-Modified-Since check counts whole seconds: it would answer "not modified" with the
		// older page. The war room's screen must show the newest, so every answer is in full.
		r.Header.Del("If-Modified-Since")
		r.Header.Del("If-None-Match")
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasSuffix(r.URL.Path, ".atom") {
			h.Set("Content-Type", "application/atom+xml; charset=utf-8")
		}
		files.ServeHTTP(w, r)
	})
}

// Serve serves dir on ln until ctx ends, calling rebuild every interval in between (rebuild
// is incremental: when nothing changed it writes nothing). A failing rebuild is reported by
// rebuild itself and serving goes on with the files as they are.
func Serve(ctx context.Context, ln net.Listener, dir string, interval time.Duration, rebuild func()) error {
	srv := &http.Server{Handler: Handler(dir), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
			<-done
			return nil
		case err := <-done:
			return err
		case <-tick.C:
			rebuild()
		}
	}
}
