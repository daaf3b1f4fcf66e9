package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// run is one timed execution of a side: the wall time of its commands (run one after the
// other, as `a && b`) and the largest peak resident set size among them.
type run struct {
	wall   time.Duration
	maxRSS int64 // bytes
}

// side is one half of a comparison.
type side struct {
	label string
	dir   string
	// prepare runs before each timed run, untimed (the edit a person makes before `git add`).
	prepare func(i int) error
	// cmds are the timed commands for run i.
	cmds func(i int) [][]string
	// after runs after each timed run, untimed (reopen what close closed).
	after func(i int) error
	// okExit lists exit codes that are not failures besides 0 (lint reports findings with 1).
	okExit []int
	// devnull sends the commands' standard output to /dev/null instead of through a pipe into
	// this process (a listing of 100,000 incidents as JSON is close to a gigabyte).
	devnull bool
	// each times every command of a run on its own (the first, second, third run after a
	// clone): parts[j] holds the runs of command j, and runs their sums.
	each     bool
	parts    [][]run
	partsRSS []int64
	runs     []run
	// peakRSS is the largest resident set size of the side's processes, measured in one more
	// run through /usr/bin/time (the rusage of a child started by this big process would
	// count this process's own memory: the child is forked from it before it execs).
	peakRSS int64
}

// pair alternates its two sides A B B A A B ..., so that a slow phase of the machine hits both.
// A side-less pair (b == nil) just repeats a.
type pair struct {
	name   string
	suffix string // after the name of every row an expanded pair makes (" @100k")
	a, b   *side
	reps   int
	note   string
	warm   bool // run each side once, untimed, first (to fill the caches a first run fills)
	// mayFail: a command that fails does not stop the harness; the pair reports the failure
	// (what incidentctl refuses today is a row too).
	mayFail bool
	err     string // the failure, when mayFail
	// check, when set, runs after the measurement and its text is shown with the pair (the
	// index extensions a write kept, say).
	check func() string
}

var env []string

func (s *side) once(i int) error {
	if s.prepare != nil {
		if err := s.prepare(i); err != nil {
			return fmt.Errorf("%s: prepare: %v", s.label, err)
		}
	}
	var r run
	for j, argv := range s.cmds(i) {
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = s.dir
		cmd.Env = env
		out := &tailWriter{max: 4000}
		cmd.Stdout, cmd.Stderr = out, out
		if s.devnull {
			f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			cmd.Stdout = f
		}
		start := time.Now()
		err := cmd.Run()
		var part run
		part.wall = time.Since(start)
		if ps := cmd.ProcessState; ps != nil {
			part.maxRSS = peakRSS(ps)
		}
		r.wall += part.wall
		r.maxRSS = max(r.maxRSS, part.maxRSS)
		if s.each {
			for len(s.parts) <= j {
				s.parts = append(s.parts, nil)
			}
			s.parts[j] = append(s.parts[j], part)
		}
		if err != nil {
			code := -1
			if ps := cmd.ProcessState; ps != nil {
				code = ps.ExitCode()
			}
			if !slices.Contains(s.okExit, code) {
				return &cmdError{side: s.label, argv: argv, err: err, out: out.String()}
			}
		}
	}
	s.runs = append(s.runs, r)
	if s.after != nil {
		if err := s.after(i); err != nil {
			return fmt.Errorf("%s: after: %v", s.label, err)
		}
	}
	return nil
}

// cmdError is a timed command that failed.
type cmdError struct {
	side string
	argv []string
	err  error
	out  string // the end of what it printed
}

func (e *cmdError) Error() string {
	return fmt.Sprintf("%s: %s: %v\n%s", e.side, strings.Join(e.argv, " "), e.err, tail(e.out, 2000))
}

// short is the failure in a line: the command's first line of output (its error message).
func (e *cmdError) short() string {
	for _, l := range strings.Split(e.out, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return fmt.Sprintf("%s (%v)", l, e.err)
		}
	}
	return e.err.Error()
}

