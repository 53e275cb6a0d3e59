package main

import "os/exec"

// subprocess: run /bin/true 1000 times, one after the other.
func subprocess() uint64 {
	var ok uint64
	for i := 0; i < 1000; i++ {
		if exec.Command("/bin/true").Run() == nil {
			ok++
		}
	}
	return ok
}
