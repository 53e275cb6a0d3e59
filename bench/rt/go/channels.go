package main

const items = 10_000_000

// bounded_1024, bounded_64, bounded_1 (and bounded_1024_1core): one
// producer sends 0 .. 10M-1 through a buffered channel of that capacity,
// the consumer sums.
func bounded(capacity int) uint64 {
	ch := make(chan uint64, capacity)
	go func() {
		for i := uint64(0); i < items; i++ {
			ch <- i
		}
		close(ch)
	}()
	var sum uint64
	for v := range ch {
		sum += v
	}
	return sum
}

// fan_in: 1000 producers each send 10k ints (producer p sends
// p*10000 .. p*10000+9999) into one channel of 1024; one consumer sums.
func fanIn() uint64 {
	const producers, perProducer = 1000, 10_000
	ch := make(chan uint64, 1024)
	for p := uint64(0); p < producers; p++ {
		go func(p uint64) {
			for j := uint64(0); j < perProducer; j++ {
				ch <- p*perProducer + j
			}
		}(p)
	}
	var sum uint64
	for i := 0; i < producers*perProducer; i++ {
		sum += <-ch
	}
	return sum
}