// tailWriter keeps the last max bytes written to it: enough to say why a command failed,
// without holding what a big listing prints.
type tailWriter struct {
	max int
	buf []byte
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	if len(w.buf) > 2*w.max {
		w.buf = append(w.buf[:0], w.buf[len(w.buf)-w.max:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string { return string(w.buf) }

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// measure runs the pair: A B B A A B B A ..., then one run of each side for its peak memory.
// A pair that may fail records its first failure and stops there.
func (p *pair) measure() error {
	err := p.measureSides()
	if err != nil && p.mayFail {
		p.err = err.Error()
		var ce *cmdError
		if errors.As(err, &ce) {
			p.err = ce.side + ": " + ce.short()
		}
		return nil
	}
	if err == nil && p.check != nil {
		p.note = strings.TrimSpace(p.note + " " + p.check())
	}
	return err
}

func (p *pair) measureSides() error {
	if p.warm {
		for _, s := range []*side{p.a, p.b} {
			if s != nil {
				if err := s.once(-1); err != nil {
					return fmt.Errorf("%s: warm-up: %w", p.name, err)
				}
				s.runs = nil
			}
		}
	}
	for i := range p.reps {
		order := []*side{p.a, p.b}
		if i%2 == 1 {
			order = []*side{p.b, p.a}
		}
		for _, s := range order {
			if s == nil {
				continue
			}
			if err := s.once(i); err != nil {
				return fmt.Errorf("%s: %w", p.name, err)
			}
		}
	}
	for _, s := range []*side{p.a, p.b} {
		if s == nil {
			continue
		}
		if err := s.memory(p.reps); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return nil
}

const gnuTime = "/usr/bin/time"

// memory measures the side's peak resident set size in one more (untimed) run.
func (s *side) memory(i int) error {
	if _, err := os.Stat(gnuTime); err != nil {
		s.peakRSS = -1
		return nil
	}
	if s.prepare != nil {
		if err := s.prepare(i); err != nil {
			return fmt.Errorf("%s: prepare: %v", s.label, err)
		}
	}
	f, err := os.CreateTemp("", "incidentbench-rss-")
	if err != nil {
		return err
	}
	f.Close()
	defer os.Remove(f.Name())
	for j, argv := range s.cmds(i) {
		cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", f.Name(), "--"}, argv...)...)
		cmd.Dir = s.dir
		cmd.Env = env
		out := &tailWriter{max: 4000}
		cmd.Stdout, cmd.Stderr = out, out
		if s.devnull {
			null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
			if err != nil {
				return err
			}
			defer null.Close()
			cmd.Stdout = null
		}
		err := cmd.Run()
		if err != nil {
			code := -1
			if cmd.ProcessState != nil {
				code = cmd.ProcessState.ExitCode()
			}
			if !slices.Contains(s.okExit, code) {
				return fmt.Errorf("%s: %s: %v\n%s", s.label, strings.Join(argv, " "), err, tail(out.String(), 2000))
			}
		}
		b, _ := os.ReadFile(f.Name())
		// GNU time writes "Command exited with non-zero status N" first when it fails.
		lines := strings.Fields(string(b))
		if len(lines) > 0 {
			if kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64); err == nil {
				s.peakRSS = max(s.peakRSS, kb*1024)
				if s.each {
					for len(s.partsRSS) <= j {
						s.partsRSS = append(s.partsRSS, 0)
					}
					s.partsRSS[j] = kb * 1024
				}
			}
		}
	}
	if s.after != nil {
		if err := s.after(i); err != nil {
			return fmt.Errorf("%s: after: %v", s.label, err)
		}
	}
	return nil
}

func median(rs []run) time.Duration {
	if len(rs) == 0 {
		return 0
	}
	w := make([]time.Duration, len(rs))
	for i, r := range rs {
		w[i] = r.wall
	}
	slices.Sort(w)
	if len(w)%2 == 1 {
		return w[len(w)/2]
	}
	return (w[len(w)/2-1] + w[len(w)/2]) / 2
}

// maxRSS is the side's peak memory: from /usr/bin/time where there is one, else from the
// rusage of the timed runs (which overstates small processes).
func maxRSS(s *side) int64 {
	if s.peakRSS > 0 {
		return s.peakRSS
	}
	var m int64
	for _, r := range s.runs {
		m = max(m, r.maxRSS)
	}
	return m
}

func spread(rs []run) (lo, hi time.Duration) {
	if len(rs) == 0 {
		return 0, 0
	}
	lo, hi = rs[0].wall, rs[0].wall
	for _, r := range rs {
		lo, hi = min(lo, r.wall), max(hi, r.wall)
	}
	return lo, hi
}

func ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
	return fmt.Sprintf("%.1f ms", float64(d)/1e6)
}

func mb(b int64) string {
	if b == 0 {
		return "—" // not reported on this system (peakRSS)
	}
	return fmt.Sprintf("%.0f MB", float64(b)/1e6)
}

// sh runs a command for setup, untimed, and returns its output.
func sh(dir string, argv ...string) (string, error) { return shEnv(env, dir, argv...) }

// shEnv is sh with another environment (npm needs the user's).
func shEnv(env []string, dir string, argv ...string) (string, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s (in %s): %v\n%s%s", strings.Join(argv, " "), dir, err, tail(out.String(), 1000), tail(errOut.String(), 1000))
	}
	return out.String(), nil
}

func must(dir string, argv ...string) string {
	out, err := sh(dir, argv...)
	if err != nil {
		fatalf("%v", err)
	}
	return out
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "incidentbench: "+format+"\n", args...)
	stopDaemons()
	os.Exit(1)
}
