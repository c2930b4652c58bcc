package probes

import "sync"

// Checksums and content scans read files a chunk at a time. A fresh
// chunk per probe was a megabyte to allocate and clear for every backup
// (a tenth of a 34-check run went to clearing them); the chunks are kept
// in a pool and handed out again.

// readChunk is the size of a pooled chunk: big enough that a read costs
// few system calls, small enough that a pool of them stays small.
const readChunk = 1 << 20

var chunkPool = sync.Pool{New: func() any {
	b := make([]byte, readChunk+scanOverlap)
	return &b
}}

// getChunk returns a buffer of readChunk+scanOverlap bytes; its contents
// are whatever the last user left. Give it back with putChunk.
func getChunk() *[]byte { return chunkPool.Get().(*[]byte) }

func putChunk(b *[]byte) { chunkPool.Put(b) }
