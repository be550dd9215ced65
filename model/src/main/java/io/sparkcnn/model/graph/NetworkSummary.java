package io.sparkcnn.model.graph;

import io.sparkcnn.model.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A table of a network's layers computed from the spec alone (no memory): name, type,
 * inputs, output shape, trainable parameters, saved buffers and forward FLOPs per example
 * (a multiply-add counts 2), with totals. {@link #toString()} prints it.
 */
public final class NetworkSummary {

    /** One layer's line. Inputs are blank where a layer reads the one before it. */
    public record Row(String name, String type, List<String> inputs, Shape output, long params, long buffers, long flops) {}

    private final NetworkSpec spec;
    private final List<Row> rows;

    private NetworkSummary(NetworkSpec spec, List<Row> rows) {
        this.spec = spec;
        this.rows = List.copyOf(rows);
    }

    public static NetworkSummary of(NetworkSpec spec) {
        Map<String, Shape> shapes = spec.shapes();
        List<Row> rows = new ArrayList<>();
        String previous = NetworkSpec.INPUT;
        for (Node n : spec.nodes()) {
            List<Shape> in = NetworkSpec.inputShapes(n, shapes);
            List<String> shownInputs = n.inputs().equals(List.of(previous)) ? List.of() : n.inputs();
            rows.add(new Row(n.name(), n.spec().type(), shownInputs, shapes.get(n.name()),
                    n.spec().paramCount(in), n.spec().bufferCount(in), n.spec().flops(in)));
            previous = n.name();
        }
        return new NetworkSummary(spec, rows);
    }

    public List<Row> rows() { return rows; }

    public long totalParams() { return rows.stream().mapToLong(Row::params).sum(); }

    public long totalBuffers() { return rows.stream().mapToLong(Row::buffers).sum(); }

    public long totalFlops() { return rows.stream().mapToLong(Row::flops).sum(); }

    /** Floats of activations one example needs in the forward pass (input and every layer's output). */
    public long activationsPerExample() {
        long s = spec.input().size();
        for (Row r : rows) s += r.output().size();
        return s;
    }

    @Override
    public String toString() {
        String[] head = {"#", "name", "type", "inputs", "output", "params", "FLOPs"};
        List<String[]> cells = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            cells.add(new String[]{String.valueOf(i + 1), r.name(), r.type(), String.join(",", r.inputs()),
                    r.output().toString(), grouped(r.params()), grouped(r.flops())});
        }
        String[] total = {"", "total", "", "", "", grouped(totalParams()), grouped(totalFlops())};
        int[] width = new int[head.length];
        for (String[] row : concat(head, cells, total)) {
            for (int c = 0; c < row.length; c++) width[c] = Math.max(width[c], row[c].length());
        }
        boolean[] right = {true, false, false, false, false, true, true};
        StringBuilder b = new StringBuilder();
        b.append("network '").append(spec.name()).append("', input ").append(spec.input())
                .append(losses(spec)).append('\n');
        line(b, head, width, right);
        rule(b, width);
        for (String[] row : cells) line(b, row, width, right);
        rule(b, width);
        line(b, total, width, right);
        b.append(String.format(Locale.ROOT, "parameters %s (%.1f MB as float32), buffers %s, forward %s and %s activation floats per example%n",
                grouped(totalParams()), totalParams() * 4 / 1e6, grouped(totalBuffers()), flopsText(totalFlops()),
                grouped(activationsPerExample())));
        return b.toString();
    }

    private static List<String[]> concat(String[] head, List<String[]> body, String[] tail) {
        List<String[]> all = new ArrayList<>();
        all.add(head);
        all.addAll(body);
        all.add(tail);
        return all;
    }

    private static void line(StringBuilder b, String[] row, int[] width, boolean[] right) {
        for (int c = 0; c < row.length; c++) {
            if (c > 0) b.append("  ");
            String pad = " ".repeat(width[c] - row[c].length());
            b.append(right[c] ? pad + row[c] : row[c] + (c + 1 < row.length ? pad : ""));
        }
        b.append('\n');
    }

    private static void rule(StringBuilder b, int[] width) {
        int n = 2 * (width.length - 1);
        for (int w : width) n += w;
        b.append("-".repeat(n)).append('\n');
    }

    /** 852,156 -> "0.85 MFLOPs", 8,205,000,000 -> "8.21 GFLOPs". */
    private static String flopsText(long flops) {
        return flops >= 1e9 ? String.format(Locale.ROOT, "%.2f GFLOPs", flops / 1e9)
                : String.format(Locale.ROOT, "%.2f MFLOPs", flops / 1e6);
    }

    private static String grouped(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** ", loss T" for one loss on the output (as always), else every head with its node and weight. */
    private static String losses(NetworkSpec spec) {
        if (spec.heads().isEmpty()) return "";
        if (spec.hasSingleLossOnOutput()) return ", loss " + spec.loss().type();
        StringBuilder b = new StringBuilder(", losses");
        for (int i = 0; i < spec.heads().size(); i++) {
            Head h = spec.heads().get(i);
            b.append(i == 0 ? " " : " + ").append(h.weight()).append(" x ").append(h.loss().type()).append(" on '").append(h.node()).append('\'');
        }
        return b.toString();
    }
}
