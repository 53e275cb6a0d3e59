// Benchmark peer: word frequency count in Go (Debian's go, `go build`). Same
// rules and output as wordcount.sifr: lower-case each line, split it on
// whitespace, strip .,;:!?"'() from both ends of each word, drop empty
// words, count them in a map, print the 10 most frequent as "word count"
// lines (ties in alphabetical order). The text's path is os.Args[1].
package main

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
)

const punctuation = ".,;:!?\"'()"

type wordCount struct {
	word  string
	count int
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: wordcount TEXT-FILE")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	counts := make(map[string]int)
	for _, line := range strings.Split(string(data), "\n") {
		for _, word := range strings.Fields(strings.ToLower(line)) {
			w := strings.Trim(word, punctuation)
			if w != "" {
				counts[w]++
			}
		}
	}
	items := make([]wordCount, 0, len(counts))
	for w, c := range counts {
		items = append(items, wordCount{w, c})
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].count != items[j].count {
			return items[i].count > items[j].count
		}
		return items[i].word < items[j].word
	})
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i := 0; i < len(items) && i < 10; i++ {
		fmt.Fprintf(out, "%s %d\n", items[i].word, items[i].count)
	}
}
