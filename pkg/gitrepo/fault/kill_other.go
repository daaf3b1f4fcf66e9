//go:build !unix

package fault

import "os"

// kill ends the process at once, without running anything deferred.
func kill() { os.Exit(137) }
