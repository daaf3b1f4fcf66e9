//go:build !unix

package main

import "os"

// peakRSS is 0 where the process's peak memory is not reported (the column then shows none).
func peakRSS(ps *os.ProcessState) int64 { return 0 }
