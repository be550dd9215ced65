package io.sparkcnn.model.bench;

import io.sparkcnn.model.backend.Arena;
import io.sparkcnn.model.backend.Arenas;
import io.sparkcnn.model.backend.Backend;
import io.sparkcnn.model.backend.ConvGeom;
import io.sparkcnn.model.backend.ConvOp;

import java.util.Random;

/** One convolution on a backend, with random tensors, ready to time its three passes. */
final class ConvBench implements AutoCloseable {
    private final Backend backend;
    private final ConvOp op;
    private final int x, y, dy, dx, w, b;

    ConvBench(ConvCase c, Backend backend) {
        this.backend = backend;
        ConvGeom g = c.geom();
        int in = g.n() * g.inSize(), out = g.n() * g.outSize();
        x = 0;
        y = in;
        dy = y + out;
        dx = dy + out;
        w = 0;
        b = g.weightCount();
        Arenas arenas = new Arenas(b + g.k(), 0, dx + in, 0);
        Random rnd = new Random(1);
        for (float[] a : new float[][]{arenas.acts(), arenas.params()}) {
            for (int i = 0; i < a.length; i++) a[i] = rnd.nextFloat() - 0.5f;
        }
        backend.bind(arenas);
        for (Arena a : Arena.values()) backend.pushToDevice(a);
        op = backend.conv(g);
    }

    /** Seconds of each timed call of one pass ("forward", "backward_data", "backward_weights"). */
    double[] seconds(String pass, Warmup warmup, int reps) {
        Runnable body = switch (pass) {
            case "forward" -> () -> op.forward(x, w, b, y, false);
            case "backward_data" -> () -> op.backwardData(dy, w, dx);
            case "backward_weights" -> () -> op.backwardWeights(x, dy, w, b);
            default -> throw new IllegalArgumentException("unknown pass " + pass);
        };
        return Timer.seconds(warmup, reps, () -> {
            body.run();
            backend.finish();
        });
    }

    @Override
    public void close() { backend.close(); }
}
