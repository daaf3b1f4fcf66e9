package notify

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Lock takes the outbox's delivery lock, waiting up to wait for another process to finish.
// ok is false when the lock is still held by someone else then. The lock is released when the
// process ends, however it ends, so a killed delivery never blocks the next one.
func (o *Outbox) Lock(wait time.Duration) (unlock func(), ok bool, err error) {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("creating the outbox %s: %v", o.Dir, pathErr(err))
	}
	f, err := os.OpenFile(filepath.Join(o.Dir, lockName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("opening the outbox lock: %v", pathErr(err))
	}
	deadline := time.Now().Add(wait)
	for {
		got, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, false, fmt.Errorf("locking the outbox: %v", err)
		}
		if got {
			return func() { unlockFile(f); f.Close() }, true, nil
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, false, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}
