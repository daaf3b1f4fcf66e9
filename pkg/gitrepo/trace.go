package gitrepo

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// INCIDENTCTL_TRACE=1 says on stderr which way each change took and why: the fast path, or
// which part of it git itself does because of a setting (pkg/gitrepo does not print anything
// else). Like GIT_TRACE, the value may also be an absolute file path to append to.
var (
	traceOnce sync.Once
	traceOut  *os.File
)

func tracing() bool {
	traceOnce.Do(func() {
		v := os.Getenv("INCIDENTCTL_TRACE")
		switch strings.ToLower(v) {
		case "", "0", "false", "no", "off":
		case "1", "2", "true", "yes", "on":
			traceOut = os.Stderr
		default:
			if strings.HasPrefix(v, "/") {
				if f, err := os.OpenFile(v, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666); err == nil {
					traceOut = f
				}
			}
		}
	})
	return traceOut != nil
}

// tracef writes one trace line.
func tracef(format string, args ...any) {
	if tracing() {
		fmt.Fprintf(traceOut, "incidentctl trace: "+format+"\n", args...)
	}
}
