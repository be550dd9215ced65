package io.sparkcnn.jobs.train;

import io.sparkcnn.jobs.SharedSpark;
import io.sparkcnn.model.train.Trainer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executors' replica and feed pool is bounded, keeps one run's entries and closes what it evicts. */
class ReplicaPoolTest extends SharedSpark {

    /** A feed that records that it was closed. */
    private static final class ClosingFeed implements BatchFeed {
        boolean closed;

        @Override
        public void fill(long epoch, long step, float[] inputs, float[] targets) {}

        @Override
        public void close() { closed = true; }
    }

    private static Set<Thread> cpuThreads() {
        Set<Thread> s = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (t.getName().startsWith("sparkcnn-cpu-")) s.add(t);
        return s;
    }

    @Test
    void aRunsBorrowEvictsAndClosesTheIdleEntriesOfOtherRuns() throws InterruptedException {
        ReplicaPool pool = new ReplicaPool(4);
        ModelRecipe recipe = new ModelRecipe(TinyNet.recipe(4, "sgd").networkText(), TinyNet.recipe(4, "sgd").trainerSettings(),
                4, new BackendChoice("cpu", false, 2));
        Set<Thread> before = cpuThreads();
        Trainer first = recipe.build(2, -1);
        Set<Thread> firstThreads = cpuThreads();
        firstThreads.removeAll(before);
        assertFalse(firstThreads.isEmpty(), "a two-thread CPU backend starts a worker thread");
        ClosingFeed[] feeds = new ClosingFeed[3];
        String[] runs = {"run-a", "run-b", "run-c"};
        for (int r = 0; r < 3; r++) {
            assertNull(pool.borrowFeed(runs[r], "feed"), "a feed of another run is never handed out");
            Trainer t = pool.borrowTrainer(runs[r], recipe.key());
            assertNull(t, "a replica of another run is evicted, not reused");
            feeds[r] = new ClosingFeed();
            pool.giveBackTrainer(runs[r], recipe.key(), r == 0 ? first : recipe.build(2, -1));
            pool.giveBackFeed(runs[r], "feed", feeds[r]);
            assertSame(feeds[r], pool.borrowFeed(runs[r], "feed"), "the run's own feed comes back");
            pool.giveBackFeed(runs[r], "feed", feeds[r]);
        }
        assertEquals(List.of("run-c"), pool.idleRuns());
        assertEquals(2, pool.idleCount());
        assertTrue(feeds[0].closed && feeds[1].closed, "evicted feeds are closed");
        assertFalse(feeds[2].closed, "the current run's feed stays open");
        for (Thread t : firstThreads) {
            t.join(10_000);
            assertFalse(t.isAlive(), "the evicted replica's backend was closed: " + t.getName() + " still runs");
        }
        pool.clear();
        assertTrue(feeds[2].closed);
        assertEquals(0, pool.idleCount());
    }

    @Test
    void eachKindKeepsAtMostCapacityIdleEntriesOfOneRun() {
        ReplicaPool pool = new ReplicaPool(2);
        ClosingFeed[] feeds = new ClosingFeed[3];
        for (int w = 0; w < 3; w++) {
            feeds[w] = new ClosingFeed();
            pool.giveBackFeed("run", "feed/" + w, feeds[w]);
        }
        assertEquals(2, pool.idleCount());
        assertTrue(feeds[0].closed, "the least recently used feed is evicted and closed");
        assertFalse(feeds[1].closed || feeds[2].closed);
        assertNull(pool.borrowFeed("run", "feed/0"));
        assertSame(feeds[1], pool.borrowFeed("run", "feed/1"));
        pool.clear();
    }

    /** SyntheticSource's data through feeds that count how many are open. */
    private static final class CountingSource implements TrainingSource {
        static final AtomicInteger OPEN = new AtomicInteger();
        private final SyntheticSource data = new SyntheticSource(96, TinyNet.INPUT, TinyNet.CLASSES);
        private final String id;

        CountingSource(String id) { this.id = id; }

        @Override
        public long stepsPerEpoch(int workers, int batch) { return data.stepsPerEpoch(workers, batch); }

        @Override
        public BatchFeed open(int worker, int workers, int batch, long seed) {
            BatchFeed inner = data.open(worker, workers, batch, seed);
            OPEN.incrementAndGet();
            return new BatchFeed() {
                @Override
                public void fill(long epoch, long step, float[] inputs, float[] targets) { inner.fill(epoch, step, inputs, targets); }

                @Override
                public void close() { OPEN.decrementAndGet(); }
            };
        }

        @Override
        public String id() { return "counting:" + id; }
    }

    @Test
    void localModeHasAsManyTaskSlotsAsItsThreads() {
        assertEquals(2, TaskResources.slots(), "local[2]");
    }

    @Test
    void threeRunsInOneJvmLeaveOnlyTheLastRunsEntries() {
        ReplicaPool.shared().clear();
        CountingSource.OPEN.set(0);
        for (int run = 0; run < 3; run++) {
            DriverSettings s = new DriverSettings(2, 2, Aggregation.PARAMETERS, true, 2, 1, 0, 7);
            ParameterAveraging d = new ParameterAveraging(sc, new CountingSource("run" + run), TinyNet.recipe(4, "sgd"), s, "pool");
            d.run(d.initialState(), (state, m) -> true);
        }
        // each run opened a feed per worker; the first two runs' feeds were closed when the third began
        assertEquals(1, ReplicaPool.shared().idleRuns().size(), "idle entries of more than one run are cached");
        assertTrue(CountingSource.OPEN.get() <= 2, CountingSource.OPEN.get() + " feeds still open after three runs of 2 workers");
        assertTrue(ReplicaPool.shared().idleCount() <= 4, ReplicaPool.shared().idleCount() + " idle entries");
        ReplicaPool.shared().clear();
        assertEquals(0, CountingSource.OPEN.get());
    }
}
