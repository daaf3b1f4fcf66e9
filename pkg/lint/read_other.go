//go:build !linux

package lint

// fileReader is the quick reader of read_linux.go; elsewhere every file is read the ordinary
// way.
type fileReader struct{}

func newFileReader() *fileReader { return &fileReader{} }

func (r *fileReader) close() {}

func (r *fileReader) read(abs string) (src []byte, key statKey, ok bool) {
	return nil, statKey{}, false
}
