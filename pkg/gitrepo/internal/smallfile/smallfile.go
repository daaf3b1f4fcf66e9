// Package smallfile reads the small files of a git directory (HEAD, refs, config files, loose
// objects, the journal) the cheapest way the system offers. A change reads dozens of them, and
// os.ReadFile costs each an attempt to register the descriptor with the runtime's poller (which
// fails for a regular file), two fcntl calls and a finalizer on top of open, fstat, read and
// close.
package smallfile
