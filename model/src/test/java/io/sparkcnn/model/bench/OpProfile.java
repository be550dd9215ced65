package io.sparkcnn.model.bench;

import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.ConvGeom;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training step's time goes: wraps a backend so that every op it hands out is timed
 * per (op, creation arguments, method). A measuring aid for the bench's --profile flag only:
 * the proxies allocate on every call, so a profiled run is slower than a plain one.
 */
final class OpProfile {
    private final Map<String, long[]> totals = new LinkedHashMap<>();

    /** The backend, whose op factories return timed ops. */
    Backend wrap(Backend backend) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, m, args) -> {
                    Object op = invoke(backend, m, args);
                    Class<?> type = m.getReturnType();
                    boolean isOp = type.isInterface() && type.getPackageName().equals(Backend.class.getPackageName())
                            && !type.equals(Backend.class) && op != null;
                    return isOp ? timed(type, op, type.getSimpleName() + describe(args)) : op;
                });
    }

    private Object timed(Class<?> type, Object op, String name) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class || m.getReturnType() != void.class) return invoke(op, m, args);
            long start = System.nanoTime();
            Object r = invoke(op, m, args);
            long[] t = totals.computeIfAbsent(name + "." + m.getName(), k -> new long[2]);
            t[0] += System.nanoTime() - start;
            t[1]++;
            return r;
        };
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, h);
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String describe(Object[] args) {
        if (args == null || args.length == 0) return "";
        if (args[0] instanceof ConvGeom g) {
            return String.format("(N=%d %d->%d %dx%d k%dx%d s%d p%d g%d)", g.n(), g.c(), g.k(), g.ih(), g.iw(), g.kh(), g.kw(),
                    g.sh(), g.ph(), g.groups());
        }
        return Arrays.toString(args).replace('[', '(').replace(']', ')');
    }

    void reset() { totals.clear(); }

    /** The entries that took the most time, with their share of the total, per step. */
    String top(int count, int steps) {
        long all = 0;
        for (long[] t : totals.values()) all += t[0];
        List<Map.Entry<String, long[]>> e = new ArrayList<>(totals.entrySet());
        e.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));
        StringBuilder s = new StringBuilder(String.format("  ops total %.1f ms per step%n", all * 1e-6 / steps));
        for (int i = 0; i < Math.min(count, e.size()); i++) {
            long[] t = e.get(i).getValue();
            s.append(String.format("  %6.2f ms %5.1f%%  %s%n", t[0] * 1e-6 / steps, 100.0 * t[0] / all, e.get(i).getKey()));
        }
        return s.toString();
    }
}
