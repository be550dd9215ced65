package io.sparkcnn.jobs.train;

import io.sparkcnn.model.graph.Network;
import io.sparkcnn.model.train.Trainer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;

/**
 * Executor-side caches that live across rounds, so a round neither rebuilds the network
 * (arenas, kernels) nor re-reads its data block: idle model replicas per recipe, each
 * worker's feed (which holds its current block of rows), and the inference networks that the
 * Spark ML model's transform scores with (io.sparkcnn.jobs.ml). Both are only caches: everything a
 * round computes is a function of what the driver broadcast, so a lost executor loses time,
 * not correctness. A task borrows what it uses and gives it back, so two tasks in one JVM
 * (local mode) never share one.
 *
 * <p>An executor outlives runs (a notebook, a shared cluster), so the pool is bounded: a
 * borrow by one run evicts every idle entry of other runs, and each kind (replicas, feeds)
 * keeps at most {@code capacity} idle entries, the least recently used going first. What
 * is evicted is closed: a replica's backend (device buffers, native threads), a feed's block.
 */
public final class ReplicaPool {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaPool.class);
    private static ReplicaPool shared;

    private enum Kind { MODEL, FEED, INFERENCE }

    private record Entry(String run, Kind kind, String key, Object value) {}

    private final int capacity;
    /** Idle entries, most recently given back first. */
    private final LinkedList<Entry> idle = new LinkedList<>();

    /** @param capacity idle entries kept per kind; at least the tasks an executor runs at once */
    public ReplicaPool(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
    }

    /** This JVM's pool: two entries of each kind per task slot (one in use, one for the next round's worker). */
    public static synchronized ReplicaPool shared() {
        if (shared == null) shared = new ReplicaPool(2 * TaskResources.slots());
        return shared;
    }

    public Trainer borrowTrainer(String run, String key) { return (Trainer) borrow(run, Kind.MODEL, key); }

    public void giveBackTrainer(String run, String key, Trainer t) { giveBack(new Entry(run, Kind.MODEL, key, t)); }

    public BatchFeed borrowFeed(String run, String key) { return (BatchFeed) borrow(run, Kind.FEED, key); }

    public void giveBackFeed(String run, String key, BatchFeed f) { giveBack(new Entry(run, Kind.FEED, key, f)); }

    public Network borrowNetwork(String run, String key) { return (Network) borrow(run, Kind.INFERENCE, key); }

    public void giveBackNetwork(String run, String key, Network n) { giveBack(new Entry(run, Kind.INFERENCE, key, n)); }

    private Object borrow(String run, Kind kind, String key) {
        List<Entry> evicted = new ArrayList<>();
        Object found = null;
        synchronized (this) {
            for (Iterator<Entry> it = idle.iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (!e.run().equals(run)) {
                    it.remove();
                    evicted.add(e);
                } else if (found == null && e.kind() == kind && e.key().equals(key)) {
                    it.remove();
                    found = e.value();
                }
            }
        }
        close(evicted);
        return found;
    }

    private void giveBack(Entry entry) {
        List<Entry> evicted = new ArrayList<>();
        synchronized (this) {
            idle.addFirst(entry);
            int kept = 0;
            for (Iterator<Entry> it = idle.iterator(); it.hasNext(); ) {
                Entry e = it.next();
                if (e.kind() == entry.kind() && ++kept > capacity) {
                    it.remove();
                    evicted.add(e);
                }
            }
        }
        close(evicted);
    }

    /** Idle entries now held (for tests and logs). */
    public synchronized int idleCount() { return idle.size(); }

    /** The runs that own an idle entry, in no order (for tests). */
    public synchronized List<String> idleRuns() {
        return idle.stream().map(Entry::run).distinct().toList();
    }

    /** Closes and drops every idle replica and feed. */
    public void clear() {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(idle);
            idle.clear();
        }
        close(all);
    }

    // outside the lock: releasing a device context can take a while
    private static void close(List<Entry> entries) {
        for (Entry e : entries) {
            try {
                if (e.value() instanceof Trainer t) t.network().close();
                else if (e.value() instanceof Network n) n.close();
                else if (e.value() instanceof BatchFeed f) f.close();
            } catch (RuntimeException ex) {
                LOG.warn("closing an evicted {} of run {} failed: {}", e.kind(), e.run(), ex.toString());
            }
        }
    }
}
