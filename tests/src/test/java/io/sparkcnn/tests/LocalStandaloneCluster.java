package io.sparkcnn.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The standalone cluster of deploy/local/cluster.sh (a master and two workers, each its own
 * JVM), started from a dist/ made of this test's own classpath: every dependency jar linked
 * into dist/jars, and the project's class folders packed into one application jar. Each worker
 * offers three cores and every application takes two one-core executors, which the master spreads
 * one to a worker: three applications run at once, each with an executor JVM on both workers.
 */
final class LocalStandaloneCluster implements AutoCloseable {
    static final String APP_JAR = "sparkcnn-app.jar";
    /** Cores per worker JVM; each application takes one of each worker's (spark.cores.max, one-core executors). */
    static final int WORKER_CORES = 3, CORES_PER_APP = 2;
    private final Path root;
    private final Path dist;
    private final Path state;
    private final int port;
    private final String url;

    private LocalStandaloneCluster(Path root, Path dist, Path state, int port, String url) {
        this.root = root;
        this.dist = dist;
        this.state = state;
        this.port = port;
        this.url = url;
    }

    static LocalStandaloneCluster start(Path dir) throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("sparkcnn.root", "..")).toAbsolutePath().normalize();
        Path dist = dir.resolve("dist");
        Path jars = dist.resolve("jars");
        Files.createDirectories(jars);
        List<Path> classDirs = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && !p.getFileName().toString().contains("test-classes")) classDirs.add(p);
            else if (entry.endsWith(".jar") && Files.isRegularFile(p) && !Files.exists(jars.resolve(p.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
            }
        }
        packJar(classDirs, jars.resolve(APP_JAR));
        int port = freePort();
        Path state = dir.resolve("cluster");
        LocalStandaloneCluster c = new LocalStandaloneCluster(root, dist, state, port, "spark://127.0.0.1:" + port);
        c.script("start", 180);
        return c;
    }

    String url() { return url; }

    /** Starts spark-submit (Spark's SparkSubmit class, the driver in this process) for a sparkcnn command, UI off. */
    Process submit(Path log, List<String> args) throws IOException { return submit(log, args, -1); }

    /** The same with the driver's UI (and its REST API) on uiPort, when uiPort > 0. */
    Process submit(Path log, List<String> args, int uiPort) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx1g"));
        cmd.addAll(opens());
        cmd.addAll(List.of("-cp", dist.resolve("jars") + "/*", "org.apache.spark.deploy.SparkSubmit",
                "--master", url, "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=" + CORES_PER_APP,
                "--conf", "spark.task.cpus=1",
                "--conf", "spark.executor.memory=768m", "--conf", "spark.executorEnv.SPARK_SCALA_VERSION=2.13",
                "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", opens()),
                "--conf", uiPort > 0 ? "spark.ui.port=" + uiPort : "spark.ui.enabled=false",
                "--class", "io.sparkcnn.jobs.cli.SparkCnn", dist.resolve("jars").resolve(APP_JAR).toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        env(pb);
        // the launcher and driver JVMs only start Spark and sum a few vectors: C1 alone starts them faster.
        // The executors, which train, are the workers' children and keep the full JIT.
        pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
        return pb.start();
    }

    /** PIDs of this cluster's executor JVMs (their working directory is under the cluster's work dirs). */
    List<Long> executorPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try {
                    String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (!cmdline.contains("CoarseGrainedExecutorBackend")) continue;
                    if (Files.readSymbolicLink(p.resolve("cwd")).startsWith(state)) pids.add(Long.parseLong(name));
                } catch (IOException | SecurityException e) {
                    // a process that ended while we looked, or one that is not ours
                }
            }
        }
        return pids;
    }

    /** The PID of this cluster's executor JVM of application appId with this Spark executor id, or -1. */
    long executorPid(String appId, String executorId) throws IOException {
        for (long pid : executorPids()) {
            try {
                List<String> argv = List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0"));
                if (executorId.equals(argument(argv, "--executor-id")) && appId.equals(argument(argv, "--app-id"))) return pid;
            } catch (IOException e) {
                // it ended while we looked
            }
        }
        return -1;
    }

    private static String argument(List<String> argv, String flag) {
        int at = argv.indexOf(flag);
        return at >= 0 && at + 1 < argv.size() ? argv.get(at + 1) : null;
    }

    /**
     * The ids of the executors that worker (1 or 2) launched for application appId: a worker gives
     * each executor a working directory work-&lt;worker&gt;/&lt;app id&gt;/&lt;executor id&gt;.
     */
    List<String> executorsOn(int worker, String appId) throws IOException {
        Path app = state.resolve("work-" + worker).resolve(appId);
        if (!Files.isDirectory(app)) return List.of();
        try (Stream<Path> dirs = Files.list(app)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList();
        }
    }

    /** The master's state as its web UI gives it in JSON (applications with id, name, state, cores). */
    java.net.URL masterJson() throws IOException {
        return java.net.URI.create("http://127.0.0.1:" + (port + 1) + "/json/").toURL();
    }

    /** The master's and workers' process ids, from the PID files cluster.sh writes. */
    List<Long> daemonPids() throws IOException {
        List<Long> pids = new ArrayList<>();
        for (String name : List.of("master", "worker-1", "worker-2")) {
            pids.add(Long.parseLong(Files.readString(state.resolve(name + ".pid")).trim()));
        }
        return pids;
    }

    static int freeUiPort() throws IOException { return freePort(); }

    @Override
    public void close() throws IOException, InterruptedException {
        script("stop", 60);
    }

    private void script(String command, int seconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("deploy/local/cluster.sh").toString(), command)
                .redirectErrorStream(true).redirectOutput(state.getParent().resolve("cluster-" + command + ".log").toFile());
        env(pb);
        pb.environment().remove("LD_PRELOAD"); // surefire's; the daemons' must come from cluster.sh itself
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroy();
            throw new IllegalStateException("deploy/local/cluster.sh " + command + " failed: "
                    + Files.readString(state.getParent().resolve("cluster-" + command + ".log")));
        }
    }

    private void env(ProcessBuilder pb) {
        pb.environment().put("SPARKCNN_DIST", dist.toString());
        pb.environment().put("SPARKCNN_CLUSTER_DIR", state.toString());
        pb.environment().put("SPARKCNN_MASTER_PORT", Integer.toString(port));
        pb.environment().put("WORKER_CORES", Integer.toString(WORKER_CORES));
        pb.environment().put("WORKER_MEMORY", "2g"); // two executors of spark.executor.memory=768m
        pb.environment().put("SPARK_HOME", dist.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    }

    private static List<String> opens() {
        List<String> o = new ArrayList<>();
        for (String pkg : List.of("java.lang", "java.lang.invoke", "java.lang.reflect", "java.io", "java.net", "java.nio",
                "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "jdk.internal.ref", "sun.nio.ch",
                "sun.nio.cs", "sun.security.action", "sun.util.calendar")) {
            o.add("--add-opens=java.base/" + pkg + "=ALL-UNNAMED");
        }
        // the Vector API, as the launchers pass it (deploy/thread-env.sh): the executors must run the kernels the local runs do
        o.add("--add-modules=jdk.incubator.vector");
        return o;
    }

    private static String javaBin() { return Path.of(System.getProperty("java.home"), "bin", "java").toString(); }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void packJar(List<Path> dirs, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (Path dir : dirs) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        String name = dir.relativize(f).toString().replace('\\', '/');
                        if (!seen.add(name)) continue;
                        out.putNextEntry(new JarEntry(name));
                        Files.copy(f, out);
                        out.closeEntry();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("packing " + jar, e);
        }
    }
}
