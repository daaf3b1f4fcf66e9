package index

import (
	"encoding/binary"
	"errors"
)

// EWAH-compressed bitmaps, as git stores them in the untracked cache (UNTR) and the split
// index (link). The encoder is a port of the part of git's ewah/ewah_bitmap.c that git's index
// writers use (ewah_set with increasing positions, ewah_serialize), so a bitmap built here is
// byte for byte the one git would write for the same bits.
//
// A bitmap is a sequence of 64-bit words: a "running length word" (bit 0: the run's bit;
// bits 1-32: how many words of that bit; bits 33-63: how many literal words follow), then its
// literal words, then the next running length word. Serialized: the size in bits (32 bits),
// the number of words (32 bits), the words (64 bits each, big-endian), the index of the last
// running length word (32 bits).

const (
	rlwRunningBits         = 32
	rlwLargestRunningCount = 1<<rlwRunningBits - 1
	rlwLargestLiteralCount = 1<<(64-1-rlwRunningBits) - 1
	rlwRunningLenPlusBit   = 1<<(rlwRunningBits+1) - 1
)

func rlwRunBit(w uint64) bool       { return w&1 != 0 }
func rlwRunningLen(w uint64) uint64 { return (w >> 1) & rlwLargestRunningCount }
func rlwLiteralWords(w uint64) uint64 {
	return w >> (1 + rlwRunningBits)
}
func rlwSize(w uint64) uint64 { return rlwRunningLen(w) + rlwLiteralWords(w) }

func setRunBit(w *uint64, b bool) {
	if b {
		*w |= 1
	} else {
		*w &^= 1
	}
}

func setRunningLen(w *uint64, l uint64) {
	*w = *w&^(rlwLargestRunningCount<<1) | (l&rlwLargestRunningCount)<<1
}

func setLiteralWords(w *uint64, l uint64) {
	*w = *w&rlwRunningLenPlusBit | l<<(rlwRunningBits+1)
}

// ewah is a bitmap being built by set (positions strictly increasing).
type ewah struct {
	buf     []uint64
	rlw     int // index in buf of the current running length word
	bitSize int
}

func newEwah() *ewah { return &ewah{buf: []uint64{0}} }

func (e *ewah) push(w uint64) { e.buf = append(e.buf, w) }

func (e *ewah) pushRLW(w uint64) {
	e.push(w)
	e.rlw = len(e.buf) - 1
}

func (e *ewah) addEmptyWords(v bool, number uint64) {
	r := &e.buf[e.rlw]
	if rlwRunBit(*r) != v && rlwSize(*r) == 0 {
		setRunBit(r, v)
	} else if rlwLiteralWords(*r) != 0 || rlwRunBit(*r) != v {
		e.pushRLW(0)
		if v {
			setRunBit(&e.buf[e.rlw], v)
		}
	}
	r = &e.buf[e.rlw]
	runlen := rlwRunningLen(*r)
	canAdd := min(number, rlwLargestRunningCount-runlen)
	setRunningLen(r, runlen+canAdd)
	number -= canAdd
	for number >= rlwLargestRunningCount {
		e.pushRLW(0)
		if v {
			setRunBit(&e.buf[e.rlw], v)
		}
		setRunningLen(&e.buf[e.rlw], rlwLargestRunningCount)
		number -= rlwLargestRunningCount
	}
	if number > 0 {
		e.pushRLW(0)
		if v {
			setRunBit(&e.buf[e.rlw], v)
		}
		setRunningLen(&e.buf[e.rlw], number)
	}
}

func (e *ewah) addLiteral(w uint64) {
	cur := rlwLiteralWords(e.buf[e.rlw])
	if cur >= rlwLargestLiteralCount {
		e.pushRLW(0)
		setLiteralWords(&e.buf[e.rlw], 1)
		e.push(w)
		return
	}
	setLiteralWords(&e.buf[e.rlw], cur+1)
	e.push(w)
}

