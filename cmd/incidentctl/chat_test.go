package main

import (
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/incidentctl/incidentctl/pkg/notify/chattest"
)

// chatKey holds a script's webhook server (see chat).
type chatKey struct{}

type chatHolder struct{ srv *chattest.Server }

// chat drives a recording webhook server on 127.0.0.1 for the notify scripts:
//
//	chat start                    start it; $CHAT is its base URL (sinks use $CHAT/<kind>)
//	chat respond [/path] <a>...   answer the next requests (to /path, or any) with 200, 400,
//	                              500, 429:<seconds>, 429body:<seconds>, 302 or hang; then 200
//	chat wait <n>                 wait (up to 20 s) until n requests have arrived
//	chat requests                 print one line per request: <n> <path> <status> <key>
//	chat body [/path] <n>         print the body of request n (the n-th to /path)
//	chat check                    every body is well-formed for the kind its path ends in
//	chat stop                     stop the server (chat is down)
func chat(ts *testscript.TestScript, neg bool, args []string) {
	h, _ := ts.Value(chatKey{}).(*chatHolder)
	if h == nil || len(args) == 0 {
		ts.Fatalf("usage: chat start|respond|wait|requests|body|check|stop")
	}
	if neg && args[0] != "check" {
		ts.Fatalf("chat %s does not take !", args[0])
	}
	if args[0] != "start" && h.srv == nil {
		ts.Fatalf("chat start first")
	}
	switch args[0] {
	case "start":
		srv, err := chattest.Start()
		ts.Check(err)
		h.srv = srv
		ts.Defer(srv.Close)
		ts.Setenv("CHAT", srv.URL)
	case "respond":
		rest := args[1:]
		p := ""
		if len(rest) > 0 && strings.HasPrefix(rest[0], "/") {
			p, rest = rest[0], rest[1:]
		}
		for _, a := range rest {
			r, err := chattest.ParseResponse(a)
			ts.Check(err)
			h.srv.Respond(p, r)
		}
	case "wait":
		n, err := strconv.Atoi(argAt(ts, args, 1))
		ts.Check(err)
		ts.Check(h.srv.Wait(n, 20*time.Second))
	case "requests":
		for _, r := range h.srv.Requests() {
			fmt.Fprintf(ts.Stdout(), "%d %s %d %s\n", r.N, r.Path, r.Status, r.Header.Get("Idempotency-Key"))
		}
	case "body":
		p, i := "", 1
		if len(args) > 2 {
			p, i = args[1], 2
		}
		n, err := strconv.Atoi(argAt(ts, args, i))
		ts.Check(err)
		var reqs []chattest.Request
		for _, r := range h.srv.Requests() {
			if p == "" || r.Path == p {
				reqs = append(reqs, r)
			}
		}
		if n < 1 || n > len(reqs) {
			ts.Fatalf("chat body %s %d: %d requests arrived", p, n, len(reqs))
		}
		fmt.Fprintf(ts.Stdout(), "%s\n", reqs[n-1].Body)
	case "check":
		var bad []string
		for _, r := range h.srv.Requests() {
			if err := chattest.Validate(path.Base(r.Path), r.Body); err != nil {
				bad = append(bad, fmt.Sprintf("request %d (%s): %v", r.N, r.Path, err))
			}
		}
		if neg && len(bad) == 0 {
			ts.Fatalf("every request is well-formed")
		}
		if !neg && len(bad) > 0 {
			ts.Fatalf("%s", strings.Join(bad, "\n"))
		}
	case "stop":
		h.srv.Close()
	default:
		ts.Fatalf("unknown chat command %q", args[0])
	}
}

func argAt(ts *testscript.TestScript, args []string, i int) string {
	if len(args) <= i {
		ts.Fatalf("chat %s: missing argument", args[0])
	}
	return args[i]
}
