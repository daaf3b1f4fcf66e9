// Command alternate times short commands run alternately, for start-up figures on a shared
// machine: every round runs each command once (in reverse order every other round), and the
// median wall time and CPU time (user + system, from wait4) of each are printed.
//
//	alternate [-n runs] <command> ...
//
// A command is a program, or a program and its arguments separated by commas
// ("git,--version"); a program alone is run with --help.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 40, "runs of each command")
	flag.Parse()
	cmds := flag.Args()
	if len(cmds) == 0 || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: alternate [-n runs] <command> ...")
		os.Exit(2)
	}
	wall := make([][]time.Duration, len(cmds))
	cpu := make([][]time.Duration, len(cmds))
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "alternate:", err)
		os.Exit(1)
	}
	for i := 0; i < *n; i++ {
		for j := range cmds {
			k := j
			if i%2 == 1 {
				k = len(cmds) - 1 - j
			}
			parts := strings.Split(cmds[k], ",")
			if len(parts) == 1 {
				parts = append(parts, "--help")
			}
			c := exec.Command(parts[0], parts[1:]...)
			c.Stdout, c.Stderr = devnull, devnull
			start := time.Now()
			if err := c.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "alternate: %s: %v\n", cmds[k], err)
				os.Exit(1)
			}
			wall[k] = append(wall[k], time.Since(start))
			ru := c.ProcessState.SysUsage().(*syscall.Rusage)
			cpu[k] = append(cpu[k], time.Duration(ru.Utime.Nano()+ru.Stime.Nano()))
		}
	}
	for k, c := range cmds {
		fmt.Printf("%-40s wall median %s (p25 %s, p75 %s)  CPU median %s\n", c,
			ms(quantile(wall[k], 2)), ms(quantile(wall[k], 1)), ms(quantile(wall[k], 3)), ms(quantile(cpu[k], 2)))
	}
}

// quantile is the q-th quarter of d (2: the median).
func quantile(d []time.Duration, q int) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, q*len(s)/4)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
