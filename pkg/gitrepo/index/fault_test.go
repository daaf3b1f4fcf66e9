package index

import (
	"errors"
	"testing"
)

// A reader of a mapped index that finds it rewritten in place ends with a clear error, not a
// panic; any other panic goes on.
func TestRecoverFault(t *testing.T) {
	read := func() (err error) {
		defer func() { RecoverFault(recover(), &err) }()
		panic(indexChanged{})
	}
	if err := read(); !errors.Is(err, errIndexFault) {
		t.Fatalf("indexChanged recovered as %v, want errIndexFault", err)
	}
	defer func() {
		if r := recover(); r != "other" {
			t.Fatalf("another panic was recovered as %v, want it to go on", r)
		}
	}()
	var err error
	func() {
		defer func() { RecoverFault(recover(), &err) }()
		panic("other")
	}()
}
