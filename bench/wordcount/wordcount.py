# Benchmark peer: word frequency count in CPython (python3). Same rules and
# output as wordcount.sifr: lower-case each line, split it on whitespace,
# strip .,;:!?"'() from both ends of each word, drop empty words, count
# them in a dict, print the 10 most frequent as "word count" lines (ties in
# alphabetical order). The text's path is sys.argv[1].
import sys

PUNCTUATION = ".,;:!?\"'()"


def count_words(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in text.splitlines():
        for word in line.lower().split():
            w = word.strip(PUNCTUATION)
            if w != "":
                counts[w] = counts.get(w, 0) + 1
    return counts


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: wordcount.py TEXT-FILE")
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    counts = count_words(text)
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    for word, count in items[:10]:
        print(f"{word} {count}")


main()
