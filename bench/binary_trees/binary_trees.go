// Benchmark peer: binary-trees in Go (Debian's go, `go build`),
// single-threaded, nodes allocated one by one and left to the garbage
// collector. Same algorithm, depth (18) and output as binary_trees.sifr.
package main

import "fmt"

const (
	minDepth = 4
	depth    = 18
)

type Node struct {
	left, right *Node
}

// bottomUpTree builds a perfect tree of the given depth.
func bottomUpTree(d int) *Node {
	if d > 0 {
		return &Node{bottomUpTree(d - 1), bottomUpTree(d - 1)}
	}
	return &Node{}
}

// check counts the nodes; every node has either two children or none.
func (n *Node) check() int64 {
	if n.left == nil {
		return 1
	}
	return 1 + n.left.check() + n.right.check()
}

func main() {
	maxDepth := depth
	if maxDepth < minDepth+2 {
		maxDepth = minDepth + 2
	}
	stretch := maxDepth + 1
	fmt.Printf("stretch tree of depth %d\t check: %d\n", stretch, bottomUpTree(stretch).check())

	longLived := bottomUpTree(maxDepth)
	for d := minDepth; d <= maxDepth; d += 2 {
		iterations := int64(1) << (maxDepth - d + minDepth)
		var total int64
		for i := int64(0); i < iterations; i++ {
			total += bottomUpTree(d).check()
		}
		fmt.Printf("%d\t trees of depth %d\t check: %d\n", iterations, d, total)
	}
	fmt.Printf("long lived tree of depth %d\t check: %d\n", maxDepth, longLived.check())
}
