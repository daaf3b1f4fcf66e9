//go:build !unix

package notify

import (
	"os"
	"sync"
)

// Without flock, processes are not excluded from each other; within one process they are.
// A second process delivering at the same time can post a message twice, which the
// idempotency key lets a service catch.
var processLock sync.Mutex

func tryLock(f *os.File) (bool, error) { return processLock.TryLock(), nil }

func unlockFile(f *os.File) { processLock.Unlock() }
