// Package chattest is for tests of chat notifications: a webhook server on 127.0.0.1 that
// records what it is sent and answers as it is told (200, 429 with Retry-After, 500, a
// redirect, or no answer at all), and checks of each kind of message body against the
// structure its service documents. Like net/http/httptest, it is imported by tests only.
package chattest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Response is one scripted answer.
type Response struct {
	Status     int    // 0 means 200
	RetryAfter string // the Retry-After header
	Body       string
	Location   string // for a redirect
	Hang       bool   // answer nothing until the client gives up
}

// ParseResponse reads a short spelling: "200", "400", "500", "429:2" (Retry-After: 2),
// "429body:1.5" (Discord's {"retry_after": 1.5} and no header), "302", "hang".
func ParseResponse(s string) (Response, error) {
	switch {
	case s == "hang":
		return Response{Hang: true}, nil
	case strings.HasPrefix(s, "429body:"):
		v := strings.TrimPrefix(s, "429body:")
		if _, err := strconv.ParseFloat(v, 64); err != nil {
			return Response{}, fmt.Errorf("bad response %q", s)
		}
		return Response{Status: 429, Body: `{"message": "You are being rate limited.", "retry_after": ` + v + `, "global": false}`}, nil
	case strings.HasPrefix(s, "429:"):
		return Response{Status: 429, RetryAfter: strings.TrimPrefix(s, "429:"), Body: "rate_limited"}, nil
	}
	code, err := strconv.Atoi(s)
	if err != nil || code < 100 || code > 599 {
		return Response{}, fmt.Errorf("bad response %q: want a status, 429:<seconds>, 429body:<seconds> or hang", s)
	}
	r := Response{Status: code}
	switch {
	case code >= 300 && code < 400:
		r.Location = "https://elsewhere.example/hook"
	case code == 400:
		r.Body = "invalid_payload"
	case code >= 500:
		r.Body = "internal error"
	}
	return r, nil
}

// Request is one recorded request.
type Request struct {
	N        int // 1-based, in arrival order
	Path     string
	Header   http.Header
	Body     []byte
	Status   int // what was answered; 0 while hanging or when the client gave up
	Received time.Time
}

// Server is the recording webhook server.
type Server struct {
	URL string

	mu       sync.Mutex
	requests []*Request
	script   map[string][]Response // by path; "" for any path
	arrived  chan struct{}
	srv      *http.Server
	ln       net.Listener
	closing  chan struct{}
	once     sync.Once
}

// Start listens on 127.0.0.1 (a free port).
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + ln.Addr().String(), script: map[string][]Response{}, arrived: make(chan struct{}, 1000), ln: ln, closing: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 5 * time.Second}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server, ending hanging requests.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.srv.Close()
	})
}

// Respond queues answers for requests to path ("" for any path without its own), in order;
// once they are used up, requests get 200.
func (s *Server) Respond(path string, rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[path] = append(s.script[path], rs...)
}

func (s *Server) next(path string) Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range []string{path, ""} {
		if q := s.script[p]; len(q) > 0 {
			s.script[p] = q[1:]
			return q[0]
		}
	}
	return Response{}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	s.mu.Lock()
	req := &Request{N: len(s.requests) + 1, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, Received: time.Now()}
	s.requests = append(s.requests, req)
	s.mu.Unlock()
	s.arrived <- struct{}{}
	resp := s.next(r.URL.Path)
	if resp.Hang {
		select {
		case <-r.Context().Done():
		case <-s.closing:
		case <-time.After(time.Minute):
		}
		return
	}
	if resp.Status == 0 {
		resp.Status = http.StatusOK
	}
	if resp.RetryAfter != "" {
		w.Header().Set("Retry-After", resp.RetryAfter)
	}
	if resp.Location != "" {
		w.Header().Set("Location", resp.Location)
	}
	body2 := resp.Body
	if body2 == "" && resp.Status == http.StatusOK {
		body2 = "ok"
	}
	w.WriteHeader(resp.Status)
	io.WriteString(w, body2)
	s.mu.Lock()
	req.Status = resp.Status
	s.mu.Unlock()
}

// Requests returns what arrived so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = *r
	}
	return out
}

// Wait waits until n requests have arrived, or timeout.
func (s *Server) Wait(n int, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		if len(s.Requests()) >= n {
			return nil
		}
		select {
		case <-s.arrived:
		case <-deadline:
			return fmt.Errorf("%d requests arrived, want %d", len(s.Requests()), n)
		}
	}
}
