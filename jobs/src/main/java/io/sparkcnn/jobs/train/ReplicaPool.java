package io.sparkcnn.jobs.train;

import io.sparkcnn.model.train.Trainer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Executor-side caches that live across rounds, so a round neither rebuilds the network
 * (arenas, kernels) nor re-reads its data block: idle model replicas per recipe, and each
 * worker's feed (which holds its current block of rows). Both are only caches: everything a
 * round computes is a function of what the driver broadcast, so a lost executor loses time,
 * not correctness. A task borrows what it uses and gives it back, so two tasks in one JVM
 * (local mode) never share one.
 */
public final class ReplicaPool {
    private static final Map<String, Deque<Object>> IDLE = new HashMap<>();

    private ReplicaPool() {}

    public static Trainer borrowTrainer(String key) { return (Trainer) borrow("model:" + key); }

    public static void giveBackTrainer(String key, Trainer t) { giveBack("model:" + key, t); }

    public static BatchFeed borrowFeed(String key) { return (BatchFeed) borrow("feed:" + key); }

    public static void giveBackFeed(String key, BatchFeed f) { giveBack("feed:" + key, f); }

    private static synchronized Object borrow(String key) {
        Deque<Object> q = IDLE.get(key);
        return q == null ? null : q.pollFirst();
    }

    private static synchronized void giveBack(String key, Object o) {
        IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).addFirst(o);
    }

    /** Drops every cached replica and feed. */
    public static synchronized void clear() {
        for (Deque<Object> q : IDLE.values()) {
            for (Object o : q) if (o instanceof Trainer t) t.network().close();
        }
        IDLE.clear();
    }
}
