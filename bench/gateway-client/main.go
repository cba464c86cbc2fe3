// Command gateway-client downloads one URL N times at once, each body read to /dev/null, and prints one line:
//
//	wall_ms=W ttfb_median_ms=T ttfb_max_ms=M bytes=B aborted=A
//
// wall is from the first request to the last body's end; ttfb per download is from its request to its first body
// byte. A download is aborted when its request fails, its status is not 200, its body read fails, or it has fewer
// bytes than its Content-Length. Used by bench/gateway-compare.sh; standard library only (Go 1.19).
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

type result struct {
	ttfb    time.Duration
	bytes   int64
	aborted bool
}

func download(client *http.Client, url string) result {
	start := time.Now()
	resp, err := client.Get(url)
	if err != nil {
		return result{aborted: true}
	}
	defer resp.Body.Close()
	buf := make([]byte, 256<<10)
	var r result
	n, err := resp.Body.Read(buf)
	for n == 0 && err == nil {
		n, err = resp.Body.Read(buf)
	}
	r.ttfb = time.Since(start)
	r.bytes = int64(n)
	for err == nil {
		n, err = resp.Body.Read(buf)
		r.bytes += int64(n)
	}
	if err == io.EOF {
		err = nil
	}
	r.aborted = err != nil || resp.StatusCode != http.StatusOK || (resp.ContentLength >= 0 && r.bytes != resp.ContentLength)
	return r
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: gateway-client URL CONCURRENCY")
		os.Exit(2)
	}
	url := os.Args[1]
	n, err := strconv.Atoi(os.Args[2])
	if err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "CONCURRENCY must be a positive number")
		os.Exit(2)
	}
	// One connection per download, no compression, no proxy from the environment: every byte comes from the server.
	client := &http.Client{Transport: &http.Transport{
		DisableCompression:  true,
		MaxIdleConnsPerHost: n,
		ReadBufferSize:      256 << 10,
	}}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = download(client, url)
		}(i)
	}
	wg.Wait()
	wall := time.Since(start)
	var total int64
	aborted := 0
	ttfbs := make([]float64, 0, n)
	for _, r := range results {
		total += r.bytes
		if r.aborted {
			aborted++
		} else {
			ttfbs = append(ttfbs, float64(r.ttfb.Microseconds())/1000)
		}
	}
	sort.Float64s(ttfbs)
	median, max := 0.0, 0.0
	if len(ttfbs) > 0 {
		median, max = ttfbs[len(ttfbs)/2], ttfbs[len(ttfbs)-1]
	}
	fmt.Printf("wall_ms=%.1f ttfb_median_ms=%.1f ttfb_max_ms=%.1f bytes=%d aborted=%d\n",
		float64(wall.Microseconds())/1000, median, max, total, aborted)
}
