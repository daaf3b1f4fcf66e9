package serve

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestServe(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>hello</p>"), 0o644)
	os.WriteFile(filepath.Join(dir, ".incidentctl-site"), []byte("manifest"), 0o644)
	os.WriteFile(filepath.Join(dir, "feed.atom"), []byte("<feed/>"), 0o644)
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Listen(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Errorf("second Listen: %v", err)
	}
	var rebuilds atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- Serve(ctx, ln, dir, 10*time.Millisecond, func() { rebuilds.Add(1) }) }()
	client := &http.Client{Timeout: 5 * time.Second}
	get := func(p string) (*http.Response, string) {
		t.Helper()
		resp, err := client.Get("http://" + ln.Addr().String() + p)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := get("/index.html")
	if resp.StatusCode != 200 || body != "<p>hello</p>" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("index: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	// A page rewritten within the same second is served anew, never "not modified".
	req, _ := http.NewRequest("GET", "http://"+ln.Addr().String()+"/index.html", nil)
	req.Header.Set("If-Modified-Since", resp.Header.Get("Last-Modified"))
	fi, _ := os.Stat(filepath.Join(dir, "index.html"))
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>again</p>"), 0o644)
	os.Chtimes(filepath.Join(dir, "index.html"), time.Time{}, fi.ModTime().Truncate(time.Second).Add(time.Millisecond))
	if r2, err := client.Do(req); err != nil || r2.StatusCode != 200 {
		t.Errorf("conditional request after a rewrite: %v %v", err, r2)
	} else {
		r2.Body.Close()
	}
	if resp, _ := get("/.incidentctl-site"); resp.StatusCode != 404 {
		t.Errorf("the manifest is served: %d", resp.StatusCode)
	}
	if resp, _ := get("/feed.atom"); !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("feed type %q", resp.Header.Get("Content-Type"))
	}
	deadline := time.Now().Add(5 * time.Second)
	for rebuilds.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if rebuilds.Load() < 2 {
		t.Error("no rebuilds while serving")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not stop")
	}
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		c.Close()
		t.Error("still listening after stop")
	}
}
