package merge

// A line-based three-way merge (diff3) for the prose of incident documents: changes on one side
// are taken, identical changes on both sides are taken once, and different changes to the same
// lines are a conflict.

// maxCells bounds the LCS table; documents are far smaller (a 4 MiB document is refused anyway).
const maxCells = 64 << 20

// lcs matches lines of base to lines of x: m[i] is the index in x of base[i], or -1.
func lcs(base, x []string) ([]int, bool) {
	n, k := len(base), len(x)
	// Trim the common prefix and suffix first: usually almost everything.
	pre := 0
	for pre < n && pre < k && base[pre] == x[pre] {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < k-pre && base[n-1-suf] == x[k-1-suf] {
		suf++
	}
	m := make([]int, n)
	for i := range m {
		m[i] = -1
	}
	for i := 0; i < pre; i++ {
		m[i] = i
	}
	for i := 0; i < suf; i++ {
		m[n-1-i] = k - 1 - i
	}
	b, y := base[pre:n-suf], x[pre:k-suf]
	if len(b) == 0 || len(y) == 0 {
		return m, true
	}
	if len(b)*len(y) > maxCells {
		return nil, false
	}
	// dp[i][j] = LCS length of b[i:] and y[j:].
	w := len(y) + 1
	dp := make([]int32, (len(b)+1)*w)
	for i := len(b) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if b[i] == y[j] {
				dp[i*w+j] = dp[(i+1)*w+j+1] + 1
			} else {
				dp[i*w+j] = max(dp[(i+1)*w+j], dp[i*w+j+1])
			}
		}
	}
	for i, j := 0, 0; i < len(b) && j < len(y); {
		switch {
		case b[i] == y[j]:
			m[pre+i] = pre + j
			i++
			j++
		case dp[(i+1)*w+j] >= dp[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return m, true
}

// conflictAt is the base line (0-based) where both sides changed the same lines.
type conflictAt struct{ line int }

// merge3 merges a and b, two versions of base. ok is false on a conflict (with its base line).
func merge3(base, a, b []string) ([]string, *conflictAt) {
	ma, okA := lcs(base, a)
	mb, okB := lcs(base, b)
	if !okA || !okB {
		return nil, &conflictAt{0}
	}
	var out []string
	i, ja, jb := 0, 0, 0
	for {
		// The next base line kept, in order, by both sides.
		s := i
		for s < len(base) && !(ma[s] >= ja && mb[s] >= jb) {
			s++
		}
		ea, eb := len(a), len(b)
		if s < len(base) {
			ea, eb = ma[s], mb[s]
		}
		if s > i || ea > ja || eb > jb {
			bc, ac, cc := base[i:s], a[ja:ea], b[jb:eb]
			switch {
			case equal(ac, bc):
				out = append(out, cc...)
			case equal(cc, bc), equal(ac, cc):
				out = append(out, ac...)
			default:
				return nil, &conflictAt{i}
			}
		}
		if s >= len(base) {
			return out, nil
		}
		out = append(out, base[s])
		i, ja, jb = s+1, ea+1, eb+1
	}
}

func equal(x, y []string) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}
