package io.sparkcnn.jobs.data;

/**
 * Which rows each of W workers trains on. The split's N rows are cut into W contiguous chunks
 * whose sizes differ by at most one (chunk c = [c*N/W, (c+1)*N/W)), so no worker is empty
 * while N >= W and none is more than one row longer than another. Worker w takes chunk
 * (w + epoch) mod W, so over W epochs every worker sees every chunk. Each worker runs
 * {@link #stepsPerEpoch} minibatches per epoch (the same for all, so rounds stay in step);
 * the few rows beyond that in a chunk (the uneven tail, fewer than batch + 1) are left out
 * of that epoch, a different few each epoch because the order inside a chunk is reshuffled.
 */
public record WorkerChunks(long rows, int workers, int batch) {

    public WorkerChunks {
        if (workers <= 0) throw new IllegalArgumentException("workers must be positive");
        if (batch <= 0) throw new IllegalArgumentException("batch must be positive");
        if (rows / workers < batch) {
            throw new IllegalArgumentException("the split has " + rows + " rows: " + workers + " workers x batch "
                    + batch + " needs at least " + (long) workers * batch);
        }
    }

    public long chunkStart(int chunk) { return chunk * rows / workers; }

    public long chunkRows(int chunk) { return chunkStart(chunk + 1) - chunkStart(chunk); }

    public int chunkOf(int worker, long epoch) { return (int) ((worker + epoch) % workers); }

    /** Minibatches per worker per epoch: what the smallest chunk holds. */
    public long stepsPerEpoch() { return (rows / workers) / batch; }
}
