package index

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// evict drops mapped pages only: the data reads back the same, and heap data is never touched.
func TestEvict(t *testing.T) {
	want := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MB: mapped
	path := filepath.Join(t.TempDir(), "index")
	if err := os.WriteFile(path, want, 0o666); err != nil {
		t.Fatal(err)
	}
	data, unmap, err := Map(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unmap()
	evict(data)
	evict(data[100:70000])
	if !bytes.Equal(data, want) {
		t.Fatal("the mapped data changed after evict")
	}
	heap := append([]byte(nil), want...)
	evict(heap)
	if !bytes.Equal(heap, want) {
		t.Fatal("evict changed heap data")
	}
}