func (e *ewah) addEmptyWord(v bool) {
	r := &e.buf[e.rlw]
	noLiteral := rlwLiteralWords(*r) == 0
	runLen := rlwRunningLen(*r)
	if noLiteral && runLen == 0 {
		setRunBit(r, v)
	}
	if noLiteral && rlwRunBit(*r) == v && runLen < rlwLargestRunningCount {
		setRunningLen(r, runLen+1)
		return
	}
	e.pushRLW(0)
	setRunBit(&e.buf[e.rlw], v)
	setRunningLen(&e.buf[e.rlw], 1)
}

// set sets bit i, which must lie past every bit set before (git's ewah_set).
func (e *ewah) set(i int) {
	dist := (i+1+63)/64 - (e.bitSize+63)/64
	e.bitSize = i + 1
	bit := uint64(1) << (uint(i) % 64)
	if dist > 0 {
		if dist > 1 {
			e.addEmptyWords(false, uint64(dist-1))
		}
		e.addLiteral(bit)
		return
	}
	if rlwLiteralWords(e.buf[e.rlw]) == 0 {
		setRunningLen(&e.buf[e.rlw], rlwRunningLen(e.buf[e.rlw])-1)
		e.addLiteral(bit)
		return
	}
	last := len(e.buf) - 1
	e.buf[last] |= bit
	if e.buf[last] == ^uint64(0) {
		e.buf = e.buf[:last]
		setLiteralWords(&e.buf[e.rlw], rlwLiteralWords(e.buf[e.rlw])-1)
		e.addEmptyWord(true)
	}
}

// appendTo appends the serialized bitmap (git's ewah_serialize_to).
func (e *ewah) appendTo(out []byte) []byte {
	be := binary.BigEndian
	out = be.AppendUint32(out, uint32(e.bitSize))
	out = be.AppendUint32(out, uint32(len(e.buf)))
	for _, w := range e.buf {
		out = be.AppendUint64(out, w)
	}
	return be.AppendUint32(out, uint32(e.rlw))
}

var errEwah = errors.New("damaged EWAH bitmap")

// readEwah reads a serialized bitmap at the start of b and returns the positions of its set
// bits (in increasing order) and how many bytes it took (git's ewah_read_mmap and
// ewah_each_bit).
func readEwah(b []byte) (bits []int, n int, err error) {
	be := binary.BigEndian
	if len(b) < 8 {
		return nil, 0, errEwah
	}
	words := int(be.Uint32(b[4:]))
	if words < 0 || words > (len(b)-12)/8 {
		return nil, 0, errEwah
	}
	n = 8 + 8*words + 4
	buf := make([]uint64, words)
	for i := range buf {
		buf[i] = be.Uint64(b[8+8*i:])
	}
	pos := 0
	for p := 0; p < len(buf); {
		w := buf[p]
		run := int(rlwRunningLen(w)) * 64
		if rlwRunBit(w) {
			if run > 1<<26 {
				return nil, 0, errEwah // more bits than an index can mean
			}
			for k := 0; k < run; k++ {
				bits = append(bits, pos+k)
			}
		}
		pos += run
		p++
		for k := uint64(0); k < rlwLiteralWords(w); k++ {
			if p >= len(buf) {
				return nil, 0, errEwah
			}
			for c := 0; c < 64; c++ {
				if buf[p]&(1<<uint(c)) != 0 {
					bits = append(bits, pos+c)
				}
			}
			pos += 64
			p++
		}
	}
	return bits, n, nil
}

// appendVarint appends git's variable-length number (varint.c encode_varint; the same as in
// version 4 names and ofs-delta).
func appendVarint(out []byte, v uint64) []byte {
	var tmp [16]byte
	pos := len(tmp) - 1
	tmp[pos] = byte(v & 127)
	for v >>= 7; v != 0; v >>= 7 {
		v--
		pos--
		tmp[pos] = 128 | byte(v&127)
	}
	return append(out, tmp[pos:]...)
}
